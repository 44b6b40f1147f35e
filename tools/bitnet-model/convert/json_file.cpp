// SPDX-License-Identifier: MIT
#include "convert/json_file.hpp"

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "bitnet/error.hpp"

namespace bitnet::model_tool {

boost::json::value read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return boost::json::parse(text.str());
    } catch (const std::exception& e) {
        throw Error(path.string() + ": not valid JSON (" + e.what() + ")");
    }
}

}  // namespace bitnet::model_tool
