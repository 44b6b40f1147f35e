// SPDX-License-Identifier: MIT
// Receipt verification: the embedded schema, then the rules listed in
// receipt_verify.hpp. Each rule looks only at the fields it judges and skips
// what the schema already reports as missing or ill-typed.
#include "bitnet/receipt_verify.hpp"

#include "bitnet/error.hpp"
#include "bitnet/receipt.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>

namespace bitnet::receipt {
namespace generated {
extern const std::string_view kReceiptSchemaText;
extern const std::string_view kReceiptSchemaSourcePath;
extern const std::string_view kReceiptSchemaInstallPath;
}  // namespace generated

namespace json = boost::json;
namespace {

// The value at a chain of object keys, or nullptr if any step is missing.
const json::value* find(const json::value& root, std::initializer_list<std::string_view> keys) {
    const json::value* v = &root;
    for (const auto key : keys) {
        if (!v->is_object()) return nullptr;
        v = v->get_object().if_contains(key);
        if (!v) return nullptr;
    }
    return v;
}

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

double as_double(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return v.get_double();
}

std::string shown(const json::value& v) {
    if (v.is_double() && !std::isfinite(v.get_double())) return std::isnan(v.get_double()) ? "NaN" : "infinite";
    return json::serialize(v);
}

bool contains_mock(std::string_view id) {
    std::string lower(id);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower.find("mock") != std::string::npos;
}

class RuleCheck {
public:
    explicit RuleCheck(const json::value& r) : r_(r) {}

    std::vector<Violation> run() {
        compute_path();
        kernels();
        positive_finite("speed", {"prefill_tok_per_s", "decode_tok_per_s"});
        positive_finite("timing", {"load_ms", "ttft_ms"});
        tokens();
        model();
        return std::move(out_);
    }

private:
    void fail(std::string rule, std::string detail) { out_.push_back({std::move(rule), std::move(detail)}); }

    void compute_path() {
        const auto* v = find(r_, {"compute_path"});
        if (!v)
            fail("compute_path", "compute_path is missing; it must be \"real\"");
        else if (!v->is_string() || v->get_string() != "real")
            fail("compute_path", "compute_path is " + shown(*v) + ", not \"real\"");
    }

    void kernels() {
        std::set<std::string, std::less<>> loaded, rejected;
        if (const auto* c = find(r_, {"backend", "candidates"}); c && c->is_array()) {
            for (const auto& cand : c->get_array()) {
                const auto* name = find(cand, {"plugin"});
                const auto* why = find(cand, {"rejected"});
                if (!name || !name->is_string() || name->get_string().empty()) continue;
                (why && why->is_string() ? rejected : loaded).insert(std::string(name->get_string()));
            }
        }
        std::set<std::string, std::less<>> selected;
        if (const auto* s = find(r_, {"backend", "selected"}); s && s->is_array()) {
            const auto& arr = s->get_array();
            for (size_t i = 0; i < arr.size(); ++i) {
                const auto* k = find(arr[i], {"kernel"});
                if (!k || !k->is_string()) continue;
                selected.insert(std::string(k->get_string()));
                kernel_id(k->get_string(), "backend.selected[" + std::to_string(i) + "].kernel", loaded, rejected);
            }
        }
        const auto* ran = find(r_, {"kernels"});
        if (!ran || !ran->is_array() || ran->get_array().empty()) {
            fail("kernels_ran", "no kernel is listed as having run");
            return;
        }
        const auto& arr = ran->get_array();
        for (size_t i = 0; i < arr.size(); ++i) {
            const std::string where = "kernels[" + std::to_string(i) + "]";
            const auto* id = find(arr[i], {"id"});
            if (id && id->is_string()) {
                const std::string_view s = id->get_string();
                kernel_id(s, where + ".id", loaded, rejected);
                if (!s.empty() && !selected.count(s))
                    fail("kernel_ran_selected", where + ".id \"" + std::string(s) +
                                                    "\" ran but is not the selected kernel of any op");
            }
            if (const auto* calls = find(arr[i], {"calls"}); calls && is_number(*calls) && !(as_double(*calls) > 0))
                fail("kernel_calls", where + ".calls is " + shown(*calls) + "; a kernel that ran was called");
        }
    }

    void kernel_id(std::string_view id, const std::string& where, const std::set<std::string, std::less<>>& loaded,
                   const std::set<std::string, std::less<>>& rejected) {
        if (id.empty()) {
            fail("kernel_id_nonempty", where + " is empty");
            return;
        }
        const std::string quoted = "\"" + std::string(id.substr(0, 60)) + (id.size() > 60 ? "...\"" : "\"");
        if (id.size() > kMaxKernelIdLength)
            fail("kernel_id_length", where + " " + quoted + " is " + std::to_string(id.size()) +
                                         " characters, more than " + std::to_string(kMaxKernelIdLength));
        if (contains_mock(id)) fail("kernel_id_no_mock", where + " " + quoted + " names a mock kernel");
        const size_t dot = id.find('.');
        if (dot == std::string_view::npos || dot == 0) {
            fail("kernel_plugin_loaded", where + " " + quoted + " does not start with \"<plugin>.\"");
            return;
        }
        const std::string_view plugin = id.substr(0, dot);
        if (loaded.count(plugin)) return;
        fail("kernel_plugin_loaded", where + " " + quoted + " names plugin \"" + std::string(plugin) + "\", which " +
                                         (rejected.count(plugin) ? "was rejected" : "is not among the candidates"));
    }

    void positive_finite(const std::string& rule, std::initializer_list<std::string_view> fields) {
        for (const auto field : fields) {
            const auto* v = find(r_, {"performance", field});
            if (!v) continue;  // the schema reports it missing
            const std::string where = "performance." + std::string(field);
            if (!is_number(*v))
                fail(rule, where + " is " + shown(*v) + ", not a finite number > 0");
            else if (!std::isfinite(as_double(*v)) || !(as_double(*v) > 0))
                fail(rule, where + " is " + shown(*v) + ", not a finite number > 0");
        }
    }

    void tokens() {
        const auto* ids = find(r_, {"tokens", "generated_ids"});
        if (!ids || !ids->is_array()) return;
        const auto& arr = ids->get_array();
        if (const auto* n = find(r_, {"tokens", "generated"}); n && is_number(*n) && as_double(*n) != double(arr.size()))
            fail("generated_count", "tokens.generated is " + shown(*n) + " but generated_ids lists " +
                                        std::to_string(arr.size()) + " ids");
        std::vector<int32_t> values;
        for (const auto& id : arr) {
            if (!id.is_int64() || id.get_int64() < std::numeric_limits<int32_t>::min() ||
                id.get_int64() > std::numeric_limits<int32_t>::max())
                return;  // not int32 ids: the schema has said so
            values.push_back(static_cast<int32_t>(id.get_int64()));
        }
        if (const auto* vocab = find(r_, {"model", "shape", "vocab_size"}); vocab && is_number(*vocab)) {
            for (size_t i = 0; i < values.size(); ++i) {
                if (values[i] < 0 || values[i] >= as_double(*vocab)) {
                    fail("token_range", "tokens.generated_ids[" + std::to_string(i) + "] is " +
                                            std::to_string(values[i]) + ", outside a vocabulary of " + shown(*vocab));
                    break;
                }
            }
        }
        const auto* hash = find(r_, {"tokens", "generated_ids_sha256"});
        if (!hash || !hash->is_string()) return;
        const std::string expected = token_ids_sha256(values);
        if (hash->get_string() != expected)
            fail("token_hash", "tokens.generated_ids_sha256 is " + shown(*hash) + " but the ids hash to \"" +
                                   expected + "\"");
    }

    void model() {
        const auto* sha = find(r_, {"model", "sha256"});
        const auto hex64 = [](json::string_view s) {
            return s.size() == 64 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
        };
        if (!sha)
            fail("model_sha256", "model.sha256 is missing");
        else if (!sha->is_string() || !hex64(sha->get_string()))
            fail("model_sha256", "model.sha256 is " + shown(*sha) + ", not 64 hex characters");

        const auto* count = find(r_, {"model", "tensor_count"});
        const auto* types = find(r_, {"model", "tensor_types"});
        if (count && is_number(*count) && types && types->is_object()) {
            double sum = 0;
            for (const auto& kv : types->get_object())
                if (is_number(kv.value())) sum += as_double(kv.value());
            if (sum != as_double(*count))
                fail("tensor_count", "model.tensor_count is " + shown(*count) + " but tensor_types add up to " +
                                         std::to_string(static_cast<long long>(sum)));
        }

        const auto* source = find(r_, {"model", "weights_source"});
        const auto* packed = find(r_, {"model", "bytes_packed"});
        const auto* copied = find(r_, {"model", "bytes_copied"});  // optional: older receipts lack it
        if (source && source->is_string() && packed && is_number(*packed)) {
            const json::string_view s = source->get_string();
            const double n_packed = as_double(*packed);
            const double n_copied = copied && is_number(*copied) ? as_double(*copied) : 0.0;
            const bool ok = s == "mapped"   ? n_packed == 0 && n_copied == 0
                            : s == "packed" ? n_packed > 0 && n_copied == 0
                                            : n_copied > 0;
            if (!ok)
                fail("weights_source", "model.weights_source is " + shown(*source) + " but bytes_packed is " +
                                           shown(*packed) + (copied ? " and bytes_copied " + shown(*copied) : ""));
        }
    }

    const json::value& r_;
    std::vector<Violation> out_;
};

}  // namespace

std::string_view receipt_schema_text() { return generated::kReceiptSchemaText; }
std::string_view receipt_schema_source_path() { return generated::kReceiptSchemaSourcePath; }
std::string_view receipt_schema_install_path() { return generated::kReceiptSchemaInstallPath; }

const json_schema::Validator& receipt_schema() {
    static const json_schema::Validator schema(json::parse(generated::kReceiptSchemaText));
    return schema;
}

std::vector<Violation> verify_receipt(const json::value& receipt) { return verify_receipt(receipt, receipt_schema()); }

std::vector<Violation> verify_receipt(const json::value& receipt, const json_schema::Validator& schema) {
    std::vector<Violation> out;
    for (const auto& e : schema.validate(receipt))
        out.push_back({"schema", json_schema::describe_path(e.path) + ": " + e.message});
    for (auto& v : RuleCheck(receipt).run()) out.push_back(std::move(v));
    return out;
}

std::vector<Violation> verify_receipt_file(const std::string& path) {
    return verify_receipt_file(path, receipt_schema());
}

std::vector<Violation> verify_receipt_file(const std::string& path, const json_schema::Validator& schema) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return {{"json", "cannot open the file"}};
    std::ostringstream text;
    text << f.rdbuf();
    const std::string s = text.str();

    json::parser parser;
    json::error_code ec;
    const size_t used = parser.write(s.data(), s.size(), ec);
    if (ec) {
        const size_t line = 1 + static_cast<size_t>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::min(used, s.size())), '\n'));
        return {{"json", "not valid JSON (" + ec.message() + ", line " + std::to_string(line) + ")"}};
    }
    return verify_receipt(parser.release(), schema);
}

}  // namespace bitnet::receipt
