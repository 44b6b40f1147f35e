// SPDX-License-Identifier: MIT
// Reading a whole JSON file with Boost.JSON, errors naming the file.
#pragma once

#include <boost/json/value.hpp>
#include <filesystem>

namespace bitnet::model_tool {

// Throws bitnet::Error("<path>: ...") when the file is unreadable or not JSON.
boost::json::value read_json_file(const std::filesystem::path& path);

}  // namespace bitnet::model_tool
