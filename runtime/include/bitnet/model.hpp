// SPDX-License-Identifier: MIT
// A ternary model of any architecture.hpp row: hyper-parameters and weight views into the mapped
// GGUF. Nothing is copied at load except optional kernel-packed weights, which
// are made once and counted.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitnet/architecture.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/thread_pool.hpp"

namespace bitnet::kernels { class Dispatcher; }

namespace bitnet::model {

struct ModelConfig {
    std::string architecture;
    const Architecture* traits{nullptr};  // the row of architecture.hpp for `architecture`
    int64_t n_vocab{0};
    int64_t n_ctx_train{0};
    int64_t n_embd{0};
    int64_t n_layer{0};
    int64_t n_ff{0};
    int64_t n_head{0};
    int64_t n_head_kv{0};
    int64_t head_dim{0};
    int64_t n_rot{0};
    float rope_freq_base{10000.0f};
    float norm_eps{1e-5f};
    int64_t kv_dim() const { return n_head_kv * head_dim; }
    const Architecture& arch() const { return *traits; }
};

// An embedding table or head as the file stores it (bitnet/dense_types.hpp).
struct DenseTensor {
    std::string name;
    gguf::TensorType type{gguf::TensorType::F16};
    const uint8_t* data{nullptr};
    uint64_t row_bytes{0};
};

// One ternary projection: the file's bytes, and per matmul op the plugin's
// packed copy when the chosen kernel asked for one.
struct TernaryWeight {
    std::string name;
    bitnet_kp_i2s_weights gemv{};  // what the GEMV kernel reads
    bitnet_kp_i2s_weights gemm{};  // what the GEMM kernel reads
    bitnet_kp_i2s_weights few{};   // what the I2S_GEMM_FEW kernel reads, if one is selected
    // A TQ tensor whose blocks' scales differ: rows x k/256 of them, and every
    // matmul of it goes to I2S_BLOCK_MATMUL over gemv's codes. Null otherwise.
    const float* block_scale{nullptr};
};

struct LayerWeights {
    const float* attn_norm{nullptr};
    const float* attn_sub_norm{nullptr};  // null where the architecture has no sub-norms
    const float* ffn_norm{nullptr};
    const float* ffn_sub_norm{nullptr};
    TernaryWeight wq, wk, wv, wo, w_gate, w_up, w_down;
};

// How the weights get into memory. Mapped (the default) loads fast and shares
// pages with other processes; a copy costs a read of the file at load but runs
// decode from huge pages.
struct LoadOptions {
    bool copy_weights{false};
    bool head_stays_mapped{false};  // the int8 head replaces it: no copy of the F16 head
    unsigned threads{1};            // readers for the copy
};

class Model {
public:
    // Opens and validates the file; throws bitnet::Error "<path>: <what>".
    explicit Model(const std::string& path, const LoadOptions& load = {});
    ~Model();

    const ModelConfig& config() const { return config_; }
    const gguf::GgufFile& file() const { return *file_; }
    const std::vector<LayerWeights>& layers() const { return layers_; }
    // The F16 table the EMBED_F16 op reads, or null when token_embd.weight has
    // another type (embed_rows then dequantizes with the scalar reference).
    const uint16_t* token_embd() const { return token_embd_; }
    void embed_rows(const int32_t* ids, int64_t n, float* out) const;
    const DenseTensor& file_embedding() const { return embd_; }
    // The head as F16 rows: the file's own, or a copy converted once at load
    // from F32 or BF16 (counted in packed_bytes), or from Q8_0 or Q6_K when the
    // int8 head is asked for. Null when the head runs in its block type.
    const uint16_t* output_head() const { return output_; }
    // The head runs on the file's Q8_0 or Q6_K blocks (head_source().data).
    bool head_in_blocks() const { return output_ == nullptr && !has_head_q8(); }
    // The op the head runs: F16_MATMUL, Q8_MATMUL (the int8 head), or
    // Q8_0_MATMUL / Q6_K_MATMUL on the file's blocks.
    bitnet_kp_op head_op() const;
    const DenseTensor& head_source() const { return head_; }
    bool head_tied() const { return head_.name == "token_embd.weight"; }
    bool head_converted() const { return !head_f16_.empty(); }
    const float* output_norm() const { return output_norm_; }

    // Asks the kernels selected in dispatcher for packed copies of the ternary
    // weights (once; later calls with the same kernels are free).
    void prepare_weights(const kernels::Dispatcher& dispatcher);
    // Kernel-packed copies, the int8 head and I2_S repacks of TQ1_0/TQ2_0 tensors.
    uint64_t packed_bytes() const { return packed_bytes_ + head_q8_bytes() + repacked_bytes_; }
    uint64_t copied_bytes() const { return file_->bytes_copied(); }
    // The first projection with per-block scales, or "" when there is none.
    const std::string& first_block_scaled() const { return first_block_scaled_; }

    // The opt-in int8 head: quantizes the F16 head once, per row
    // (scale = max|w| / 127, round half to even), by the dispatcher's
    // QUANTIZE_ROWS_Q8 kernel over its pool.
    void prepare_head_q8(kernels::Dispatcher& dispatcher);
    bool has_head_q8() const { return !head_q8_.empty(); }
    const int8_t* head_q8() const { return head_q8_.data(); }
    const float* head_q8_scale() const { return head_q8_scale_.data(); }
    const int32_t* head_q8_sum() const { return head_q8_sum_.data(); }
    uint64_t head_q8_bytes() const {
        return head_q8_.size() + head_q8_scale_.size() * sizeof(float) + head_q8_sum_.size() * sizeof(int32_t);
    }

private:
    void read_config();
    void bind_weights();

    std::unique_ptr<gguf::GgufFile> file_;
    ModelConfig config_;
    std::vector<LayerWeights> layers_;
    void convert_head();

    DenseTensor embd_;
    DenseTensor head_;
    bool head_blocks_allowed_{true};  // false when the int8 head needs F16 rows
    const uint16_t* token_embd_{nullptr};
    const uint16_t* output_{nullptr};
    std::vector<uint16_t> head_f16_;  // the converted head; empty when the file's is F16
    const float* output_norm_{nullptr};
    std::vector<std::unique_ptr<uint8_t[]>> packed_;
    uint64_t packed_bytes_{0};
    std::vector<std::vector<uint8_t>> repacked_;  // TQ tensors as I2_S; never resized after bind
    std::vector<std::vector<float>> block_scales_;  // their per-block scales, where they differ
    std::string first_block_scaled_;
    uint64_t repacked_bytes_{0};
    std::vector<int8_t> head_q8_;
    std::vector<float> head_q8_scale_;
    std::vector<int32_t> head_q8_sum_;
};

}  // namespace bitnet::model
