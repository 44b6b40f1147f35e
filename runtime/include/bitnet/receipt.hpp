// SPDX-License-Identifier: MIT
// The run receipt: one JSON document per run saying what ran, on what, and how
// fast, so a machine can check that a result came from real kernels. The struct is
// plain data for the runtime to fill; receipt_to_json / write_receipt turn it into
// the document described by schemas/receipt-v1.schema.json.
#pragma once

#include "bitnet/sampler.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bitnet::receipt {

inline constexpr const char* kSchemaVersion = "1";

struct RuntimeInfo {
    std::string version;     // bitnet::build::kVersion
    std::string git_commit;  // full hash, or "unknown" outside a git checkout
};

struct MachineInfo {
    std::string cpu_brand;
    std::string arch;                            // "x86_64", "aarch64"
    std::vector<std::string> features_detected;  // what CPUID / HWCAP report
    std::vector<std::string> features_enabled;   // usable after OS state and any ISA ceiling
    uint32_t cores = 0;
    std::string os;                              // os_description()
};

struct ModelShape {
    int64_t vocab_size = 0;
    int64_t context_length = 0;
    int64_t embedding_length = 0;
    int64_t feed_forward_length = 0;
    int64_t block_count = 0;
    int64_t head_count = 0;
    int64_t head_count_kv = 0;
    double rope_freq_base = 0.0;
    double rms_norm_eps = 0.0;
};

struct TensorTypeCount {
    std::string type;  // GGUF type name: "I2_S", "F32", "F16"
    int64_t count = 0;
};

struct ModelInfo {
    std::string path;
    uint64_t size_bytes = 0;
    std::string sha256;        // util::sha256_file_hex or sha256_hex over the mapping
    std::string architecture;  // general.architecture
    ModelShape shape;
    int64_t tensor_count = 0;  // must equal the sum of tensor_types counts
    std::vector<TensorTypeCount> tensor_types;
    // "mapped" (kernels read the file mapping), "packed" (a kernel repacked the
    // ternary weights at load) or "copied" (--no-mmap: read into memory at load).
    std::string weights_source = "mapped";
    uint64_t bytes_packed = 0;  // > 0 when "packed"; 0 when "mapped"
    uint64_t bytes_copied = 0;  // > 0 exactly when "copied"
};

struct PluginCandidate {
    std::string plugin;    // plugin name; "" when the file was not a readable plugin
    std::string path;
    uint32_t score = 0;
    std::string rejected;  // reason it cannot be used; "" = usable (written as null)
    std::string sha256;    // of the file at `path`, for usable plugins; "" otherwise (null)
};

struct OpChoice {
    std::string op;         // kernels::op_name(tag)
    std::string kernel_id;  // the kernel the registry selected for it
};

struct BackendInfo {
    std::string requested = "auto";
    std::vector<PluginCandidate> candidates;
    std::vector<OpChoice> selected;
};

// From the dispatch counters, never from a hand-written list.
struct KernelUse {
    std::string id;
    uint64_t calls = 0;
    uint64_t total_ns = 0;
};

struct RunSettings {
    int32_t threads = 1;
    int32_t n_predict = 0;
    bool ignore_eos = false;
    sampling::SamplingParams sampling;  // seed included
    std::string head_precision = "f16";  // "f16" (reference) or "q8" (int8 head)
    int64_t context_size = 0;            // 0 = not recorded
};

struct TokenCounts {
    int64_t prompt = 0;
    int64_t generated = 0;               // the generation loop's own count
    std::vector<int32_t> generated_ids;  // its hash is computed when the JSON is made
};

struct Performance {
    double load_ms = 0.0;
    double prefill_tok_per_s = 0.0;
    double decode_tok_per_s = 0.0;
    double ttft_ms = 0.0;  // from the start of prefill to the first generated token
    uint64_t peak_rss_bytes = 0;
};

struct Receipt {
    std::string compute_path = "real";
    std::string timestamp;  // utc_timestamp_now()
    RuntimeInfo runtime;
    MachineInfo machine;
    ModelInfo model;
    BackendInfo backend;
    std::vector<KernelUse> kernels;
    RunSettings settings;
    TokenCounts tokens;
    Performance performance;
};

// The receipt as a JSON document (schema version kSchemaVersion). Writes what the
// struct holds, without judging it: verification is verify_receipt's job. Adds
// tokens.generated_ids_sha256 computed from generated_ids.
boost::json::value receipt_to_json(const Receipt& receipt);

// Writes receipt_to_json, indented, to path (through a temporary file renamed into
// place, so a reader never sees half a receipt). Throws bitnet::Error naming the
// path when it cannot be written.
void write_receipt(const Receipt& receipt, const std::string& path);

// SHA-256 of the ids as little-endian int32, hex: the receipt's token hash.
std::string token_ids_sha256(std::span<const int32_t> ids);

// Facts about this process and host for filling a receipt.
std::string utc_timestamp_now();  // "2026-01-31T12:00:00Z"
uint64_t peak_rss_bytes();        // high-water resident set size of this process
std::string os_description();     // "Debian GNU/Linux 12 (bookworm); Linux 6.1.0-18-amd64 x86_64"

}  // namespace bitnet::receipt
