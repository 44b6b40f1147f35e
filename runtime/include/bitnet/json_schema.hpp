// SPDX-License-Identifier: MIT
// A JSON Schema (draft 2020-12) validator for the subset of keywords our schema
// files use. Debian 12 has no C++ validator for 2020-12 (valijson stops at draft 7
// and pulls in Qt and Poco), and the subset is small. The schema drives every
// check; a keyword outside the subset makes construction fail instead of being
// silently ignored.
//
// Supported: type (name or list), enum, const, required, properties,
// additionalProperties (bool or schema), items (schema), minItems, maxItems,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength
// (code points), pattern (ECMAScript via std::regex, unanchored), boolean schemas,
// and the annotations $schema, $id, $comment, title, description, default,
// examples.
#pragma once

#include <boost/json/value.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

namespace bitnet::json_schema {

struct SchemaError {
    std::string path;     // "model.sha256", "kernels[2].id"; "" for the document itself
    std::string message;  // "required field is missing", "expected integer, got string"
};

class Validator {
public:
    // Throws bitnet::Error when the schema is malformed or uses a keyword outside
    // the subset (the message names the keyword and where it is).
    explicit Validator(boost::json::value schema);

    // Every violation found, in document order; empty when the instance conforms.
    std::vector<SchemaError> validate(const boost::json::value& instance) const;

    const boost::json::value& schema() const { return schema_; }

private:
    void check_schema(const boost::json::value& schema, const std::string& where);
    void validate_at(const boost::json::value& schema, const boost::json::value& instance,
                     const std::string& path, std::vector<SchemaError>& errors) const;

    boost::json::value schema_;
    std::map<std::string, std::regex> patterns_;  // compiled once, keyed by source
};

// "(document)" for the root path, the path itself otherwise: for messages.
std::string describe_path(const std::string& path);

}  // namespace bitnet::json_schema
