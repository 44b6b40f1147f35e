// SPDX-License-Identifier: MIT
// What a benchmark line says about the model, and the bytes one decode step must
// read: the quantity that, divided by memory bandwidth, gives the speed limit.
#pragma once

#include <cstdint>
#include <string>

namespace bitnet::model { class Model; }

namespace bitnet::bench {

struct DecodeBytes {
    uint64_t ternary{0};  // every I2_S tensor, as stored
    uint64_t head{0};     // the output head as the run reads it: F16, or int8 + per-row scale and sum
    uint64_t norms{0};    // F32 norm vectors
    uint64_t total() const { return ternary + head + norms; }
};

struct ModelFacts {
    std::string path;
    std::string name;          // general.name when present
    std::string architecture;
    uint64_t file_bytes{0};
    uint64_t params{0};        // elements of every tensor
    int64_t n_layer{0};
    int64_t n_embd{0};
    int64_t n_vocab{0};
    // Per generated token; a prompt batch reads the same bytes once for all its
    // tokens (the head only for the last position).
    DecodeBytes decode;
    // What the head runs as: "q8" (the int8 copy), the file's "q8_0" or "q6_k"
    // blocks, or "f16" (the file's rows or a converted copy).
    std::string head_run;
};

// head_q8: whether the run uses the int8 head (--head-precision q8). The token
// embedding is not counted when it is not the head: a step reads one row of it.
// The KV cache (a few MB at the lengths benchmarked) is not counted either.
ModelFacts model_facts(const model::Model& model, bool head_q8);

}  // namespace bitnet::bench
