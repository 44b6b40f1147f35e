// SPDX-License-Identifier: MIT
// A receipt with the content a real run on the demo model would record: two
// usable plugins, one rejected for missing CPU features, one file that is not a
// plugin, and the selected kernels all having run.
#pragma once

#include "bitnet/receipt.hpp"

#include <string>
#include <utility>
#include <vector>

inline bitnet::receipt::Receipt sample_receipt() {
    using namespace bitnet::receipt;
    Receipt r;
    r.timestamp = "2026-11-26T09:30:00Z";
    r.runtime = {"0.1.0", "c896360a1b2c3d4e5f60718293a4b5c6d7e8f901"};
    r.machine.cpu_brand = "AMD EPYC 7B13";
    r.machine.arch = "x86_64";
    r.machine.features_detected = {"sse4.2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw"};
    r.machine.features_enabled = {"sse4.2", "avx", "avx2", "fma", "f16c"};
    r.machine.cores = 2;
    r.machine.os = "Debian GNU/Linux 12 (bookworm); Linux 6.1.0-18-amd64 x86_64";

    r.model.path = "models/stories-bitnet-i2_s.gguf";
    r.model.size_bytes = 1362912;
    r.model.sha256 = "80a7bd23801f5fa2b8f8092eacf8080827ef8c2042a2e7570fdc2a12fc2b5b90";
    r.model.architecture = "bitnet-b1.58";
    r.model.shape = {1024, 256, 256, 768, 4, 4, 2, 10000.0, 1e-5};
    r.model.tensor_count = 46;
    r.model.tensor_types = {{"I2_S", 28}, {"F32", 17}, {"F16", 1}};
    r.model.weights_source = "mapped";
    r.model.bytes_packed = 0;

    r.backend.requested = "auto";
    r.backend.candidates = {
        {"cpu-scalar", "/usr/lib/bitnet/plugins/libbitnet-cpu-scalar.so", 1, "", ""},
        {"cpu-avx2", "/usr/lib/bitnet/plugins/libbitnet-cpu-avx2.so", 20, "", ""},
        {"cpu-avx512", "/usr/lib/bitnet/plugins/libbitnet-cpu-avx512.so", 0, "CPU lacks avx512vnni", ""},
        {"", "/usr/lib/bitnet/plugins/libnotes.so", 0, "no bitnet_kernel_plugin_entry symbol", ""},
    };
    const std::vector<std::pair<std::string, std::string>> choice = {
        {"i2s_gemv", "cpu-avx2.i2s_gemv.i8.avx2"},      {"i2s_gemm", "cpu-avx2.i2s_gemm.i8.avx2"},
        {"quantize_i8", "cpu-avx2.quantize_i8.f32.avx2"}, {"rmsnorm", "cpu-scalar.rmsnorm.f32.scalar"},
        {"rope_neox", "cpu-scalar.rope_neox.f32.scalar"}, {"attention", "cpu-scalar.attention.f16kv.scalar"},
        {"relu2_gate", "cpu-scalar.relu2_gate.f32.scalar"}, {"add", "cpu-scalar.add.f32.scalar"},
        {"embed_f16", "cpu-scalar.embed_f16.f16.scalar"}, {"f16_matmul", "cpu-avx2.f16_matmul.f16.avx2"},
    };
    uint64_t calls = 7;
    for (const auto& [op, kernel] : choice) {
        r.backend.selected.push_back({op, kernel});
        r.kernels.push_back({kernel, calls, calls * 1300});
        calls += 11;
    }

    r.settings.threads = 2;
    r.settings.n_predict = 16;
    r.settings.ignore_eos = true;
    r.settings.sampling.temperature = 0.0f;

    r.tokens.prompt = 9;
    r.tokens.generated_ids = {263, 217, 931, 892, 727, 471, 263, 217, 826, 257, 365, 354, 889, 296, 513, 304};
    r.tokens.generated = static_cast<int64_t>(r.tokens.generated_ids.size());

    r.performance = {42.5, 1830.0, 612.25, 6.1, 18 * 1024 * 1024};
    return r;
}
