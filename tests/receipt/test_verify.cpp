// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE receipt_verify
#include <boost/test/unit_test.hpp>

#include "bitnet/receipt.hpp"
#include "bitnet/receipt_verify.hpp"
#include "sample_receipt.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace json = boost::json;
using bitnet::receipt::Violation;

namespace {

std::string listing(const std::vector<Violation>& vs) {
    std::string out;
    for (const auto& v : vs) out += "\n  rule " + v.rule + ": " + v.detail;
    return out.empty() ? " (none)" : out;
}

bool names(const std::vector<Violation>& vs, const std::string& rule, const std::string& detail_part = "") {
    for (const auto& v : vs)
        if (v.rule == rule && v.detail.find(detail_part) != std::string::npos) return true;
    return false;
}

json::value sample_json() { return bitnet::receipt::receipt_to_json(sample_receipt()); }

json::value& at(json::value& root, std::initializer_list<std::string_view> path) {
    json::value* v = &root;
    for (auto key : path) v = &v->as_object().at(key);
    return *v;
}

json::object& kernel(json::value& r, size_t i) { return at(r, {"kernels"}).as_array().at(i).as_object(); }

struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("bitnet-test-" + std::to_string(::getpid()) + "-" + name)) {}
    ~TempFile() { std::filesystem::remove(path); }
};

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(realistic_receipt_passes) {
    const auto violations = bitnet::receipt::verify_receipt(sample_json());
    BOOST_TEST(violations.empty(), "violations:" << listing(violations));
}

BOOST_AUTO_TEST_CASE(written_receipt_file_passes_and_reads_back_the_same) {
    TempFile file("receipt.json");
    bitnet::receipt::write_receipt(sample_receipt(), file.path.string());
    const auto violations = bitnet::receipt::verify_receipt_file(file.path.string());
    BOOST_TEST(violations.empty(), "violations:" << listing(violations));
    BOOST_TEST(json::parse(read_file(file.path)) == sample_json(), "the file does not hold receipt_to_json");
    BOOST_TEST(!std::filesystem::exists(file.path.string() + ".tmp"), "temporary file left behind");
}

BOOST_AUTO_TEST_CASE(writes_sampling_settings_as_typed_and_the_token_hash) {
    auto r = sample_receipt();
    r.settings.sampling = {};
    const auto j = bitnet::receipt::receipt_to_json(r);
    const auto& s = j.at("settings").at("sampling");
    BOOST_TEST(s.at("temperature").as_double() == 0.8, "temperature written as " << s.at("temperature"));
    BOOST_TEST(s.at("top_p").as_double() == 0.95);
    BOOST_TEST(s.at("top_k").as_int64() == 40);
    BOOST_TEST(s.at("seed").to_number<uint64_t>() == 42u);
    BOOST_TEST(j.at("tokens").at("generated_ids_sha256").as_string() ==
               bitnet::receipt::token_ids_sha256(r.tokens.generated_ids));
    BOOST_TEST(j.at("compute_path").as_string() == "real");
    BOOST_TEST(j.at("schema_version").as_string() == "1");
}

// One hand-broken copy per rule: the rule must be named in the result.
BOOST_AUTO_TEST_CASE(each_broken_rule_is_named) {
    struct Case {
        std::string rule;
        std::string detail_part;
        std::function<void(json::value&)> breakage;
    };
    const std::vector<Case> cases = {
        {"compute_path", "\"mock\"", [](json::value& r) { at(r, {"compute_path"}) = "mock"; }},
        {"compute_path", "missing", [](json::value& r) { r.as_object().erase("compute_path"); }},
        {"kernels_ran", "", [](json::value& r) { at(r, {"kernels"}).as_array().clear(); }},
        {"kernel_id_nonempty", "kernels[0].id", [](json::value& r) { kernel(r, 0)["id"] = ""; }},
        {"kernel_id_nonempty", "backend.selected[3].kernel",
         [](json::value& r) { at(r, {"backend", "selected"}).as_array().at(3).as_object()["kernel"] = ""; }},
        {"kernel_id_length", "129 characters",
         [](json::value& r) { kernel(r, 1)["id"] = "cpu-avx2." + std::string(120, 'x'); }},
        {"kernel_id_no_mock", "kernels[2].id",
         [](json::value& r) { kernel(r, 2)["id"] = "cpu-scalar.i2s_gemv.Mock.scalar"; }},
        {"kernel_plugin_loaded", "was rejected",
         [](json::value& r) { kernel(r, 0)["id"] = "cpu-avx512.i2s_gemv.i8.vnni"; }},
        {"kernel_plugin_loaded", "not among the candidates",
         [](json::value& r) { kernel(r, 0)["id"] = "cpu-neon.i2s_gemv.i8.dotprod"; }},
        {"kernel_plugin_loaded", "does not start with",
         [](json::value& r) { kernel(r, 0)["id"] = "i2s_gemv_avx2"; }},
        {"kernel_ran_selected", "cpu-scalar.i2s_gemv.i8.scalar",
         [](json::value& r) {
             at(r, {"kernels"}).as_array().push_back(
                 json::object{{"id", "cpu-scalar.i2s_gemv.i8.scalar"}, {"calls", 3}, {"total_ns", 900}});
         }},
        {"kernel_calls", "kernels[4].calls", [](json::value& r) { kernel(r, 4)["calls"] = 0; }},
        {"speed", "decode_tok_per_s", [](json::value& r) { at(r, {"performance", "decode_tok_per_s"}) = 0.0; }},
        {"speed", "prefill_tok_per_s",
         [](json::value& r) { at(r, {"performance", "prefill_tok_per_s"}) = -5.0; }},
        {"speed", "infinite",
         [](json::value& r) {
             at(r, {"performance", "decode_tok_per_s"}) = std::numeric_limits<double>::infinity();
         }},
        {"speed", "null", [](json::value& r) { at(r, {"performance", "decode_tok_per_s"}) = nullptr; }},
        {"timing", "ttft_ms", [](json::value& r) { at(r, {"performance", "ttft_ms"}) = 0.0; }},
        {"timing", "load_ms", [](json::value& r) { at(r, {"performance", "load_ms"}) = std::nan(""); }},
        {"generated_count", "lists 16 ids", [](json::value& r) { at(r, {"tokens", "generated"}) = 17; }},
        {"token_hash", "", [](json::value& r) { at(r, {"tokens", "generated_ids"}).as_array().at(5) = 472; }},
        {"token_range", "generated_ids[2]",
         [](json::value& r) { at(r, {"tokens", "generated_ids"}).as_array().at(2) = 1024; }},
        {"model_sha256", "not 64 hex", [](json::value& r) { at(r, {"model", "sha256"}) = "80a7bd23"; }},
        {"model_sha256", "missing", [](json::value& r) { at(r, {"model"}).as_object().erase("sha256"); }},
        {"tensor_count", "add up to 46", [](json::value& r) { at(r, {"model", "tensor_count"}) = 47; }},
        {"weights_source", "bytes_packed is 0", [](json::value& r) { at(r, {"model", "weights_source"}) = "packed"; }},
        {"weights_source", "\"mapped\"", [](json::value& r) { at(r, {"model", "bytes_packed"}) = 4096; }},
        {"weights_source", "bytes_copied 0", [](json::value& r) { at(r, {"model", "weights_source"}) = "copied"; }},
        {"weights_source", "\"mapped\"", [](json::value& r) { at(r, {"model", "bytes_copied"}) = 4096; }},
    };
    for (const auto& c : cases) {
        json::value r = sample_json();
        c.breakage(r);
        const auto violations = bitnet::receipt::verify_receipt(r);
        BOOST_TEST(names(violations, c.rule, c.detail_part),
                   "rule " << c.rule << " (detail with '" << c.detail_part << "') not reported; got:"
                           << listing(violations));
    }
}

BOOST_AUTO_TEST_CASE(schema_violations_name_the_field) {
    struct Case {
        std::string field;
        std::string message_part;
        std::function<void(json::value&)> breakage;
    };
    const std::vector<Case> cases = {
        {"model.architecture", "required field is missing",
         [](json::value& r) { at(r, {"model"}).as_object().erase("architecture"); }},
        {"performance", "required field is missing", [](json::value& r) { r.as_object().erase("performance"); }},
        {"tokens.prompt", "expected integer, got string", [](json::value& r) { at(r, {"tokens", "prompt"}) = "9"; }},
        {"machine.cores", "expected integer, got number", [](json::value& r) { at(r, {"machine", "cores"}) = 2.5; }},
        {"backend.candidates[1].rejected", "expected string or null",
         [](json::value& r) { at(r, {"backend", "candidates"}).as_array().at(1).as_object()["rejected"] = false; }},
        {"settings.sampling.seed", "less than the minimum",
         [](json::value& r) { at(r, {"settings", "sampling", "seed"}) = -1; }},
        {"schema_version", "not one of", [](json::value& r) { at(r, {"schema_version"}) = "2"; }},
        {"timestamp", "does not match", [](json::value& r) { at(r, {"timestamp"}) = "26/11/2026 09:30"; }},
        {"model.weights_source", "not one of", [](json::value& r) { at(r, {"model", "weights_source"}) = "cached"; }},
        {"runtime.build_host", "not allowed", [](json::value& r) { at(r, {"runtime"}).as_object()["build_host"] = "x"; }},
        {"model.tensor_types.Q4_0", "less than the minimum",
         [](json::value& r) { at(r, {"model", "tensor_types"}).as_object()["Q4_0"] = 0; }},
    };
    for (const auto& c : cases) {
        json::value r = sample_json();
        c.breakage(r);
        const auto violations = bitnet::receipt::verify_receipt(r);
        const bool named = std::any_of(violations.begin(), violations.end(), [&](const Violation& v) {
            return v.rule == "schema" && v.detail.starts_with(c.field + ": ") &&
                   v.detail.find(c.message_part) != std::string::npos;
        });
        BOOST_TEST(named,
                   "no schema violation '" << c.field << ": " << c.message_part << "'; got:" << listing(violations));
    }
}

BOOST_AUTO_TEST_CASE(non_finite_speed_is_written_as_null_and_caught) {
    auto r = sample_receipt();
    r.performance.decode_tok_per_s = std::numeric_limits<double>::quiet_NaN();
    TempFile file("nan.json");
    bitnet::receipt::write_receipt(r, file.path.string());
    const auto violations = bitnet::receipt::verify_receipt_file(file.path.string());
    BOOST_TEST(names(violations, "speed", "decode_tok_per_s is null"), "got:" << listing(violations));
    BOOST_TEST(!names(violations, "json"), "the writer produced invalid JSON:" << listing(violations));
}

BOOST_AUTO_TEST_CASE(unreadable_or_malformed_file_fails_rule_json) {
    TempFile file("broken.json");
    std::ofstream(file.path) << "{\n  \"schema_version\": \"1\",\n  \"compute_path\": Infinity\n}\n";
    const auto bad = bitnet::receipt::verify_receipt_file(file.path.string());
    BOOST_TEST(names(bad, "json", "line 3"), "got:" << listing(bad));
    const auto missing = bitnet::receipt::verify_receipt_file(file.path.string() + ".absent");
    BOOST_TEST(names(missing, "json", "cannot open"), "got:" << listing(missing));
}

BOOST_AUTO_TEST_CASE(embedded_schema_is_the_file_in_the_repository) {
    const std::string path(bitnet::receipt::receipt_schema_source_path());
    BOOST_TEST_REQUIRE(std::filesystem::exists(path), path << " not found");
    BOOST_TEST(read_file(path) == std::string(bitnet::receipt::receipt_schema_text()),
               "the library embeds a stale copy of " << path);
    BOOST_TEST(bitnet::receipt::receipt_schema_install_path().ends_with("/bitnet/receipt-v1.schema.json"));
}
