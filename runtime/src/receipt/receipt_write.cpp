// SPDX-License-Identifier: MIT
// Writing a receipt: indented JSON that people can read in a diff, and only
// standard JSON (Boost.JSON 1.81 would print non-finite numbers as Infinity/NaN,
// which no parser accepts; here they become null and the verifier names them).
#include "bitnet/receipt.hpp"

#include "bitnet/error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

namespace bitnet::receipt {
namespace json = boost::json;
namespace {

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

void write_scalar(std::string& out, const json::value& v) {
    if (v.is_double()) {
        const double d = v.get_double();
        if (!std::isfinite(d)) {
            out += "null";
            return;
        }
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, d);
        const std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
        out += text;
        // 10000.0 as "10000.0", not "10000": a parser then reads back a double, so
        // the file holds exactly the value receipt_to_json made.
        if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
        return;
    }
    out += json::serialize(v);  // strings (escaped), integers, bools, null
}

void write_value(std::string& out, const json::value& v, int indent) {
    const std::string pad(static_cast<size_t>(indent + 2), ' ');
    if (v.is_object()) {
        const auto& obj = v.get_object();
        if (obj.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        bool first = true;
        for (const auto& kv : obj) {
            if (!first) out += ",\n";
            first = false;
            out += pad;
            out += json::serialize(json::string_view(kv.key()));
            out += ": ";
            write_value(out, kv.value(), indent + 2);
        }
        out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "}";
    } else if (v.is_array()) {
        const auto& arr = v.get_array();
        // Lists of numbers or names stay on one line; lists of records get a line each.
        const bool flat = std::all_of(arr.begin(), arr.end(), is_scalar);
        if (arr.empty() || flat) {
            out += "[";
            for (size_t i = 0; i < arr.size(); ++i) {
                if (i) out += ", ";
                write_scalar(out, arr[i]);
            }
            out += "]";
            return;
        }
        out += "[\n";
        for (size_t i = 0; i < arr.size(); ++i) {
            if (i) out += ",\n";
            out += pad;
            write_value(out, arr[i], indent + 2);
        }
        out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
    } else {
        write_scalar(out, v);
    }
}

}  // namespace

void write_receipt(const Receipt& receipt, const std::string& path) {
    std::string text;
    write_value(text, receipt_to_json(receipt), 0);
    text += "\n";

    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error("cannot write receipt " + path + ": cannot create " + tmp);
        f.write(text.data(), static_cast<std::streamsize>(text.size()));
        f.close();
        if (!f) throw Error("cannot write receipt " + path + ": write to " + tmp + " failed");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error("cannot write receipt " + path + ": " + ec.message());
    }
}

}  // namespace bitnet::receipt
