// SPDX-License-Identifier: MIT
// Receipt verification: the schema (schemas/receipt-v1.schema.json, compiled into
// the library) plus the rules a schema cannot express. bitnet-receipt verify is a
// thin shell around this.
//
// Rules, by the name reported:
//   json                  the file is readable JSON
//   schema                the document conforms to the schema (detail names the field)
//   compute_path          compute_path is "real"
//   kernels_ran           the list of kernels that ran is not empty
//   kernel_id_nonempty    every kernel ID (ran or selected) is non-empty
//   kernel_id_length      ... is at most 128 characters
//   kernel_id_no_mock     ... does not contain "mock" (any case)
//   kernel_plugin_loaded  ... starts with "<plugin>." for a candidate plugin that was not rejected
//   kernel_ran_selected   every kernel that ran is the kernel selected for some op
//   kernel_calls          every kernel that ran has calls > 0
//   speed                 prefill and decode tokens/s are finite and > 0
//   timing                load and time-to-first-token ms are finite and > 0
//   generated_count       tokens.generated equals the number of generated_ids
//   token_range           every generated id is below model.shape.vocab_size
//   token_hash            generated_ids_sha256 is the SHA-256 of the ids (little-endian int32)
//   model_sha256          model.sha256 is present and 64 hex characters
//   tensor_count          model.tensor_count equals the sum of tensor_types
//   weights_source        "mapped": bytes_packed and bytes_copied 0; "packed":
//                         bytes_packed > 0, nothing copied; "copied": bytes_copied > 0
// Rules read fields defensively: a missing or ill-typed field is the schema's
// finding, and a rule only adds its own when it can still judge.
#pragma once

#include "bitnet/json_schema.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace bitnet::receipt {

inline constexpr size_t kMaxKernelIdLength = 128;

struct Violation {
    std::string rule;    // one of the names above
    std::string detail;  // what is wrong and where, fit to print after "rule <name>: "
};

// The embedded schema (built from schemas/receipt-v1.schema.json at compile time).
std::string_view receipt_schema_text();
const json_schema::Validator& receipt_schema();
// Where the schema file lives: in the source tree this was built from, and where
// `install` puts it. The embedded copy is what verification uses by default.
std::string_view receipt_schema_source_path();
std::string_view receipt_schema_install_path();

// All violations of a parsed receipt; empty means it passes.
std::vector<Violation> verify_receipt(const boost::json::value& receipt);
std::vector<Violation> verify_receipt(const boost::json::value& receipt, const json_schema::Validator& schema);

// Reads and parses path first (rule "json" when that fails), then verifies.
std::vector<Violation> verify_receipt_file(const std::string& path);
std::vector<Violation> verify_receipt_file(const std::string& path, const json_schema::Validator& schema);

}  // namespace bitnet::receipt
