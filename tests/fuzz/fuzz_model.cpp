// SPDX-License-Identifier: MIT
// Model loader on top of the GGUF reader: any bytes either give a Model whose
// hyper-parameters are consistent and whose weight views lie inside the file,
// or fail with a one-line bitnet::Error naming the file.
#include <cstdint>
#include <string>

#include "bitnet/error.hpp"
#include "bitnet/model.hpp"
#include "fuzz_support.hpp"

namespace {

using bitnet::model::Model;

// p must point at n bytes inside the file's mapping.
void check_inside(const bitnet::gguf::GgufFile& f, const void* p, uint64_t n) {
    BITNET_FUZZ_CHECK(p != nullptr);
    const auto* u = static_cast<const uint8_t*>(p);
    const uint8_t* begin = nullptr;
    for (const auto& t : f.tensors())
        if (u >= t.data && u < t.data + t.n_bytes) begin = t.data;
    BITNET_FUZZ_CHECK(begin != nullptr);
    volatile uint8_t sink = u[0];
    sink = sink + u[n - 1];
    (void)sink;
}

void exercise(const Model& m) {
    const auto& c = m.config();
    BITNET_FUZZ_CHECK(c.n_head > 0 && c.n_head_kv > 0 && c.head_dim > 0);
    BITNET_FUZZ_CHECK(c.head_dim * c.n_head == c.n_embd);
    BITNET_FUZZ_CHECK(c.n_head % c.n_head_kv == 0);
    BITNET_FUZZ_CHECK(c.n_rot > 0 && c.n_rot <= c.head_dim && c.n_rot % 2 == 0);
    BITNET_FUZZ_CHECK(c.n_vocab > 0 && c.n_ctx_train > 0 && c.n_layer > 0 && c.n_ff > 0);
    BITNET_FUZZ_CHECK(m.layers().size() == static_cast<size_t>(c.n_layer));
    const auto& f = m.file();
    const auto& embd = m.file_embedding();
    check_inside(f, embd.data, embd.row_bytes * static_cast<uint64_t>(c.n_vocab));
    // An F32 or BF16 head is a converted copy, not in the mapping; a Q8_0 or
    // Q6_K head runs on its own blocks, which the mapping holds.
    if (m.head_in_blocks())
        check_inside(f, m.head_source().data, m.head_source().row_bytes * static_cast<uint64_t>(c.n_vocab));
    else if (!m.head_converted())
        check_inside(f, m.output_head(), 2 * static_cast<uint64_t>(c.n_embd * c.n_vocab));
    check_inside(f, m.output_norm(), 4 * static_cast<uint64_t>(c.n_embd));
    for (const auto& l : m.layers()) {
        check_inside(f, l.attn_norm, 4 * static_cast<uint64_t>(c.n_embd));
        check_inside(f, l.ffn_sub_norm, 4 * static_cast<uint64_t>(c.n_ff));
        for (const auto* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) {
            BITNET_FUZZ_CHECK(w->gemv.k % 128 == 0 && w->gemv.rows > 0);
            // rows*k/4 packed bytes, then the f32 scale the loader already read.
            check_inside(f, w->gemv.data, static_cast<uint64_t>(w->gemv.rows * w->gemv.k / 4 + 4));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static bitnet::fuzz::MemFile file;
    const std::string& path = file.write(data, size);
    try {
        Model m(path);
        exercise(m);
    } catch (const bitnet::Error& e) {
        BITNET_FUZZ_CHECK_FILE_ERROR(e, path);
    }
    return 0;
}
