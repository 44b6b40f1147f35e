// SPDX-License-Identifier: MIT
// GgufFile::copy_to_memory: selected tensors read (not mapped) into one
// anonymous region of transparent huge pages.
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {
namespace {

constexpr uint64_t kHugePage = uint64_t{2} << 20;
constexpr uint64_t kTensorAlign = 64;         // a cache line: kernels load 64 bytes at a time
constexpr uint64_t kChunk = uint64_t{8} << 20;  // one pread; threads take chunks in turn
constexpr int kShortRead = -1;                  // an error code no errno takes

struct Piece {
    uint64_t file_offset;
    uint8_t* dst;
    uint64_t n;
};

}  // namespace

void GgufFile::copy_to_memory(const std::function<bool(const TensorInfo&)>& which, unsigned threads) {
    if (copy_region_ || fd_ < 0) fail("tensors are already copied");
    std::vector<TensorInfo*> chosen;
    uint64_t total = 0;
    for (TensorInfo& t : tensors_) {
        if (t.n_bytes == 0 || !which(t)) continue;
        chosen.push_back(&t);
        total += (t.n_bytes + kTensorAlign - 1) / kTensorAlign * kTensorAlign;
    }
    if (chosen.empty()) return;

    // One extra huge page lets the region start on a huge-page boundary.
    const uint64_t length = (total + kHugePage - 1) / kHugePage * kHugePage + kHugePage;
    void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail("cannot allocate " + std::to_string(total) + " bytes for the weights: " + std::strerror(errno));
    copy_region_ = static_cast<uint8_t*>(p);
    copy_length_ = length;
    uint8_t* base = copy_region_ + (kHugePage - reinterpret_cast<uintptr_t>(copy_region_) % kHugePage) % kHugePage;
    ::madvise(base, length - static_cast<uint64_t>(base - copy_region_), MADV_HUGEPAGE);  // a hint

    std::vector<Piece> pieces;
    std::vector<const uint8_t*> new_data;
    uint64_t at = 0;
    for (TensorInfo* t : chosen) {
        const uint64_t offset = static_cast<uint64_t>(t->data - base_);
        for (uint64_t done = 0; done < t->n_bytes; done += kChunk)
            pieces.push_back({offset + done, base + at + done, std::min(kChunk, t->n_bytes - done)});
        new_data.push_back(base + at);
        at += (t->n_bytes + kTensorAlign - 1) / kTensorAlign * kTensorAlign;
    }

    std::atomic<size_t> next{0};
    std::atomic<int> error{0};
    auto work = [&] {
        for (size_t i = next++; i < pieces.size() && error.load() == 0; i = next++) {
            const Piece& piece = pieces[i];
            uint64_t done = 0;
            while (done < piece.n) {
                const ssize_t n = ::pread(fd_, piece.dst + done, piece.n - done,
                                          static_cast<off_t>(piece.file_offset + done));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    int expected = 0;
                    error.compare_exchange_strong(expected, n < 0 ? errno : kShortRead);
                    return;
                }
                done += static_cast<uint64_t>(n);
            }
        }
    };
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < threads && i < pieces.size(); ++i) helpers.emplace_back(work);
    work();
    for (auto& h : helpers) h.join();
    if (error.load() != 0)
        fail(std::string("cannot read the weights into memory: ") +
             (error.load() == kShortRead ? "the file ended early (was it truncated while loading?)"
                                          : std::strerror(error.load())));

    for (size_t i = 0; i < chosen.size(); ++i) chosen[i]->data = new_data[i];
    copy_bytes_ = total;
}

}  // namespace bitnet::gguf
