// SPDX-License-Identifier: MIT
// ggml tensor type ids: names for messages and the byte sizes of the types we load.
#include <array>
#include <string_view>

#include "bitnet/dense_types.hpp"
#include "bitnet/gguf.hpp"
#include "gguf/byte_reader.hpp"

namespace bitnet::gguf {

namespace {

// Ids 36..39 follow bitnet.cpp (its own types); upstream ggml later reused them.
// Empty entries are ids that were retired or never assigned.
constexpr std::array<std::string_view, 40> kTypeNames = {
    "F32",     "F16",      "Q4_0",     "Q4_1",   "",       "",      "Q5_0",    "Q5_1",
    "Q8_0",    "Q8_1",     "Q2_K",     "Q3_K",   "Q4_K",   "Q5_K",  "Q6_K",    "Q8_K",
    "IQ2_XXS", "IQ2_XS",   "IQ3_XXS",  "IQ1_S",  "IQ4_NL", "IQ3_S", "IQ2_S",   "IQ4_XS",
    "I8",      "I16",      "I32",      "I64",    "F64",    "IQ1_M", "BF16",    "Q4_0_4_4",
    "Q4_0_4_8", "Q4_0_8_8", "TQ1_0",   "TQ2_0",  "I2_S",   "I8_S",  "TL1",     "TL2",
};

}  // namespace

std::string ggml_type_name(uint32_t id) {
    if (id < kTypeNames.size() && !kTypeNames[id].empty()) return std::string(kTypeNames[id]);
    return "type " + std::to_string(id);
}

namespace detail {

uint64_t tensor_bytes(const GgufFile& file, const std::string& name, TensorType type, uint64_t n) {
    auto overflow = [&]() {
        file.fail("tensor " + printable(name) + ": size in bytes of " + std::to_string(n) +
                  " " + ggml_type_name(static_cast<uint32_t>(type)) + " elements overflows");
    };
    switch (type) {
    case TensorType::F32:
        if (n > UINT64_MAX / 4) overflow();
        return n * 4;
    case TensorType::F16:
    case TensorType::BF16:
        if (n > UINT64_MAX / 2) overflow();
        return n * 2;
    case TensorType::Q8_0:
    case TensorType::Q6_K:
        return dense_row_bytes(type, n);  // whole blocks: ne[0] checked before; fewer bytes than elements
    case TensorType::I2_S:
        // Four 2-bit weights per byte, then the f32 scale and 28 padding bytes.
        return n / 4 + 32;
    case TensorType::TQ1_0:
        return n / 256 * 54;  // ne[0] % 256 == 0 checked before
    case TensorType::TQ2_0:
        return n / 256 * 66;
    }
    file.fail("tensor " + printable(name) + ": no size rule for " +
              ggml_type_name(static_cast<uint32_t>(type)));
}

}  // namespace detail

}  // namespace bitnet::gguf
