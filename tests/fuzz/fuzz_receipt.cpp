// SPDX-License-Identifier: MIT
// Receipt verification: any bytes given to verify_receipt_file (the path
// bitnet-receipt verify takes) end in a list of violations, never a crash or a
// stray exception; an empty list only for a document that parsed as an object.
#include <cstdint>
#include <string>
#include <string_view>

#include "bitnet/error.hpp"
#include "bitnet/receipt_verify.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static bitnet::fuzz::MemFile file;
    const std::string& path = file.write(data, size);
    try {
        const auto violations = bitnet::receipt::verify_receipt_file(path);
        for (const auto& v : violations) BITNET_FUZZ_CHECK(!v.rule.empty());
        const std::string_view text(reinterpret_cast<const char*>(data), size);
        if (violations.empty()) BITNET_FUZZ_CHECK(text.find('{') != std::string_view::npos);
    } catch (const bitnet::Error&) {
        // A file that cannot be read at all; the CLI prints it as one error line.
    }
    return 0;
}
