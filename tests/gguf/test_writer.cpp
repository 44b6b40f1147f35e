// SPDX-License-Identifier: MIT
// Writer -> reader round trips: every metadata value type, tensors with their
// offsets and alignment, generated tensors, and the exact I2_S packing.
#define BOOST_TEST_MODULE gguf_writer
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <limits>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/gguf_writer.hpp"
#include "gguf_test_util.hpp"

using namespace bitnet::gguf;
using bitnet::test::TempDir;

namespace {

std::string error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const bitnet::Error& e) {
        return e.what();
    }
    return "(no error)";
}

Value u8_value(uint64_t v) {
    Value x;
    x.type = ValueType::U8;
    x.data = v;
    return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(round_trips_every_value_type) {
    GgufWriter w;
    w.set_u8("t.u8", 255);
    w.set_i8("t.i8", -128);
    w.set_u16("t.u16", 65535);
    w.set_i16("t.i16", -32768);
    w.set_u32("t.u32", 4000000000u);
    w.set_i32("t.i32", -2000000000);
    w.set_u64("t.u64", std::numeric_limits<uint64_t>::max());
    w.set_i64("t.i64", std::numeric_limits<int64_t>::min());
    w.set_f32("t.f32", 0.1f);
    w.set_f64("t.f64", 0.1);
    w.set_bool("t.true", true);
    w.set_bool("t.false", false);
    w.set_string("t.str", std::string("caf\xc3\xa9 \xe2\x96\x81 with\0nul", 17));
    w.set_string("t.empty", "");
    w.set_string_array("t.strs", {"a", "", "\xe2\x96\x81the"});
    w.set_f32_array("t.f32s", {1.5f, -0.25f});
    w.set_i32_array("t.i32s", {-1, 0, 7});
    Value empty;
    empty.type = ValueType::Array;
    empty.array_type = ValueType::U64;
    empty.data = Array{};
    w.set_value("t.empty_u64s", empty);
    Value inner;
    inner.type = ValueType::Array;
    inner.array_type = ValueType::U8;
    inner.data = Array{u8_value(1), u8_value(2)};
    Value nested;
    nested.type = ValueType::Array;
    nested.array_type = ValueType::Array;
    nested.data = Array{inner, inner};
    w.set_value("t.nested", nested);
    w.set_u32("t.replaced", 1);
    w.set_u32("t.replaced", 2);

    TempDir dir;
    const std::string path = dir.file("values.gguf");
    w.write(path);
    GgufFile f(path);
    BOOST_TEST(f.metadata().size() == 20u);
    BOOST_TEST(f.find("t.u8")->type == ValueType::U8);
    BOOST_TEST(f.get_uint("t.u8") == 255u);
    BOOST_TEST(f.get_int("t.i8") == -128);
    BOOST_TEST(f.find("t.i8")->type == ValueType::I8);
    BOOST_TEST(f.get_uint("t.u16") == 65535u);
    BOOST_TEST(f.get_int("t.i16") == -32768);
    BOOST_TEST(f.get_uint("t.u32") == 4000000000u);
    BOOST_TEST(f.get_int("t.i32") == -2000000000);
    BOOST_TEST(f.get_uint("t.u64") == std::numeric_limits<uint64_t>::max());
    BOOST_TEST(f.get_int("t.i64") == std::numeric_limits<int64_t>::min());
    BOOST_TEST(f.find("t.f32")->type == ValueType::F32);
    BOOST_TEST(f.get_float("t.f32") == double(0.1f));
    BOOST_TEST(f.get_float("t.f64") == 0.1);
    BOOST_TEST(f.get_bool("t.true") == true);
    BOOST_TEST(f.get_bool("t.false") == false);
    BOOST_TEST(f.get_string("t.str") == std::string("caf\xc3\xa9 \xe2\x96\x81 with\0nul", 17));
    BOOST_TEST(f.get_string("t.empty") == "");
    BOOST_TEST(f.get_string_array("t.strs") == (std::vector<std::string>{"a", "", "\xe2\x96\x81the"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.get_float_array("t.f32s") == (std::vector<double>{1.5, -0.25}), boost::test_tools::per_element());
    BOOST_TEST(f.get_int_array("t.i32s") == (std::vector<int64_t>{-1, 0, 7}), boost::test_tools::per_element());
    const Value* e = f.find("t.empty_u64s");
    BOOST_TEST((e->type == ValueType::Array && e->array_type == ValueType::U64));
    BOOST_TEST(std::get<Array>(e->data).empty());
    const Value* n = f.find("t.nested");
    BOOST_TEST((n->array_type == ValueType::Array));
    const Array& outer = std::get<Array>(n->data);
    BOOST_TEST(outer.size() == 2u);
    BOOST_TEST((outer[1].array_type == ValueType::U8));
    BOOST_TEST(std::get<uint64_t>(std::get<Array>(outer[1].data)[1].data) == 2u);
    BOOST_TEST(f.get_uint("t.replaced") == 2u);

    // Getters convert between integer kinds where the value fits, and say why not.
    BOOST_TEST(f.get_float("t.i32") == -2000000000.0);
    BOOST_TEST(error_of([&] { f.get_int("t.u64"); }) ==
               path + ": key t.u64 value 18446744073709551615 does not fit int64");
    BOOST_TEST(error_of([&] { f.get_uint("t.i32"); }) ==
               path + ": key t.i32 is negative (-2000000000), expected unsigned");
    BOOST_TEST(error_of([&] { f.get_bool("t.u8"); }) == path + ": key t.u8 has type uint8, expected bool");
}

BOOST_AUTO_TEST_CASE(copies_values_between_files_verbatim) {
    TempDir dir;
    GgufWriter a;
    // In key order, the order metadata() iterates in.
    a.set_f32_array("tokenizer.ggml.scores", {0.5f, -1.0f});
    a.set_string_array("tokenizer.ggml.tokens", {"x", "y"});
    a.write(dir.file("a.gguf"));
    GgufFile fa(dir.file("a.gguf"));
    GgufWriter b;
    for (const auto& [key, value] : fa.metadata()) b.set_value(key, value);
    b.write(dir.file("b.gguf"));
    BOOST_TEST(bitnet::test::read_file(dir.file("a.gguf")) == bitnet::test::read_file(dir.file("b.gguf")),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(round_trips_tensors_with_aligned_offsets) {
    for (uint32_t alignment : {32u, 64u, 1u}) {
        GgufWriter w;
        w.set_u32("general.alignment", alignment);
        std::vector<uint8_t> f32(4 * 5), f16(2 * 3 * 7);
        for (size_t i = 0; i < f32.size(); ++i) f32[i] = static_cast<uint8_t>(i);
        for (size_t i = 0; i < f16.size(); ++i) f16[i] = static_cast<uint8_t>(200 - i);
        std::vector<int8_t> tern(3 * 256);
        for (size_t i = 0; i < tern.size(); ++i) tern[i] = static_cast<int8_t>((i * 7) % 3) - 1;
        const auto i2s = pack_i2s(tern.data(), 3, 256, 0.125f);
        w.add_tensor("a", {5}, 0, f32);
        w.add_tensor("b", {3, 7}, 1, f16);
        w.add_tensor("c", {256, 3}, 36, i2s);
        TempDir dir;
        w.write(dir.file("t.gguf"));
        GgufFile f(dir.file("t.gguf"));
        BOOST_TEST_INFO("alignment " << alignment);
        BOOST_TEST(f.alignment() == alignment);
        BOOST_TEST(f.data_offset() % alignment == 0u);
        BOOST_TEST(f.tensors().size() == 3u);
        const std::vector<uint8_t>* want[] = {&f32, &f16, &i2s};
        for (size_t i = 0; i < 3; ++i) {
            const TensorInfo& t = f.tensors()[i];
            BOOST_TEST(t.offset % alignment == 0u);
            BOOST_TEST(t.n_bytes == want[i]->size());
            BOOST_TEST(std::memcmp(t.data, want[i]->data(), t.n_bytes) == 0);
        }
        BOOST_TEST(f.tensor("b").ne == (std::vector<uint64_t>{3, 7}), boost::test_tools::per_element());
        BOOST_TEST(f.tensor("c").n_elements() == 768u);
    }
}

BOOST_AUTO_TEST_CASE(generated_tensors_equal_copied_ones_and_write_equals_serialize) {
    std::vector<uint8_t> bytes(1000);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 31);
    GgufWriter copied, generated;
    copied.add_tensor("w", {250}, 0, bytes);
    generated.add_generated_tensor("w", {250}, 0, bytes.size(), [&](const GgufWriter::ByteSink& out) {
        for (size_t at = 0; at < bytes.size(); at += 300)
            out(bytes.data() + at, std::min<size_t>(300, bytes.size() - at));
    });
    BOOST_TEST(copied.serialize() == generated.serialize(), boost::test_tools::per_element());
    TempDir dir;
    generated.write(dir.file("g.gguf"));
    BOOST_TEST(bitnet::test::read_file(dir.file("g.gguf")) == copied.serialize(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(failed_write_leaves_no_file_and_names_the_path) {
    GgufWriter w;
    w.add_generated_tensor("short", {10}, 0, 40, [](const GgufWriter::ByteSink& out) {
        const uint8_t b[8] = {};
        out(b, 8);
    });
    TempDir dir;
    const std::string path = dir.file("bad.gguf");
    BOOST_TEST(error_of([&] { w.write(path); }) ==
               path + ": tensor short: generator produced 8 bytes, expected 40");
    BOOST_TEST(!std::filesystem::exists(path));
    BOOST_TEST(!std::filesystem::exists(path + ".part"));
    const std::string nodir = dir.file("no/such/dir.gguf");
    BOOST_TEST(error_of([&] { GgufWriter().write(nodir); }).rfind(nodir + ": cannot create", 0) == 0u);
    BOOST_TEST(error_of([&] { GgufWriter().add_tensor("x", {1}, 0, {0, 0, 0, 0}); }) == "(no error)");
    GgufWriter dup;
    dup.add_tensor("x", {1}, 0, {0, 0, 0, 0});
    BOOST_TEST(error_of([&] { dup.add_tensor("x", {1}, 0, {0, 0, 0, 0}); }) ==
               "GGUF writer: duplicate tensor name x");
}

BOOST_AUTO_TEST_CASE(pack_i2s_places_weights_as_format_md_says) {
    // One row of K = 256: weight +1 at column 0, -1 at 32, 0 at 64, +1 at 96 in
    // block 0 and -1 at column 128 + 127 in block 1; everything else 0 (code 1).
    std::vector<int8_t> w(256, 0);
    w[0] = 1;
    w[32] = -1;
    w[96] = 1;
    w[255] = -1;
    const auto p = pack_i2s(w.data(), 1, 256, 0.75f);
    BOOST_TEST(p.size() == 256u / 4 + 32);
    BOOST_TEST(p[0] == 0x86);  // codes 2,0,1,2 -> 10 00 01 10
    for (size_t b = 1; b < 63; ++b) {
        BOOST_TEST_INFO("byte " << b);
        BOOST_TEST(p[b] == 0x55);
    }
    BOOST_TEST(p[63] == 0x54);  // block 1 byte 31: elements 159, 191, 223, 255 -> 01 01 01 00
    float scale;
    std::memcpy(&scale, p.data() + 64, 4);
    BOOST_TEST(scale == 0.75f);
    for (size_t b = 68; b < p.size(); ++b) BOOST_TEST(p[b] == 0);
}

BOOST_AUTO_TEST_CASE(pack_i2s_rows_start_at_row_times_k_over_4) {
    const int64_t rows = 3, k = 384;
    std::vector<int8_t> w(rows * k, 0);
    for (int64_t r = 0; r < rows; ++r) w[r * k + r] = 1;  // one +1 per row at column r
    const auto p = pack_i2s(w.data(), rows, k, 1.0f);
    for (int64_t r = 0; r < rows; ++r) {
        BOOST_TEST_INFO("row " << r);
        BOOST_TEST(p[r * k / 4 + r] == 0x95);  // bits 7..6 = code 2
    }
}

BOOST_AUTO_TEST_CASE(pack_i2s_rejects_bad_input) {
    std::vector<int8_t> w(256, 0);
    BOOST_TEST(error_of([&] { pack_i2s(w.data(), 1, 100, 1.0f); }) ==
               "pack_i2s: K = 100 is not a positive multiple of 128");
    w[130] = 2;
    BOOST_TEST(error_of([&] { pack_i2s(w.data(), 1, 256, 1.0f); }) ==
               "pack_i2s: weight 2 at row 0, column 130 is not -1, 0 or 1");
}
