// SPDX-License-Identifier: MIT
// The opt-in int8 output head (--head-precision q8): the tied F16 embedding
// quantized once at load, cutting the head's bytes per decode token in half.
#include <sys/mman.h>
#include <unistd.h>

#include "bitnet/dispatch.hpp"
#include "bitnet/model.hpp"

namespace bitnet::model {

void Model::prepare_head_q8(kernels::Dispatcher& dispatcher) {
    if (has_head_q8()) return;
    const int64_t rows = config_.n_vocab, k = config_.n_embd;
    head_q8_.resize(static_cast<size_t>(rows * k));
    head_q8_scale_.resize(static_cast<size_t>(rows));
    head_q8_sum_.resize(static_cast<size_t>(rows));
    bitnet_kp_quantize_rows_args a{sizeof(a), output_, head_q8_.data(), head_q8_scale_.data(), head_q8_sum_.data(),
                                   rows, k};
    dispatcher.run(BITNET_OP_QUANTIZE_ROWS_Q8, &a, rows, 64);
    // The F16 head is not streamed again; drop its pages from our RSS. A tied
    // table still serves embedding lookups, which fault back the few rows a
    // token needs from the page cache.
    if (head_converted()) {
        // The converted copy serves only the head: embeddings read the file.
        repacked_bytes_ -= head_f16_.size() * sizeof(uint16_t);
        std::vector<uint16_t>().swap(head_f16_);
        output_ = nullptr;
        return;
    }
    const auto& t = file_->tensor(head_.name);
    const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    auto first = (reinterpret_cast<uintptr_t>(t.data) + page - 1) / page * page;
    auto last = (reinterpret_cast<uintptr_t>(t.data) + t.n_bytes) / page * page;
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace bitnet::model
