// SPDX-License-Identifier: MIT
#include "bench_report.hpp"

#include <set>

#include "bitnet/error.hpp"
#include "json_io.hpp"
#include "text_table.hpp"

namespace bitnet::bench {
namespace {

// Decimal units, as bandwidth is quoted: GB from 1e9 bytes up, MB below.
std::string gb(uint64_t bytes) {
    const double b = static_cast<double>(bytes);
    return b >= 1e9 ? format("%.3f GB", b / 1e9) : format("%.3f MB", b / 1e6);
}

std::string seed_note(const BenchReport& r) {
    if (r.determinism.seed) return format("seed %llu (BITNET_SEED)", static_cast<unsigned long long>(r.seed));
    if (r.determinism.deterministic) return format("seed %llu (BITNET_DETERMINISTIC)", static_cast<unsigned long long>(r.seed));
    return format("seed %llu (random; set BITNET_DETERMINISTIC=1 to fix)", static_cast<unsigned long long>(r.seed));
}

std::string bytes_note(const DecodeBytes& d, const std::string& head) {
    return gb(d.total()) + " per decode token: " + gb(d.ternary) + " ternary + " + gb(d.head) + " " + head +
           " head + " + gb(d.norms) + " norms";
}

void print_header(const BenchReport& r, std::ostream& out) {
    if (r.configs.empty()) return;
    const auto& m = r.configs.front().model;
    out << "model: " << (m.name.empty() ? m.path : m.name + " (" + m.path + ")") << ", " << m.architecture << ", "
        << m.n_layer << " layers, " << gb(m.file_bytes) << ", " << format("%.3f", static_cast<double>(m.params) / 1e9)
        << " B params\n";
    std::set<std::string> heads;
    for (const auto& c : r.configs)
        if (heads.insert(c.model.head_run).second) out << "reads " << bytes_note(c.model.decode, c.model.head_run) << "\n";
    out << "build: " << r.git_commit << " | cpu: " << r.cpu << ", " << r.cores << " cores | load average "
        << format("%.2f %.2f %.2f", r.load_average[0], r.load_average[1], r.load_average[2]) << " | " << r.timestamp
        << "\n";
    if (!r.bandwidth.empty()) {
        out << "read bandwidth:";
        const char* sep = " ";
        for (const auto& [t, b] : r.bandwidth) {
            out << sep << t << (t == 1 ? " thread " : " threads ") << format("%.1f GB/s", b.peak_gbs);
            sep = ", ";
        }
        const auto& b = r.bandwidth.begin()->second;
        out << " (peak: fastest " << format("%.0f MiB", static_cast<double>(b.chunk_bytes) / (1 << 20))
            << " chunk per thread of a " << gb(b.bytes) << " buffer, " << b.loads << " loads)\n";
    }
    out << "tokens: " << seed_note(r) << " | " << r.repetitions << " repetitions after one warm-up\n";
}

TextTable result_table(const BenchReport& r) {
    TextTable t({"backend", "head", "threads", "test", "t/s", "median t/s", "limit t/s", "of limit"});
    for (const auto& c : r.configs)
        for (const auto& p : c.tests) {
            const double limit = limit_tok_per_s(r, c, p.test);
            t.add_row({c.backend, c.model.head_run, std::to_string(c.threads), p.test.name(),
                       format("%.2f ± %.2f", p.rate.mean, p.rate.stddev), format("%.2f", p.rate.median),
                       limit > 0 ? format("%.1f", limit) : "-",
                       limit > 0 ? format("%.1f%%", 100.0 * p.rate.median / limit) : "-"});
        }
    return t;
}

void print_footer(const BenchReport& r, std::ostream& out, bool markdown) {
    out << (markdown ? "\nKernels that ran:\n\n" : "\nkernels that ran:\n");
    for (const auto& c : r.configs) {
        out << (markdown ? "- " : "  ") << c.backend << ", " << c.model.head_run << " head, " << c.threads
            << (c.threads == 1 ? " thread" : " threads") << format(" (load %.0f ms", c.load_ms)
            << (c.weights_copied ? ", weights copied into memory):" : "):");
        for (const auto& k : c.kernels) out << " " << k;
        out << "\n";
    }
    bool receipts = false;
    for (const auto& c : r.configs) receipts = receipts || !c.receipt.empty();
    if (!receipts) return;
    out << (markdown ? "\nReceipts:\n\n" : "receipts:\n");
    for (const auto& c : r.configs)
        if (!c.receipt.empty()) out << (markdown ? "- " : "  ") << c.receipt << "\n";
}

boost::json::array doubles(const std::vector<double>& v) {
    boost::json::array a;
    for (double x : v) a.emplace_back(x);
    return a;
}

boost::json::value to_json(const BenchReport& r) {
    boost::json::object root;
    root["timestamp"] = r.timestamp;
    root["build_commit"] = r.git_commit;
    root["cpu"] = r.cpu;
    root["cores"] = r.cores;
    root["load_average"] = boost::json::array{r.load_average[0], r.load_average[1], r.load_average[2]};
    root["seed"] = r.seed;
    root["deterministic"] = r.determinism.fixed_seed();
    root["repetitions"] = r.repetitions;
    boost::json::array bw;
    for (const auto& [t, b] : r.bandwidth)
        bw.push_back(boost::json::object{{"threads", t},          {"buffer_bytes", b.bytes},
                                         {"passes", b.passes},    {"loads", b.loads}, {"chunk_bytes", b.chunk_bytes},
                                         {"peak_gbs", b.peak_gbs}, {"pass_gbs", b.pass_gbs}});
    root["bandwidth"] = std::move(bw);
    boost::json::array results;
    for (const auto& c : r.configs) {
        const auto& m = c.model;
        boost::json::object model{{"path", m.path},
                                  {"name", m.name},
                                  {"architecture", m.architecture},
                                  {"size_bytes", m.file_bytes},
                                  {"params", m.params},
                                  {"decode_bytes_per_token",
                                   boost::json::object{{"ternary", m.decode.ternary},
                                                       {"head", m.decode.head},
                                                       {"norms", m.decode.norms},
                                                       {"total", m.decode.total()}}}};
        boost::json::array tests;
        for (const auto& p : c.tests) {
            const double limit = limit_tok_per_s(r, c, p.test);
            boost::json::object t{{"test", p.test.name()},
                                  {"n_prompt", p.test.kind == PerfTest::Kind::Prompt ? p.test.n : 0},
                                  {"n_gen", p.test.kind == PerfTest::Kind::Generate ? p.test.n : 0},
                                  {"batch", p.test.batch},
                                  {"seconds", doubles(p.seconds)},
                                  {"tok_per_s", doubles(p.tok_per_s)},
                                  {"mean_tok_per_s", p.rate.mean},
                                  {"stddev_tok_per_s", p.rate.stddev},
                                  {"median_tok_per_s", p.rate.median}};
            if (limit > 0) {
                t["limit_tok_per_s"] = limit;
                t["fraction_of_limit"] = p.rate.median / limit;
            }
            tests.push_back(std::move(t));
        }
        boost::json::array kernels;
        for (const auto& k : c.kernels) kernels.emplace_back(k);
        boost::json::object o{{"backend", c.backend}, {"head_precision", c.head_precision}, {"head_run", c.model.head_run},
                              {"threads", c.threads}, {"load_ms", c.load_ms},
                              {"weights", c.weights_copied ? "copied" : "mapped"},
                              {"model", std::move(model)}, {"kernels", std::move(kernels)},
                              {"tests", std::move(tests)}};
        if (!c.receipt.empty()) o["receipt"] = c.receipt;
        results.push_back(std::move(o));
    }
    root["results"] = std::move(results);
    return root;
}

}  // namespace

OutputFormat parse_output_format(const std::string& name) {
    if (name == "text") return OutputFormat::Text;
    if (name == "json") return OutputFormat::Json;
    if (name == "md" || name == "markdown") return OutputFormat::Markdown;
    throw Error("unknown output format '" + name + "' (expected text, json or md)");
}

void print_bench_report(const BenchReport& r, OutputFormat format, std::ostream& out) {
    switch (format) {
        case OutputFormat::Json: write_pretty_json(out, to_json(r)); return;
        case OutputFormat::Text:
            print_header(r, out);
            out << "\n";
            result_table(r).print_text(out);
            print_footer(r, out, false);
            return;
        case OutputFormat::Markdown:
            print_header(r, out);
            out << "\n";
            result_table(r).print_markdown(out);
            print_footer(r, out, true);
            return;
    }
}

}  // namespace bitnet::bench
