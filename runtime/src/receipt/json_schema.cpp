// SPDX-License-Identifier: MIT
// The JSON Schema subset validator. Keywords apply only to instances of their own
// kind (minLength to strings, minimum to numbers, ...), as the specification says;
// after a type mismatch the other keywords of that schema are skipped, so one
// wrong value gives one message.
#include "bitnet/json_schema.hpp"

#include "bitnet/error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace bitnet::json_schema {
namespace json = boost::json;
namespace {

const std::set<std::string, std::less<>> kAnnotations{
    "$schema", "$id", "$comment", "title", "description", "default", "examples"};
const std::set<std::string, std::less<>> kTypeNames{
    "null", "boolean", "integer", "number", "string", "array", "object"};

std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

double as_double(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return v.get_double();
}

// 2020-12: an integer is any number with a zero fractional part, 1.0 included.
bool is_integer(const json::value& v) {
    if (v.is_int64() || v.is_uint64()) return true;
    return v.is_double() && std::isfinite(v.get_double()) && std::trunc(v.get_double()) == v.get_double();
}

std::string kind_of(const json::value& v) {
    if (v.is_null()) return "null";
    if (v.is_bool()) return "boolean";
    if (is_integer(v)) return "integer";
    if (v.is_double()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
}

bool has_type(const json::value& v, std::string_view type) {
    if (type == "number") return is_number(v);
    if (type == "integer") return is_integer(v);
    return kind_of(v) == type;
}

bool json_equal(const json::value& a, const json::value& b) {
    if (is_number(a) && is_number(b)) return as_double(a) == as_double(b);
    return a == b;
}

size_t code_points(json::string_view s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string shown(const json::value& v) {
    std::string s = json::serialize(v);
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string joined(const json::array& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + shown(item);
    return out;
}

[[noreturn]] void bad_schema(const std::string& where, const std::string& what) {
    throw Error("JSON schema: at " + describe_path(where) + ": " + what);
}

}  // namespace

std::string describe_path(const std::string& path) { return path.empty() ? "(document)" : path; }

Validator::Validator(json::value schema) : schema_(std::move(schema)) { check_schema(schema_, ""); }

void Validator::check_schema(const json::value& schema, const std::string& where) {
    if (schema.is_bool()) return;
    if (!schema.is_object()) bad_schema(where, "a schema must be an object or a boolean");
    for (const auto& kv : schema.get_object()) {
        const std::string key(kv.key());
        const json::value& v = kv.value();
        const std::string at = where.empty() ? key : where + "/" + key;
        if (kAnnotations.count(key)) continue;
        if (key == "type") {
            const auto known = [](const json::value& t) { return t.is_string() && kTypeNames.count(t.get_string()); };
            const bool ok = known(v) || (v.is_array() && !v.get_array().empty() &&
                                         std::all_of(v.get_array().begin(), v.get_array().end(), known));
            if (!ok) bad_schema(at, "type must name JSON types");
        } else if (key == "enum") {
            if (!v.is_array() || v.get_array().empty()) bad_schema(at, "enum must be a non-empty array");
        } else if (key == "const") {
        } else if (key == "required") {
            if (!v.is_array() || !std::all_of(v.get_array().begin(), v.get_array().end(),
                                              [](const json::value& s) { return s.is_string(); }))
                bad_schema(at, "required must be an array of names");
        } else if (key == "properties") {
            if (!v.is_object()) bad_schema(at, "properties must be an object");
            for (const auto& p : v.get_object()) check_schema(p.value(), at + "/" + std::string(p.key()));
        } else if (key == "additionalProperties" || key == "items") {
            check_schema(v, at);
        } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength") {
            if (!is_integer(v) || as_double(v) < 0) bad_schema(at, key + " must be a non-negative integer");
        } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum") {
            if (!is_number(v)) bad_schema(at, key + " must be a number");
        } else if (key == "pattern") {
            if (!v.is_string()) bad_schema(at, "pattern must be a string");
            const std::string source(v.get_string());
            try {
                patterns_.try_emplace(source, source, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                bad_schema(at, "pattern " + source + " does not compile: " + e.what());
            }
        } else {
            bad_schema(at, "keyword \"" + key + "\" is not supported by this validator");
        }
    }
}

std::vector<SchemaError> Validator::validate(const json::value& instance) const {
    std::vector<SchemaError> errors;
    validate_at(schema_, instance, "", errors);
    return errors;
}

void Validator::validate_at(const json::value& schema, const json::value& inst, const std::string& path,
                            std::vector<SchemaError>& errors) const {
    if (schema.is_bool()) {
        if (!schema.get_bool()) errors.push_back({path, "no value is allowed here"});
        return;
    }
    const json::object& s = schema.get_object();
    const auto kw = [&s](std::string_view name) { return s.if_contains(name); };

    if (const auto* type = kw("type")) {
        bool ok = false;
        std::string wanted;
        if (type->is_string()) {
            ok = has_type(inst, type->get_string());
            wanted = type->get_string();
        } else {
            for (const auto& t : type->get_array()) {
                ok = ok || has_type(inst, t.get_string());
                wanted += (wanted.empty() ? "" : " or ") + std::string(t.get_string());
            }
        }
        if (!ok) {
            errors.push_back({path, "expected " + wanted + ", got " + kind_of(inst)});
            return;
        }
    }
    if (const auto* e = kw("enum")) {
        const auto& options = e->get_array();
        if (std::none_of(options.begin(), options.end(), [&](const json::value& o) { return json_equal(o, inst); }))
            errors.push_back({path, "value " + shown(inst) + " is not one of " + joined(options)});
    }
    if (const auto* c = kw("const"); c && !json_equal(*c, inst))
        errors.push_back({path, "value " + shown(inst) + " is not " + shown(*c)});

    if (inst.is_string()) {
        const json::string_view str = inst.get_string();
        const size_t n = code_points(str);
        if (const auto* m = kw("minLength"); m && n < static_cast<size_t>(as_double(*m)))
            errors.push_back({path, "string of length " + std::to_string(n) + " is shorter than " + shown(*m)});
        if (const auto* m = kw("maxLength"); m && n > static_cast<size_t>(as_double(*m)))
            errors.push_back({path, "string of length " + std::to_string(n) + " is longer than " + shown(*m)});
        if (const auto* p = kw("pattern")) {
            const std::regex& re = patterns_.at(std::string(p->get_string()));
            if (!std::regex_search(str.begin(), str.end(), re))
                errors.push_back({path, "value " + shown(inst) + " does not match " + shown(*p)});
        }
    }
    if (is_number(inst)) {
        const double x = as_double(inst);
        if (const auto* m = kw("minimum"); m && !(x >= as_double(*m)))
            errors.push_back({path, shown(inst) + " is less than the minimum " + shown(*m)});
        if (const auto* m = kw("maximum"); m && !(x <= as_double(*m)))
            errors.push_back({path, shown(inst) + " is more than the maximum " + shown(*m)});
        if (const auto* m = kw("exclusiveMinimum"); m && !(x > as_double(*m)))
            errors.push_back({path, shown(inst) + " is not greater than " + shown(*m)});
        if (const auto* m = kw("exclusiveMaximum"); m && !(x < as_double(*m)))
            errors.push_back({path, shown(inst) + " is not less than " + shown(*m)});
    }
    if (inst.is_array()) {
        const json::array& arr = inst.get_array();
        if (const auto* m = kw("minItems"); m && arr.size() < static_cast<size_t>(as_double(*m)))
            errors.push_back({path, std::to_string(arr.size()) + " items, fewer than " + shown(*m)});
        if (const auto* m = kw("maxItems"); m && arr.size() > static_cast<size_t>(as_double(*m)))
            errors.push_back({path, std::to_string(arr.size()) + " items, more than " + shown(*m)});
        if (const auto* items = kw("items"))
            for (size_t i = 0; i < arr.size(); ++i) validate_at(*items, arr[i], element(path, i), errors);
    }
    if (inst.is_object()) {
        const json::object& obj = inst.get_object();
        if (const auto* req = kw("required"))
            for (const auto& name : req->get_array())
                if (!obj.contains(name.get_string()))
                    errors.push_back({child(path, name.get_string()), "required field is missing"});
        const json::object* props = kw("properties") ? &kw("properties")->get_object() : nullptr;
        const json::value* extra = kw("additionalProperties");
        for (const auto& kv : obj) {
            const std::string at = child(path, kv.key());
            if (props && props->contains(kv.key())) {
                validate_at(props->at(kv.key()), kv.value(), at, errors);
            } else if (extra) {
                if (extra->is_bool() && !extra->get_bool())
                    errors.push_back({at, "field is not allowed here"});
                else
                    validate_at(*extra, kv.value(), at, errors);
            }
        }
    }
}

}  // namespace bitnet::json_schema
