// SPDX-License-Identifier: MIT
// Hostile GGUF files: each made from a valid file by the writer plus byte
// surgery, each must be rejected with bitnet::Error "<path>: <precise problem>".
#define BOOST_TEST_MODULE gguf_hostile
#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <limits>
#include <tuple>
#include <random>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/gguf_writer.hpp"
#include "gguf_test_util.hpp"

using namespace bitnet::gguf;
using bitnet::test::peek;
using bitnet::test::poke;
using bitnet::test::TempDir;

namespace {

const std::string kQ = "blk.0.attn_q.weight";
const std::string kNorm = "blk.0.attn_norm.weight";

// A small valid file: string and array metadata, one F32 and one I2_S tensor.
GgufWriter valid_writer() {
    GgufWriter w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.set_u32("bitnet-b1.58.block_count", 1);
    w.set_string_array("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"});
    w.add_tensor(kNorm, {8}, 0, std::vector<uint8_t>(32, 0));
    std::vector<int8_t> tern(2 * 128);
    for (size_t i = 0; i < tern.size(); ++i) tern[i] = static_cast<int8_t>(i % 3) - 1;
    w.add_tensor(kQ, {128, 2}, 36, pack_i2s(tern.data(), 2, 128, 0.5f));
    return w;
}

std::vector<uint8_t> valid_bytes() { return valid_writer().serialize(); }

// Writes `bytes` and checks that opening them fails with a message that starts
// with the path and contains every expected part.
void expect_rejected(const std::vector<uint8_t>& bytes, std::initializer_list<std::string> parts) {
    TempDir dir;
    const std::string path = dir.file("hostile.gguf");
    bitnet::test::write_file(path, bytes);
    try {
        GgufFile f(path);
        BOOST_ERROR("file was accepted; expected an error containing: " << *parts.begin());
    } catch (const bitnet::Error& e) {
        const std::string msg = e.what();
        BOOST_TEST_INFO("message: " << msg);
        BOOST_TEST(msg.rfind(path + ": ", 0) == 0);
        for (const std::string& p : parts) {
            BOOST_TEST_INFO("expected part: " << p);
            BOOST_TEST(msg.find(p) != std::string::npos);
        }
        BOOST_TEST(msg.find('\n') == std::string::npos);
    }
}

// Facts about the valid file, read with the reader itself.
struct Layout {
    uint64_t data_offset, size, q_offset, q_bytes;
};
Layout valid_layout() {
    TempDir dir;
    const std::string path = dir.file("valid.gguf");
    bitnet::test::write_file(path, valid_bytes());
    GgufFile f(path);
    const TensorInfo& q = f.tensor(kQ);
    return {f.data_offset(), f.file_size(), q.offset, q.n_bytes};
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_base_file_loads) {
    const Layout l = valid_layout();
    BOOST_TEST(l.q_bytes == 2u * 128 / 4 + 32);
    BOOST_TEST(l.data_offset + l.q_offset + l.q_bytes <= l.size);
}

BOOST_AUTO_TEST_CASE(rejects_bad_magic) {
    auto b = valid_bytes();
    std::memcpy(b.data(), "GGML", 4);
    expect_rejected(b, {"bad magic (not a GGUF file)"});
}

BOOST_AUTO_TEST_CASE(rejects_truncated_header) {
    auto b = valid_bytes();
    b.resize(20);
    expect_rejected(b, {"truncated header", "key/value count at offset 16 runs past end of file (size 20)"});
    expect_rejected({}, {"truncated header"});
    expect_rejected({'G', 'G'}, {"truncated header: magic at offset 0"});
}

BOOST_AUTO_TEST_CASE(rejects_every_truncation_before_the_end_of_the_data) {
    const auto b = valid_bytes();
    const Layout l = valid_layout();
    const uint64_t data_end = l.data_offset + l.q_offset + l.q_bytes;
    TempDir dir;
    const std::string path = dir.file("cut.gguf");
    for (uint64_t len = 0; len <= b.size(); ++len) {
        bitnet::test::write_file(path, std::vector<uint8_t>(b.begin(), b.begin() + len));
        bool rejected = false;
        try {
            GgufFile f(path);
        } catch (const bitnet::Error& e) {
            rejected = true;
            BOOST_TEST(std::string(e.what()).rfind(path + ": ", 0) == 0);
        }
        BOOST_TEST_INFO("file cut to " << len << " of " << b.size() << " bytes, data ends at " << data_end);
        BOOST_TEST(rejected == (len < data_end));
    }
}

BOOST_AUTO_TEST_CASE(rejects_truncated_tensor_data) {
    auto b = valid_bytes();
    const Layout l = valid_layout();
    const uint64_t begin = l.data_offset + l.q_offset, end = begin + l.q_bytes;
    b.resize(end - 1);
    expect_rejected(b, {"tensor " + kQ + ": data [" + std::to_string(begin) + ", " +
                        std::to_string(end) + ") runs past end of file (size " +
                        std::to_string(end - 1) + ")"});
}

BOOST_AUTO_TEST_CASE(rejects_tensor_offset_past_end_of_file) {
    auto b = valid_bytes();
    const Layout l = valid_layout();
    const auto pos = bitnet::test::tensor_info_pos(b, kQ);
    const uint64_t offset = (b.size() + 31) / 32 * 32;
    poke<uint64_t>(b, pos.offset, offset);
    const uint64_t begin = l.data_offset + offset;
    expect_rejected(b, {"tensor " + kQ + ": data [" + std::to_string(begin) + ", " +
                        std::to_string(begin + l.q_bytes) + ") runs past end of file (size " +
                        std::to_string(b.size()) + ")"});
    // An offset whose sum with the data start wraps around 64 bits.
    poke<uint64_t>(b, pos.offset, std::numeric_limits<uint64_t>::max() / 32 * 32);
    expect_rejected(b, {"tensor " + kQ + ": offset ", "runs past end of file"});
}

BOOST_AUTO_TEST_CASE(rejects_misaligned_tensor_offset) {
    auto b = valid_bytes();
    const auto pos = bitnet::test::tensor_info_pos(b, kQ);
    const uint64_t offset = peek<uint64_t>(b, pos.offset) + 4;
    poke<uint64_t>(b, pos.offset, offset);
    expect_rejected(b, {"tensor " + kQ + ": offset " + std::to_string(offset) +
                        " is not a multiple of the alignment 32"});
}

BOOST_AUTO_TEST_CASE(rejects_unknown_tensor_type) {
    auto b = valid_bytes();
    poke<uint32_t>(b, bitnet::test::tensor_info_pos(b, kNorm).type, 99);
    expect_rejected(b, {"tensor " + kNorm + ": unknown tensor type 99"});
    poke<uint32_t>(b, bitnet::test::tensor_info_pos(b, kNorm).type, 4);  // retired Q4_2
    expect_rejected(b, {"tensor " + kNorm + ": unknown tensor type 4"});
}

BOOST_AUTO_TEST_CASE(rejects_known_but_unsupported_tensor_types_by_name) {
    const std::pair<uint32_t, std::string> cases[] = {
        {12, "Q4_K"}, {2, "Q4_0"}, {13, "Q5_K"}, {15, "Q8_K"}, {38, "TL1"}, {39, "TL2"}, {20, "IQ4_NL"}};
    for (const auto& [id, name] : cases) {
        auto b = valid_bytes();
        poke<uint32_t>(b, bitnet::test::tensor_info_pos(b, kNorm).type, id);
        expect_rejected(b, {"tensor " + kNorm + ": unsupported tensor type " + name});
    }
}

// TQ and Q6_K blocks hold 256 weights and Q8_0 ones 32: a row of 8 cannot be one.
BOOST_AUTO_TEST_CASE(rejects_block_type_rows_that_are_not_whole_blocks) {
    const std::tuple<uint32_t, std::string, int> cases[] = {
        {34, "TQ1_0", 256}, {35, "TQ2_0", 256}, {14, "Q6_K", 256}, {8, "Q8_0", 32}};
    for (const auto& [id, name, block] : cases) {
        auto b = valid_bytes();
        poke<uint32_t>(b, bitnet::test::tensor_info_pos(b, kNorm).type, id);
        expect_rejected(b, {"tensor " + kNorm + ": " + name + " needs ne[0] % " + std::to_string(block) +
                                " == 0, got 8"});
    }
}

BOOST_AUTO_TEST_CASE(rejects_more_than_four_dimensions) {
    GgufWriter w = valid_writer();
    w.add_tensor("five.d", {1, 1, 1, 1, 2}, 0, std::vector<uint8_t>(8, 0));
    expect_rejected(w.serialize(), {"tensor five.d: n_dims 5 > 4"});
    auto b = valid_bytes();
    poke<uint32_t>(b, bitnet::test::tensor_info_pos(b, kNorm).n_dims, 0xffffffffu);
    expect_rejected(b, {"tensor " + kNorm + ": n_dims 4294967295 > 4"});
}

BOOST_AUTO_TEST_CASE(rejects_string_length_past_end_of_file) {
    auto b = valid_bytes();
    // The first key's length sits right after the 24-byte header.
    poke<uint64_t>(b, 24, uint64_t{1} << 32);
    expect_rejected(b, {"key #0: string length 4294967296 at offset 24 runs past end of file (size " +
                        std::to_string(b.size()) + ")"});

    b = valid_bytes();
    const size_t value_len_at = bitnet::test::after_string(b, "general.architecture") + 4;
    poke<uint64_t>(b, value_len_at, b.size());
    expect_rejected(b, {"key general.architecture: string length " + std::to_string(b.size()) +
                        " at offset " + std::to_string(value_len_at) + " runs past end of file"});

    b = valid_bytes();
    const size_t name_len_at = bitnet::test::after_string(b, kQ) - kQ.size() - 8;
    poke<uint64_t>(b, name_len_at, std::numeric_limits<uint64_t>::max());
    expect_rejected(b, {"tensor #1 name: string length 18446744073709551615 at offset " +
                        std::to_string(name_len_at) + " runs past end of file"});
}

BOOST_AUTO_TEST_CASE(rejects_huge_array_count) {
    auto b = valid_bytes();
    const size_t count_at = bitnet::test::after_string(b, "tokenizer.ggml.tokens") + 4 + 4;
    BOOST_TEST(peek<uint64_t>(b, count_at) == 3u);
    poke<uint64_t>(b, count_at, uint64_t{1} << 60);
    expect_rejected(b, {"key tokenizer.ggml.tokens: array count 1152921504606846976 at offset " +
                        std::to_string(count_at) + " runs past end of file"});
}

BOOST_AUTO_TEST_CASE(rejects_huge_tensor_and_key_counts) {
    auto b = valid_bytes();
    poke<uint64_t>(b, 8, uint64_t{1} << 40);
    expect_rejected(b, {"tensor count 1099511627776 at offset 8 runs past end of file"});
    b = valid_bytes();
    poke<uint64_t>(b, 16, std::numeric_limits<uint64_t>::max());
    expect_rejected(b, {"key/value count 18446744073709551615 at offset 16 runs past end of file"});
}

BOOST_AUTO_TEST_CASE(rejects_element_count_overflow) {
    GgufWriter w = valid_writer();
    const uint64_t big = uint64_t{1} << 32;
    w.add_tensor("huge", {big, big, big}, 0, std::vector<uint8_t>(32, 0));
    expect_rejected(w.serialize(),
                    {"tensor huge: element count of ne {4294967296, 4294967296, 4294967296} overflows"});

    GgufWriter w2 = valid_writer();
    w2.add_tensor("wide", {uint64_t{1} << 62}, 0, std::vector<uint8_t>(32, 0));
    expect_rejected(w2.serialize(),
                    {"tensor wide: size in bytes of 4611686018427387904 F32 elements overflows"});

    GgufWriter w3 = valid_writer();
    w3.add_tensor("neg", {uint64_t{1} << 63, 1}, 0, std::vector<uint8_t>(32, 0));
    expect_rejected(w3.serialize(), {"tensor neg: ne[0] = 9223372036854775808 exceeds INT64_MAX"});
}

BOOST_AUTO_TEST_CASE(rejects_i2s_width_not_multiple_of_128) {
    GgufWriter w = valid_writer();
    w.add_tensor("blk.0.ffn_up.weight", {100, 4}, 36, std::vector<uint8_t>(100 * 4 / 4 + 32, 0x55));
    expect_rejected(w.serialize(), {"tensor blk.0.ffn_up.weight: I2_S needs ne[0] % 128 == 0, got 100"});
}

BOOST_AUTO_TEST_CASE(rejects_duplicate_keys_and_tensor_names) {
    GgufWriter w;
    w.set_u32("general.alpha", 1);
    w.set_u32("general.alphb", 2);
    auto b = w.serialize();
    b[bitnet::test::after_string(b, "general.alphb") - 1] = 'a';
    expect_rejected(b, {"duplicate key general.alpha"});

    GgufWriter t;
    t.add_tensor("x.a", {8}, 0, std::vector<uint8_t>(32, 0));
    t.add_tensor("x.b", {8}, 0, std::vector<uint8_t>(32, 0));
    b = t.serialize();
    b[bitnet::test::after_string(b, "x.b") - 1] = 'a';
    expect_rejected(b, {"duplicate tensor name x.a"});
}

BOOST_AUTO_TEST_CASE(rejects_bad_alignment) {
    GgufWriter w = valid_writer();
    w.set_u32("general.alignment", 24);
    expect_rejected(w.serialize(), {"general.alignment 24 is not a power of two"});
    w.set_u32("general.alignment", 0);
    expect_rejected(w.serialize(), {"general.alignment 0 is not a power of two"});
    w.set_string("general.alignment", "32");
    expect_rejected(w.serialize(), {"key general.alignment has type string, expected unsigned integer"});
}

BOOST_AUTO_TEST_CASE(rejects_unsupported_versions) {
    auto b = valid_bytes();
    poke<uint32_t>(b, 4, 1);
    expect_rejected(b, {"unsupported GGUF version 1"});
    poke<uint32_t>(b, 4, 0x03000000u);
    expect_rejected(b, {"unsupported GGUF version 50331648 (a big-endian file)"});
}

BOOST_AUTO_TEST_CASE(rejects_unknown_value_types) {
    auto b = valid_bytes();
    const size_t type_at = bitnet::test::after_string(b, "bitnet-b1.58.block_count");
    poke<uint32_t>(b, type_at, 13);
    expect_rejected(b, {"key bitnet-b1.58.block_count: unknown value type 13 at offset " +
                        std::to_string(type_at)});
    b = valid_bytes();
    const size_t elem_at = bitnet::test::after_string(b, "tokenizer.ggml.tokens") + 4;
    poke<uint32_t>(b, elem_at, 77);
    expect_rejected(b, {"key tokenizer.ggml.tokens: unknown array element type 77 at offset " +
                        std::to_string(elem_at)});
}

BOOST_AUTO_TEST_CASE(rejects_deeply_nested_arrays) {
    Value v;
    v.type = ValueType::U8;
    v.data = uint64_t{1};
    for (int depth = 0; depth < 12; ++depth) {
        Value outer;
        outer.type = ValueType::Array;
        outer.array_type = v.type;
        outer.data = Array{v};
        v = outer;
    }
    GgufWriter w;
    w.set_value("deep", v);
    expect_rejected(w.serialize(), {"key deep: arrays nested deeper than 8"});
}

// Random byte corruption in the header must give an Error or a file whose every
// tensor lies inside it, never a crash or another exception type.
BOOST_AUTO_TEST_CASE(survives_random_header_corruption) {
    const auto good = valid_bytes();
    const Layout l = valid_layout();
    std::mt19937_64 rng(1234);
    TempDir dir;
    const std::string path = dir.file("fuzz.gguf");
    int rejected = 0, loaded = 0;
    for (int iter = 0; iter < 2000; ++iter) {
        auto b = good;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < flips; ++i) {
            const size_t at = rng() % l.data_offset;
            b[at] = (rng() % 2) ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(b[at] ^ (1u << (rng() % 8)));
        }
        bitnet::test::write_file(path, b);
        try {
            GgufFile f(path);
            ++loaded;
            for (const TensorInfo& t : f.tensors()) {
                BOOST_TEST(f.data_offset() + t.offset + t.n_bytes <= f.file_size());
                BOOST_TEST(t.offset % f.alignment() == 0u);
            }
        } catch (const bitnet::Error& e) {
            ++rejected;
            BOOST_TEST(std::string(e.what()).rfind(path + ": ", 0) == 0);
        }
    }
    BOOST_TEST_MESSAGE("random corruption: " << rejected << " rejected, " << loaded << " loaded");
    BOOST_TEST(rejected > 0);
}
