// SPDX-License-Identifier: MIT
#include "data_gen.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::parity {

const char* pattern_name(Pattern p) {
    switch (p) {
        case Pattern::kNormal: return "normal";
        case Pattern::kWide: return "wide";
        case Pattern::kHuge: return "huge";
        case Pattern::kAllEqual: return "all-equal";
        case Pattern::kSpike: return "spike";
        case Pattern::kZero: return "zero";
        case Pattern::kTiny: return "tiny";
        case Pattern::kTies: return "ties";
    }
    return "?";
}

std::vector<float> make_floats(Rng& rng, int64_t n, Pattern p) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> uni(-3.0f, 3.0f);
    std::uniform_int_distribution<int64_t> index(0, n - 1);
    std::vector<float> x(static_cast<size_t>(n));
    switch (p) {
        case Pattern::kNormal:
            for (float& v : x) v = normal(rng);
            break;
        case Pattern::kWide:
            for (float& v : x) v = normal(rng) * std::pow(10.0f, uni(rng));
            break;
        case Pattern::kHuge: {
            constexpr float kBig[] = {1e30f, -1e30f, 3e38f, -3e38f};
            for (size_t i = 0; i < x.size(); ++i) {
                x[i] = (i % 5 == 0) ? kBig[(i / 5) % 4] : normal(rng);
            }
            break;
        }
        case Pattern::kAllEqual: {
            const float v = normal(rng);
            std::fill(x.begin(), x.end(), v);
            break;
        }
        case Pattern::kSpike:
            for (float& v : x) v = normal(rng) * 1e-3f;
            x[static_cast<size_t>(index(rng))] = 1e3f;
            break;
        case Pattern::kZero:
            std::fill(x.begin(), x.end(), 0.0f);
            break;
        case Pattern::kTiny:
            for (float& v : x) v = normal(rng) * 1e-30f;
            break;
        case Pattern::kTies: {
            // Integers and halves in [-126.5, 126.5] plus one 127, so amax = 127,
            // s = 127/127 = 1 exactly and x*s hits every tie exactly.
            std::uniform_int_distribution<int> half_steps(-253, 253);
            for (float& v : x) v = static_cast<float>(half_steps(rng)) * 0.5f;
            x[static_cast<size_t>(index(rng))] = (rng() & 1) ? 127.0f : -127.0f;
            break;
        }
    }
    return x;
}

const char* codes_name(Codes c) {
    switch (c) {
        case Codes::kRandom: return "random";
        case Codes::kWithThree: return "with-code-3";
        case Codes::kZeroRows: return "zero-rows";
        case Codes::kAllPlus: return "all-plus";
        case Codes::kAllMinus: return "all-minus";
    }
    return "?";
}

std::vector<uint8_t> make_codes(Rng& rng, int64_t rows, int64_t k, Codes c) {
    std::vector<uint8_t> codes(static_cast<size_t>(rows * k));
    std::uniform_int_distribution<int> three(0, 2);
    std::uniform_int_distribution<int> four(0, 3);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < k; ++i) {
            uint8_t& code = codes[static_cast<size_t>(r * k + i)];
            switch (c) {
                case Codes::kRandom: code = static_cast<uint8_t>(three(rng)); break;
                case Codes::kWithThree: code = static_cast<uint8_t>(four(rng)); break;
                case Codes::kZeroRows:
                    code = (r % 3 == 1) ? 1 : static_cast<uint8_t>(three(rng));
                    break;
                case Codes::kAllPlus: code = 2; break;
                case Codes::kAllMinus: code = 0; break;
            }
        }
    }
    return codes;
}

namespace {

// Where element i of a row lives: byte (i / 128) * 32 + i % 32, at a shift of
// 6 - 2 * ((i % 128) / 32).
int64_t byte_of(int64_t i) { return (i / 128) * 32 + i % 32; }
int shift_of(int64_t i) { return 6 - 2 * static_cast<int>((i % 128) / 32); }

}  // namespace

std::vector<uint8_t> pack_i2s(const std::vector<uint8_t>& codes, int64_t rows, int64_t k) {
    std::vector<uint8_t> data(static_cast<size_t>(rows * k / 4), 0);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < k; ++i) {
            const uint8_t code = codes[static_cast<size_t>(r * k + i)];
            data[static_cast<size_t>(r * k / 4 + byte_of(i))] |= static_cast<uint8_t>(code << shift_of(i));
        }
    }
    return data;
}

int weight_at(const uint8_t* data, int64_t k, int64_t r, int64_t i) {
    const int code = (data[r * k / 4 + byte_of(i)] >> shift_of(i)) & 3;
    return code == 3 ? 0 : code - 1;
}

const char* acts_name(Acts a) {
    switch (a) {
        case Acts::kRandom: return "random";
        case Acts::kMaxPos: return "all+127";
        case Acts::kMinNeg: return "all-128";
        case Acts::kAlternating: return "alternating-extremes";
        case Acts::kZero: return "zero";
        case Acts::kSpike: return "spike";
    }
    return "?";
}

std::vector<int8_t> make_acts(Rng& rng, int64_t n, Acts a) {
    std::vector<int8_t> q(static_cast<size_t>(n));
    std::uniform_int_distribution<int> byte(-128, 127);
    std::uniform_int_distribution<int64_t> index(0, n - 1);
    for (size_t i = 0; i < q.size(); ++i) {
        switch (a) {
            case Acts::kRandom: q[i] = static_cast<int8_t>(byte(rng)); break;
            case Acts::kMaxPos: q[i] = 127; break;
            case Acts::kMinNeg: q[i] = -128; break;
            case Acts::kAlternating: q[i] = (i % 2) ? int8_t{-128} : int8_t{127}; break;
            case Acts::kZero:
            case Acts::kSpike: q[i] = 0; break;
        }
    }
    if (a == Acts::kSpike) q[static_cast<size_t>(index(rng))] = -128;
    return q;
}

std::vector<uint16_t> make_f16(Rng& rng, int64_t n, float stddev, bool specials) {
    std::normal_distribution<float> normal(0.0f, stddev);
    std::uniform_int_distribution<int> pick(0, 15);
    std::uniform_int_distribution<int> mant(1, 0x3FF);
    std::vector<uint16_t> h(static_cast<size_t>(n));
    for (uint16_t& v : h) {
        v = float_to_f16_bits(normal(rng));
        if (!specials) continue;
        switch (pick(rng)) {
            case 0: v = static_cast<uint16_t>(mant(rng)); break;  // subnormal
            case 1: v = 0x8000; break;                            // -0
            case 2: v = 0x7BFF; break;                            // max finite
            case 3: v = 0xFC00; break;                            // -inf
            case 4: v = static_cast<uint16_t>(0x7C00 | mant(rng)); break;  // nan
            default: break;
        }
    }
    return h;
}

std::vector<Range> random_split(Rng& rng, int64_t extent) {
    std::vector<Range> chunks;
    int64_t at = 0;
    while (at < extent) {
        // Mostly small odd chunks so tile boundaries fall everywhere.
        std::uniform_int_distribution<int64_t> len(1, std::max<int64_t>(1, std::min<int64_t>(extent / 3 + 1, 37)));
        const int64_t n = std::min(extent - at, len(rng));
        chunks.push_back({at, at + n});
        at += n;
    }
    std::shuffle(chunks.begin(), chunks.end(), rng);
    return chunks;
}

}  // namespace bitnet::parity
