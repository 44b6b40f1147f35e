// SPDX-License-Identifier: MIT
#include "json_io.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bitnet/error.hpp"

namespace bitnet::bench {
namespace {

void pretty(std::ostream& out, const boost::json::value& v, int indent) {
    const std::string pad(static_cast<size_t>(indent) * 2, ' ');
    const std::string inner(static_cast<size_t>(indent + 1) * 2, ' ');
    if (v.is_object() && !v.get_object().empty()) {
        out << "{\n";
        bool first = true;
        for (const auto& kv : v.get_object()) {
            out << (first ? "" : ",\n") << inner << boost::json::serialize(boost::json::value(kv.key())) << ": ";
            pretty(out, kv.value(), indent + 1);
            first = false;
        }
        out << "\n" << pad << "}";
    } else if (v.is_array() && !v.get_array().empty()) {
        // Arrays of numbers (token ids, samples) stay on one line.
        bool scalars = true;
        for (const auto& e : v.get_array()) scalars = scalars && !e.is_object() && !e.is_array();
        if (scalars) {
            out << boost::json::serialize(v);
            return;
        }
        out << "[\n";
        bool first = true;
        for (const auto& e : v.get_array()) {
            out << (first ? "" : ",\n") << inner;
            pretty(out, e, indent + 1);
            first = false;
        }
        out << "\n" << pad << "]";
    } else {
        out << boost::json::serialize(v);
    }
}

std::string kind(const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::object: return "an object";
        case boost::json::kind::array: return "an array";
        case boost::json::kind::string: return "a string";
        case boost::json::kind::bool_: return "a boolean";
        case boost::json::kind::null: return "null";
        default: return "a number";
    }
}

}  // namespace

void write_pretty_json(std::ostream& out, const boost::json::value& v) {
    pretty(out, v, 0);
    out << "\n";
}

void write_json_file(const std::string& path, const boost::json::value& v) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw Error("cannot write " + path);
        write_pretty_json(out, v);
        if (!out.flush()) throw Error("cannot write " + path);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error("cannot write " + path + ": " + ec.message());
}

boost::json::value read_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    boost::json::error_code ec;
    auto v = boost::json::parse(text.str(), ec);
    if (ec) throw Error(path + ": not valid JSON: " + ec.message());
    return v;
}

const boost::json::value& field(const boost::json::object& o, const char* key, const std::string& where) {
    const auto* v = o.if_contains(key);
    if (!v) throw Error(where + ": missing field \"" + key + "\"");
    return *v;
}

const boost::json::object& object_field(const boost::json::object& o, const char* key, const std::string& where) {
    const auto& v = field(o, key, where);
    if (!v.is_object()) throw Error(where + ": field \"" + key + "\" is " + kind(v) + ", expected an object");
    return v.get_object();
}

std::string string_field(const boost::json::object& o, const char* key, const std::string& where) {
    const auto& v = field(o, key, where);
    if (!v.is_string()) throw Error(where + ": field \"" + key + "\" is " + kind(v) + ", expected a string");
    return std::string(v.get_string());
}

double number_field(const boost::json::object& o, const char* key, const std::string& where) {
    const auto& v = field(o, key, where);
    if (!v.is_number()) throw Error(where + ": field \"" + key + "\" is " + kind(v) + ", expected a number");
    return v.to_number<double>();
}

int64_t int_field(const boost::json::object& o, const char* key, const std::string& where) {
    const auto& v = field(o, key, where);
    boost::json::error_code ec;
    const auto n = v.is_number() ? v.to_number<int64_t>(ec) : 0;
    if (!v.is_number() || ec)
        throw Error(where + ": field \"" + key + "\" is " + kind(v) + ", expected an integer");
    return n;
}

}  // namespace bitnet::bench
