// SPDX-License-Identifier: MIT
#include "requant.hpp"

#include <cstring>

#include "bitnet/error.hpp"
#include "bitnet/gguf_writer.hpp"
#include "bitnet/ternary_blocks.hpp"

namespace bitnet::gguf_tool {
namespace {

// llama.cpp's LLAMA_FTYPE_MOSTLY_TQ1_0 and _TQ2_0.
uint32_t file_type_of(gguf::TensorType t) { return t == gguf::TensorType::TQ1_0 ? 36 : 37; }

std::vector<int8_t> decode_i2s(const gguf::TensorInfo& t, int64_t rows, int64_t k, float& scale) {
    std::vector<int8_t> w(static_cast<uint64_t>(rows * k));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < k; ++i) {
            const uint8_t byte = t.data[r * k / 4 + (i / 128) * 32 + i % 32];
            const int code = (byte >> (6 - 2 * ((i % 128) / 32))) & 3;
            w[r * k + i] = static_cast<int8_t>(code == 0 ? -1 : code == 2 ? 1 : 0);
        }
    std::memcpy(&scale, t.data + rows * k / 4, sizeof scale);
    return w;
}

}  // namespace

gguf::TensorType parse_tq_type(const std::string& name) {
    if (name == "tq1_0") return gguf::TensorType::TQ1_0;
    if (name == "tq2_0") return gguf::TensorType::TQ2_0;
    throw Error("unknown ternary type '" + name + "' (expected tq1_0 or tq2_0)");
}

int requant_model(const std::string& in, const std::string& out, gguf::TensorType type) {
    const gguf::GgufFile f(in);
    gguf::GgufWriter w;
    for (const auto& [key, value] : f.metadata()) w.set_value(key, value);
    w.set_u32("general.file_type", file_type_of(type));
    int rewritten = 0;
    for (const auto& t : f.tensors()) {
        if (t.type != gguf::TensorType::I2_S) {
            w.add_generated_tensor(t.name, t.ne, static_cast<uint32_t>(t.type), t.n_bytes,
                                   [&t](const gguf::GgufWriter::ByteSink& sink) { sink(t.data, t.n_bytes); });
            continue;
        }
        const auto k = static_cast<int64_t>(t.ne[0]);
        const auto rows = static_cast<int64_t>(t.n_elements() / t.ne[0]);
        if (k % gguf::kTqBlock)
            f.fail("tensor " + t.name + ": row width " + std::to_string(k) + " is not a multiple of 256");
        const uint64_t bytes = static_cast<uint64_t>(rows) * static_cast<uint64_t>(k / gguf::kTqBlock) *
                               gguf::tq_block_bytes(type);
        w.add_generated_tensor(t.name, t.ne, static_cast<uint32_t>(type), bytes,
                               [&t, rows, k, type](const gguf::GgufWriter::ByteSink& sink) {
                                   float scale = 0;
                                   const auto weights = decode_i2s(t, rows, k, scale);
                                   const auto packed = gguf::encode_tq(type, weights.data(), rows, k, scale);
                                   sink(packed.data(), packed.size());
                               });
        ++rewritten;
    }
    w.write(out);
    gguf::GgufFile check(out);  // what we wrote must load
    return rewritten;
}

}  // namespace bitnet::gguf_tool
