// SPDX-License-Identifier: MIT
#include "i2s_problem.hpp"

#include <cstdint>
#include <cstring>
#include <memory>

#include "compare.hpp"

namespace bitnet::parity {

void I2sProblem::set_packed(const std::vector<uint8_t>& packed) {
    storage_.assign(packed.size() + 32 + 128, 0);
    const auto base = reinterpret_cast<uintptr_t>(storage_.data());
    offset_ = static_cast<size_t>((64 - base % 64) % 64 + 32);
    std::memcpy(storage_.data() + offset_, packed.data(), packed.size());
    uint8_t* tail = storage_.data() + offset_ + packed.size();
    std::memcpy(tail, &wscale, sizeof wscale);
    std::memset(tail + 4, 0xA5, 28);
}

I2sProblem make_i2s_problem(Rng& rng, int64_t rows, int64_t k, int64_t n_tokens, Codes codes,
                            Acts acts, float wscale) {
    I2sProblem p;
    p.rows = rows;
    p.k = k;
    p.n_tokens = n_tokens;
    p.wscale = wscale;
    p.codes = make_codes(rng, rows, k, codes);
    p.set_packed(pack_i2s(p.codes, rows, k));
    std::uniform_real_distribution<float> amax(0.01f, 100.0f);
    for (int64_t t = 0; t < n_tokens; ++t) {
        // Mix the pattern with random tokens so GEMM tiles see different rows.
        const Acts a = (t % 3 == 2) ? Acts::kRandom : acts;
        const std::vector<int8_t> q = make_acts(rng, k, a);
        int32_t sum = 0;
        for (int8_t v : q) sum += v;
        p.q.insert(p.q.end(), q.begin(), q.end());
        p.act_sum.push_back(sum);
        p.act_scale.push_back(static_cast<float>(127.0 / static_cast<double>(amax(rng))));
    }
    return p;
}

namespace {

// Packed bytes for kernels that repack: 64-byte aligned, as a host would.
struct AlignedBuffer {
    std::unique_ptr<uint8_t[]> storage;
    uint8_t* ptr = nullptr;
    explicit AlignedBuffer(size_t n) : storage(new uint8_t[n + 64]) {
        const auto base = reinterpret_cast<uintptr_t>(storage.get());
        ptr = storage.get() + (64 - base % 64) % 64;
    }
};

}  // namespace

std::vector<float> run_i2s(const bitnet_kp_kernel& kernel, const I2sProblem& p,
                           const std::vector<Range>& chunks, std::string* error) {
    bitnet_kp_i2s_weights w{sizeof(bitnet_kp_i2s_weights), p.data(), nullptr, p.rows, p.k, p.wscale};
    std::unique_ptr<AlignedBuffer> packed;
    if (kernel.packed_size != nullptr && kernel.pack != nullptr) {
        const size_t size = kernel.packed_size(p.rows, p.k);
        packed = std::make_unique<AlignedBuffer>(size);
        const bitnet_kp_status st = kernel.pack(&w, packed->ptr, size);
        if (st != BITNET_KP_OK) {
            *error = "pack returned status " + std::to_string(st);
            return {};
        }
        w.packed = packed->ptr;
    }
    // A gap of 3 columns between tokens: the kernel must honour ldy.
    const int64_t ldy = p.rows + 3;
    Guarded<float> y(static_cast<size_t>(p.n_tokens * ldy), guard_nan(), guard_nan());
    bitnet_kp_i2s_matmul_args args{sizeof(bitnet_kp_i2s_matmul_args), &w, p.q.data(), p.act_scale.data(),
                                   p.act_sum.data(), y.get(), p.n_tokens, ldy};
    for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);

    std::vector<float> out;
    out.reserve(static_cast<size_t>(p.n_tokens * p.rows));
    if (!read_strided_rows(y, p.n_tokens, p.rows, ldy, out))
        *error = "kernel wrote outside y's rows (between tokens or past the ends)";
    return out;
}

}  // namespace bitnet::parity
