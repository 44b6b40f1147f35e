// SPDX-License-Identifier: MIT
// GGUF reader: any bytes either open (and then every getter and every tensor's
// bytes are safe to use) or fail with bitnet::Error. Any other exception, a
// sanitizer report or a broken invariant is a finding.
#include <cstdint>
#include <string>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace bitnet::gguf;

template <class Fn>
void expect_value_or_error(Fn&& fn) {
    try {
        fn();
    } catch (const bitnet::Error&) {
    }
}

void exercise(const GgufFile& f) {
    for (const auto& kv : f.metadata()) {
        const std::string& key = kv.first;  // lambdas cannot capture a structured binding in C++20 Clang 14
        // Every getter on every key: a mistyped read must be an Error, never a
        // std::bad_variant_access.
        expect_value_or_error([&] { f.get_string(key); });
        expect_value_or_error([&] { f.get_uint(key); });
        expect_value_or_error([&] { f.get_int(key); });
        expect_value_or_error([&] { f.get_float(key); });
        expect_value_or_error([&] { f.get_bool(key); });
        expect_value_or_error([&] { f.get_string_array(key); });
        expect_value_or_error([&] { f.get_float_array(key); });
        expect_value_or_error([&] { f.get_int_array(key); });
        BITNET_FUZZ_CHECK(f.find(key) == &kv.second);
    }
    volatile uint8_t sink = 0;
    for (const TensorInfo& t : f.tensors()) {
        BITNET_FUZZ_CHECK(f.find_tensor(t.name) == &t);
        BITNET_FUZZ_CHECK(!t.ne.empty() && t.ne.size() <= 4);
        BITNET_FUZZ_CHECK(t.offset % f.alignment() == 0);
        BITNET_FUZZ_CHECK(f.data_offset() + t.offset + t.n_bytes <= f.file_size());
        BITNET_FUZZ_CHECK(t.data != nullptr);
        (void)t.n_elements();
        // The first and last byte a tensor owns must be inside the mapping.
        if (t.n_bytes > 0) sink = sink + t.data[0] + t.data[t.n_bytes - 1];
        f.prefetch(t);
    }
    (void)sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static bitnet::fuzz::MemFile file;
    const std::string& path = file.write(data, size);
    try {
        GgufFile f(path);
        exercise(f);
    } catch (const bitnet::Error& e) {
        BITNET_FUZZ_CHECK_FILE_ERROR(e, path);
    }
    return 0;
}
