// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE json_schema
#include <boost/test/unit_test.hpp>

#include "bitnet/error.hpp"
#include "bitnet/json_schema.hpp"

#include <boost/json.hpp>

namespace json = boost::json;
using bitnet::json_schema::SchemaError;
using bitnet::json_schema::Validator;

namespace {

Validator make(std::string_view schema) { return Validator(json::parse(schema)); }

std::vector<SchemaError> check(const Validator& v, std::string_view instance) {
    return v.validate(json::parse(instance));
}

std::string listing(const std::vector<SchemaError>& es) {
    std::string out;
    for (const auto& e : es) out += "\n  " + bitnet::json_schema::describe_path(e.path) + ": " + e.message;
    return out.empty() ? " (none)" : out;
}

bool has(const std::vector<SchemaError>& es, const std::string& path, const std::string& part) {
    for (const auto& e : es)
        if (e.path == path && e.message.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rejects_keywords_outside_the_subset_at_construction) {
    for (const auto* schema : {R"({"oneOf": [{"type": "string"}]})",
                               R"({"properties": {"a": {"$ref": "#/$defs/x"}}})",
                               R"({"items": [{"type": "string"}]})", R"({"type": "float"})",
                               R"({"pattern": "(unclosed"})"}) {
        BOOST_CHECK_THROW(make(schema), bitnet::Error);
    }
    try {
        make(R"({"properties": {"a": {"patternProperties": {}}}})");
        BOOST_FAIL("patternProperties accepted");
    } catch (const bitnet::Error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("patternProperties") != std::string::npos, msg);
        BOOST_TEST(msg.find("properties/a") != std::string::npos, "message does not say where: " << msg);
    }
}

BOOST_AUTO_TEST_CASE(integer_accepts_integral_numbers_only) {
    const auto v = make(R"({"type": "integer"})");
    BOOST_TEST(check(v, "3").empty());
    BOOST_TEST(check(v, "3.0").empty(), "2020-12 counts 3.0 as an integer");
    BOOST_TEST(check(v, "18446744073709551615").empty());
    BOOST_TEST(has(check(v, "3.5"), "", "expected integer, got number"), listing(check(v, "3.5")));
    BOOST_TEST(has(check(v, "\"3\""), "", "got string"));
    const auto n = make(R"({"type": "number"})");
    BOOST_TEST(check(n, "3").empty());
    BOOST_TEST(!check(n, "true").empty());
}

BOOST_AUTO_TEST_CASE(type_list_and_null) {
    const auto v = make(R"({"type": ["string", "null"], "minLength": 2})");
    BOOST_TEST(check(v, "null").empty(), "minLength must not apply to null");
    BOOST_TEST(check(v, "\"ab\"").empty());
    BOOST_TEST(has(check(v, "\"a\""), "", "shorter than 2"));
    BOOST_TEST(has(check(v, "1"), "", "expected string or null, got integer"));
}

BOOST_AUTO_TEST_CASE(objects_required_properties_and_additional_properties) {
    const auto v = make(R"({"type": "object", "required": ["a", "b"], "additionalProperties": false,
                            "properties": {"a": {"type": "integer"}, "b": {"type": "object",
                              "additionalProperties": {"type": "boolean"}}}})");
    BOOST_TEST(check(v, R"({"a": 1, "b": {"x": true, "y": false}})").empty());
    const auto missing = check(v, R"({"a": 1})");
    BOOST_TEST(has(missing, "b", "required field is missing"), listing(missing));
    const auto extra = check(v, R"({"a": 1, "b": {}, "c": 2})");
    BOOST_TEST(has(extra, "c", "not allowed"), listing(extra));
    const auto nested = check(v, R"({"a": 1, "b": {"x": 1}})");
    BOOST_TEST(has(nested, "b.x", "expected boolean"), listing(nested));
}

BOOST_AUTO_TEST_CASE(arrays_items_and_min_items_with_indexed_paths) {
    const auto v = make(R"({"type": "array", "minItems": 1,
                            "items": {"type": "object", "properties": {"id": {"type": "string", "maxLength": 3}}}})");
    BOOST_TEST(check(v, R"([{"id": "abc"}])").empty());
    BOOST_TEST(has(check(v, "[]"), "", "fewer than 1"));
    const auto errs = check(v, R"([{"id": "ok"}, {"id": "long"}])");
    BOOST_TEST(has(errs, "[1].id", "longer than 3"), listing(errs));
}

BOOST_AUTO_TEST_CASE(enum_const_and_pattern) {
    const auto v = make(R"({"type": "object", "properties": {
        "e": {"enum": ["mapped", "packed"]}, "c": {"const": 1}, "p": {"pattern": "^[0-9a-f]{4}$"},
        "u": {"pattern": "b+"}}})");
    BOOST_TEST(check(v, R"({"e": "packed", "c": 1.0, "p": "0a9f", "u": "abbc"})").empty(),
               listing(check(v, R"({"e": "packed", "c": 1.0, "p": "0a9f", "u": "abbc"})")));
    const auto errs = check(v, R"({"e": "copied", "c": 2, "p": "0A9F", "u": "ac"})");
    BOOST_TEST(has(errs, "e", "not one of \"mapped\", \"packed\""), listing(errs));
    BOOST_TEST(has(errs, "c", "is not 1"), listing(errs));
    BOOST_TEST(has(errs, "p", "does not match"), listing(errs));
    BOOST_TEST(has(errs, "u", "does not match"), "pattern must search, not match the whole string");
}

BOOST_AUTO_TEST_CASE(string_length_counts_code_points) {
    const auto v = make(R"({"maxLength": 3, "minLength": 3})");
    BOOST_TEST(check(v, "\"h\u00e9\u00e9\"").empty(), "two-byte characters counted as two");
    BOOST_TEST(!check(v, "\"hello\"").empty());
}

BOOST_AUTO_TEST_CASE(numeric_bounds_apply_only_to_numbers) {
    const auto v = make(R"({"minimum": 0, "exclusiveMaximum": 10})");
    BOOST_TEST(check(v, "0").empty());
    BOOST_TEST(check(v, "\"text\"").empty(), "minimum applied to a string");
    BOOST_TEST(has(check(v, "-1"), "", "less than the minimum 0"));
    BOOST_TEST(has(check(v, "10"), "", "not less than 10"));
    const auto x = make(R"({"exclusiveMinimum": 0})");
    BOOST_TEST(has(check(x, "0"), "", "not greater than 0"));
    BOOST_TEST(check(x, "1e-9").empty());
}

BOOST_AUTO_TEST_CASE(boolean_schemas) {
    const auto v = make(R"({"properties": {"never": false, "any": true}})");
    BOOST_TEST(check(v, R"({"any": [1, {"x": null}]})").empty());
    BOOST_TEST(has(check(v, R"({"never": 1})"), "never", "no value is allowed"));
}
