// SPDX-License-Identifier: MIT
// JSON helpers shared by the bench report, the baseline summary and compare:
// indented output (diffs of committed baselines stay readable), whole-file
// reading, and typed field access whose errors name the file and the field.
#pragma once

#include <boost/json.hpp>

#include <ostream>
#include <string>

namespace bitnet::bench {

// Two-space indented JSON with a trailing newline.
void write_pretty_json(std::ostream& out, const boost::json::value& v);
// Through a temporary file renamed into place; throws bitnet::Error naming path.
void write_json_file(const std::string& path, const boost::json::value& v);
// Throws bitnet::Error "<path>: ..." when unreadable or not JSON.
boost::json::value read_json_file(const std::string& path);

// Field access for documents we did not write ourselves. `where` names the
// document ("baselines/workload.json") in the error.
const boost::json::value& field(const boost::json::object& o, const char* key, const std::string& where);
const boost::json::object& object_field(const boost::json::object& o, const char* key, const std::string& where);
std::string string_field(const boost::json::object& o, const char* key, const std::string& where);
double number_field(const boost::json::object& o, const char* key, const std::string& where);
int64_t int_field(const boost::json::object& o, const char* key, const std::string& where);

}  // namespace bitnet::bench
