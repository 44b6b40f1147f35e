// SPDX-License-Identifier: MIT
// bitnet-run: loads a model through the kernel plugins, streams generated text
// to stdout and a one-line timing summary to stderr.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/hub.hpp"
#include "bitnet/receipt.hpp"
#include "bitnet/run_receipt.hpp"
#include "bitnet/session.hpp"
#include "chat.hpp"
#include "run_options.hpp"

namespace {

using namespace bitnet;

void write_logits(const std::string& path, const std::vector<float>& logits) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error("cannot write logits to " + path);
    // Raw little-endian float32: this runtime only builds for little-endian targets.
    out.write(reinterpret_cast<const char*>(logits.data()),
              static_cast<std::streamsize>(logits.size() * sizeof(float)));
    if (!out) throw Error("cannot write logits to " + path);
}

void print_verbose(Engine& engine) {
    std::cerr << describe_backends(engine.kernels(), engine.options().backend);
    std::cerr << "threads: " << engine.pool().size() << "\n";
    std::cerr << "weights: " << (engine.model().packed_bytes() ? "packed copy" : "read from the mapped file")
              << " (" << engine.model().packed_bytes() << " bytes packed)\n";
    std::cerr << "tokenizer: " << engine.tokenizer().describe_rule() << "\n";
}

void print_timing(const Engine& engine, const GenerateResult& r) {
    const size_t n_gen = r.generated.size();
    char line[256];
    std::snprintf(line, sizeof(line),
                  "load %.1f ms | prompt %zu tokens, %.1f tok/s | generation %zu tokens, %.1f tok/s\n",
                  engine.load_ms(), r.prompt_ids.size(),
                  r.prefill_ms > 0 ? static_cast<double>(r.prompt_ids.size()) * 1000.0 / r.prefill_ms : 0.0, n_gen,
                  r.decode_ms > 0 ? static_cast<double>(n_gen - 1) * 1000.0 / r.decode_ms : 0.0);
    std::cerr << line;
}

// --receipt PATH, and one file per run in BITNET_RECEIPT_DIR when that is set
// (so a CI job can audit every run it made).
void write_receipts(Engine& engine, const cli::RunOptions& opt, const GenerateResult& result) {
    std::vector<std::string> paths;
    if (!opt.receipt_path.empty()) paths.push_back(opt.receipt_path);
    if (const char* dir = std::getenv("BITNET_RECEIPT_DIR"); dir && *dir)
        paths.push_back(std::string(dir) + "/bitnet-run-" + std::to_string(::getpid()) + "-" +
                        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".json");
    if (paths.empty()) return;
    auto receipt = collect_receipt(engine, opt.generate, result);
    for (const auto& p : paths) receipt::write_receipt(receipt, p);
}

// BITNET_SEED gives the seed when --seed does not; otherwise the clock does.
uint64_t default_seed() {
    if (const char* env = std::getenv("BITNET_SEED"); env && *env) {
        char* end = nullptr;
        unsigned long long v = std::strtoull(env, &end, 10);
        if (*end) throw Error(std::string("BITNET_SEED must be an unsigned integer, not '") + env + "'");
        return v;
    }
    return static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

int run(int argc, char** argv) {
    auto opt = cli::parse_run_options(argc, argv);
    if (opt.show_help) {
        std::cout << opt.help_text;
        return 0;
    }
    if (opt.list_backends) {
        auto setup = discover_kernels(opt.engine);
        std::cout << describe_backends(setup, opt.engine.backend) << std::flush;
        // Asking for a backend that cannot be used is an error even when listing.
        setup.registry->select(opt.engine.backend);
        return 0;
    }
    if (!opt.seed_given) opt.generate.sampling.seed = default_seed();
    opt.engine.tokenizer.pre_tokenizer = opt.pre_tokenizer;
    // OWNER/NAME:FILE names a file `bitnet-model pull` cached; never downloads.
    opt.engine.model_path = hub::resolve_model_argument(opt.engine.model_path);

    Engine engine(opt.engine);
    if (opt.verbose) print_verbose(engine);
    model::Session session(engine.model(), engine.dispatcher(), opt.n_ctx);

    GenerateResult result;
    if (opt.chat) {
        result = cli::run_chat(engine, session, opt, std::cin, std::cout);
    } else {
        const auto& tok = engine.tokenizer();
        auto prompt_ids = tok.encode(opt.prompt, {.add_bos = true, .parse_special = opt.parse_special});
        // An -n that cannot fit is refused before any work, not cut short
        // silently. The last sampled token is never evaluated, hence the - 1.
        const int64_t n_prompt = static_cast<int64_t>(prompt_ids.size());
        const int64_t n_predict = opt.generate.n_predict;
        if (n_predict > 0 && n_prompt <= session.context_size() &&
            n_prompt + n_predict - 1 > session.context_size())
            throw Error("-n " + std::to_string(n_predict) + " does not fit the context of " +
                        std::to_string(session.context_size()) + " tokens after a prompt of " +
                        std::to_string(n_prompt) + " (lower -n or raise -c)");
        opt.generate.keep_first_logits = !opt.dump_logits_path.empty();
        std::cout << opt.prompt << std::flush;
        result = generate(engine, session, prompt_ids, opt.generate, [](std::string_view text) {
            std::cout << text << std::flush;
            return true;
        });
        std::cout << std::endl;
    }
    if (!opt.dump_logits_path.empty()) write_logits(opt.dump_logits_path, result.first_logits);
    print_timing(engine, result);
    write_receipts(engine, opt, result);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
