// SPDX-License-Identifier: MIT
// bitnet-receipt: checks run receipts against the schema and the verification
// rules. Exit 0 when every file passes, 1 when any rule fails, 2 on misuse.
#include "bitnet/error.hpp"
#include "bitnet/json_schema.hpp"
#include "bitnet/receipt_verify.hpp"

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage =
    "usage: bitnet-receipt verify [--schema FILE] [--quiet] FILE...\n"
    "       bitnet-receipt schema\n"
    "\n"
    "verify  checks each receipt against the receipt schema and the rules (compute\n"
    "        path, kernel IDs, speeds, counts, hashes); prints \"FILE: ok\" or one\n"
    "        line \"FILE: rule <name>: <detail>\" per failed rule.\n"
    "schema  prints the built-in receipt schema (JSON Schema draft 2020-12).\n";

bitnet::json_schema::Validator load_schema(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw bitnet::Error(path + ": cannot open schema");
    std::ostringstream text;
    text << f.rdbuf();
    boost::json::error_code ec;
    auto value = boost::json::parse(text.str(), ec);
    if (ec) throw bitnet::Error(path + ": schema is not valid JSON: " + ec.message());
    return bitnet::json_schema::Validator(std::move(value));
}

int verify(const std::vector<std::string>& files, const std::optional<std::string>& schema_path, bool quiet) {
    std::optional<bitnet::json_schema::Validator> custom;
    if (schema_path) custom.emplace(load_schema(*schema_path));
    const auto& schema = custom ? *custom : bitnet::receipt::receipt_schema();
    bool all_pass = true;
    for (const auto& file : files) {
        const auto violations = bitnet::receipt::verify_receipt_file(file, schema);
        if (violations.empty() && !quiet) std::cout << file << ": ok\n";
        for (const auto& v : violations) std::cout << file << ": rule " << v.rule << ": " << v.detail << "\n";
        all_pass = all_pass && violations.empty();
    }
    return all_pass ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    po::options_description named("options");
    named.add_options()
        ("help,h", "show this help")
        ("schema", po::value<std::string>(), "verify against this schema file instead of the built-in one")
        ("quiet,q", "print only failures");
    po::options_description all;
    all.add(named).add_options()
        ("command", po::value<std::string>())
        ("files", po::value<std::vector<std::string>>()->default_value({}, ""));
    po::positional_options_description positional;
    positional.add("command", 1).add("files", -1);

    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            std::cout << kUsage << "\n" << named;
            return 0;
        }
        const std::string command = vm.count("command") ? vm["command"].as<std::string>() : "";
        const auto& files = vm["files"].as<std::vector<std::string>>();
        if (command == "schema" && files.empty()) {
            std::cout << bitnet::receipt::receipt_schema_text();
            return 0;
        }
        if (command == "verify" && !files.empty()) {
            std::optional<std::string> schema;
            if (vm.count("schema")) schema = vm["schema"].as<std::string>();
            return verify(files, schema, vm.count("quiet") > 0);
        }
        std::cerr << kUsage;
        return 2;
    } catch (const po::error& e) {
        std::cerr << "error: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const bitnet::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
}
