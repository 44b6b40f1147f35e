// SPDX-License-Identifier: MIT
// The reader on the real demo model (made by bitnet.cpp's own tools): known
// facts of its metadata and tensor table, and its I2_S bytes against our packer.
#define BOOST_TEST_MODULE gguf_reader
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <map>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/gguf_writer.hpp"
#include "gguf_test_util.hpp"

using namespace bitnet::gguf;

namespace {
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

// Decodes one I2_S row straight from FORMAT.md: byte b of block B holds elements
// 128B+b, +32, +64, +96 in bits 7..6, 5..4, 3..2, 1..0; code c means weight c-1.
std::vector<int> decode_codes(const uint8_t* row, uint64_t k) {
    std::vector<int> codes(k);
    for (uint64_t blk = 0; blk < k / 128; ++blk)
        for (uint64_t b = 0; b < 32; ++b)
            for (int j = 0; j < 4; ++j)
                codes[128 * blk + 32 * j + b] = (row[32 * blk + b] >> (6 - 2 * j)) & 3;
    return codes;
}
}  // namespace

BOOST_AUTO_TEST_CASE(reads_demo_model_metadata) {
    GgufFile f(kModel);
    BOOST_TEST(f.version() == 3u);
    BOOST_TEST(f.alignment() == 32u);
    BOOST_TEST(f.get_string("general.architecture") == "bitnet-b1.58");
    BOOST_TEST(f.get_uint("bitnet-b1.58.block_count") == 4u);
    BOOST_TEST(f.get_uint("bitnet-b1.58.embedding_length") == 256u);
    BOOST_TEST(f.get_uint("general.file_type") == 40u);
    BOOST_TEST(f.get_float("bitnet-b1.58.attention.layer_norm_rms_epsilon") == double(1e-5f));
    BOOST_TEST(f.get_float("bitnet-b1.58.rope.freq_base") == 10000.0);
    BOOST_TEST(f.get_string("tokenizer.ggml.model") == "llama");
    BOOST_TEST(f.get_bool("tokenizer.ggml.add_bos_token") == true);
    const auto tokens = f.get_string_array("tokenizer.ggml.tokens");
    BOOST_TEST(tokens.size() == 1024u);
    BOOST_TEST(tokens[3] == "<0x00>");
    BOOST_TEST(f.get_float_array("tokenizer.ggml.scores").size() == 1024u);
    const auto types = f.get_int_array("tokenizer.ggml.token_type");
    BOOST_TEST(types.size() == 1024u);
    BOOST_TEST(types[3] == 6);  // byte token
}

BOOST_AUTO_TEST_CASE(reads_demo_model_tensor_table) {
    GgufFile f(kModel);
    BOOST_TEST(f.tensors().size() == 46u);
    std::map<TensorType, int> counts;
    for (const TensorInfo& t : f.tensors()) ++counts[t.type];
    BOOST_TEST(counts[TensorType::I2_S] == 28);
    BOOST_TEST(counts[TensorType::F32] == 17);
    BOOST_TEST(counts[TensorType::F16] == 1);

    const TensorInfo& emb = f.tensor("token_embd.weight");
    BOOST_TEST(emb.type == TensorType::F16);
    BOOST_TEST(emb.ne == (std::vector<uint64_t>{256, 1024}), boost::test_tools::per_element());
    BOOST_TEST(emb.n_bytes == 256u * 1024 * 2);
    const TensorInfo& down = f.tensor("blk.3.ffn_down.weight");
    BOOST_TEST(down.ne == (std::vector<uint64_t>{768, 256}), boost::test_tools::per_element());
    BOOST_TEST(down.n_bytes == 768u * 256 / 4 + 32);
    BOOST_TEST(f.tensor("output_norm.weight").type == TensorType::F32);
    BOOST_TEST(f.find_tensor("output.weight") == nullptr);  // the head is tied

    const uint8_t* first = f.tensors().front().data;
    for (const TensorInfo& t : f.tensors()) {
        BOOST_TEST_INFO("tensor " << t.name);
        BOOST_TEST(t.offset % f.alignment() == 0u);
        BOOST_TEST(t.data - first == static_cast<std::ptrdiff_t>(t.offset - f.tensors().front().offset));
        BOOST_TEST(f.data_offset() + t.offset + t.n_bytes <= f.file_size());
    }
}

BOOST_AUTO_TEST_CASE(missing_and_mistyped_keys_name_the_file_and_key) {
    GgufFile f(kModel);
    auto message = [](auto&& call) -> std::string {
        try {
            call();
        } catch (const bitnet::Error& e) {
            return e.what();
        }
        return "(no error)";
    };
    BOOST_TEST(message([&] { f.get_uint("bitnet-b1.58.nope"); }) ==
               kModel + ": missing key bitnet-b1.58.nope");
    BOOST_TEST(message([&] { f.get_string("bitnet-b1.58.block_count"); }) ==
               kModel + ": key bitnet-b1.58.block_count has type uint32, expected string");
    BOOST_TEST(message([&] { f.get_string_array("tokenizer.ggml.scores"); }) ==
               kModel + ": key tokenizer.ggml.scores has type array of float32, expected array of string");
    BOOST_TEST(message([&] { f.tensor("output.weight"); }) == kModel + ": missing tensor output.weight");
}

BOOST_AUTO_TEST_CASE(embedding_and_norms_hold_finite_values) {
    GgufFile f(kModel);
    const TensorInfo& emb = f.tensor("token_embd.weight");
    int non_finite = 0;
    for (uint64_t i = 0; i < emb.n_elements(); ++i) {
        uint16_t h;
        std::memcpy(&h, emb.data + 2 * i, 2);
        non_finite += !std::isfinite(bitnet::f16_to_f32(h));
    }
    BOOST_TEST(non_finite == 0);
    const TensorInfo& norm = f.tensor("output_norm.weight");
    for (uint64_t i = 0; i < norm.n_elements(); ++i) {
        float v;
        std::memcpy(&v, norm.data + 4 * i, 4);
        BOOST_TEST(std::isfinite(v));
    }
}

// bitnet.cpp wrote these bytes; decoding them by FORMAT.md and packing the
// weights again with pack_i2s must give the same rows and scale.
BOOST_AUTO_TEST_CASE(i2s_tensors_repack_to_the_same_bytes) {
    GgufFile f(kModel);
    int checked = 0;
    for (const TensorInfo& t : f.tensors()) {
        if (t.type != TensorType::I2_S) continue;
        const uint64_t k = t.ne[0], rows = t.n_elements() / k;
        std::vector<int8_t> w(rows * k);
        int code3 = 0;
        for (uint64_t r = 0; r < rows; ++r) {
            const auto codes = decode_codes(t.data + r * k / 4, k);
            for (uint64_t i = 0; i < k; ++i) {
                code3 += codes[i] == 3;
                w[r * k + i] = static_cast<int8_t>(codes[i] == 3 ? 0 : codes[i] - 1);
            }
        }
        BOOST_TEST_INFO("tensor " << t.name);
        BOOST_TEST(code3 == 0);
        float scale;
        std::memcpy(&scale, t.data + rows * k / 4, 4);
        BOOST_TEST((std::isfinite(scale) && scale > 0.0f));
        const auto packed = pack_i2s(w.data(), static_cast<int64_t>(rows), static_cast<int64_t>(k), scale);
        BOOST_TEST(packed.size() == t.n_bytes);
        // Rows and scale; the 28 padding bytes after the scale are undefined.
        BOOST_TEST(std::memcmp(packed.data(), t.data, rows * k / 4 + 4) == 0);
        ++checked;
    }
    BOOST_TEST(checked == 28);
}
