// SPDX-License-Identifier: MIT
// GgufFile: maps a GGUF file read-only and validates its header, metadata and
// tensor table against the file size before anything is exposed.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "bitnet/dense_types.hpp"
#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/ternary_blocks.hpp"
#include "gguf/byte_reader.hpp"

namespace bitnet::gguf {

namespace {

constexpr uint32_t kMaxDims = 4;
// Smallest possible encodings, to bound counts before reserving memory for them.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;          // empty key, type, one-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;  // empty name, n_dims 0, type, offset

std::string join_ne(const std::vector<uint64_t>& ne) {
    std::string s = "{";
    for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "}";
}

bool is_loadable(uint32_t type) {
    for (TensorType t : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q6_K,
                         TensorType::I2_S, TensorType::TQ1_0, TensorType::TQ2_0})
        if (type == static_cast<uint32_t>(t)) return true;
    return false;
}

// Elements per block of a loadable type: a row must hold whole blocks.
uint64_t block_elements(TensorType t) {
    if (is_tq(t)) return static_cast<uint64_t>(kTqBlock);
    if (t == TensorType::I2_S) return 128;
    return static_cast<uint64_t>(dense_block_size(t));
}

}  // namespace

uint64_t TensorInfo::n_elements() const {
    uint64_t n = 1;
    for (uint64_t d : ne) n *= d;  // validated at open not to overflow
    return n;
}

void GgufFile::fail(const std::string& msg) const { throw Error(path_ + ": " + msg); }

GgufFile::GgufFile(const std::string& path) : path_(path) {
    try {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; the regular-file
        // check below then rejects it. It changes nothing for regular files.
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd_ < 0) fail(std::string("cannot open: ") + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd_, &st) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
        if (!S_ISREG(st.st_mode)) fail("not a regular file");
        size_ = static_cast<uint64_t>(st.st_size);
        if (size_ == 0) fail("truncated header: the file is empty");
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
        if (p == MAP_FAILED) fail(std::string("cannot map: ") + std::strerror(errno));
        base_ = static_cast<const uint8_t*>(p);
        parse();
    } catch (...) {
        release();
        throw;
    }
}

GgufFile::~GgufFile() { release(); }

void GgufFile::release() noexcept {
    if (copy_region_) ::munmap(copy_region_, copy_length_);
    copy_region_ = nullptr;
    if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
    base_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void GgufFile::parse() {
    detail::ByteReader in(*this, base_, size_);
    const std::string size_note = " (size " + std::to_string(size_) + ")";

    if (size_ >= 4 && std::memcmp(base_, "GGUF", 4) != 0) fail("bad magic (not a GGUF file)");
    in.read<uint32_t>("magic");
    version_ = in.read<uint32_t>("version");
    if (version_ != 2 && version_ != 3) {
        const uint32_t swapped = __builtin_bswap32(version_);
        fail("unsupported GGUF version " + std::to_string(version_) +
             (swapped == 2 || swapped == 3 ? " (a big-endian file)" : " (need 2 or 3)"));
    }
    const uint64_t n_tensors = in.read<uint64_t>("tensor count");
    const uint64_t n_kv = in.read<uint64_t>("key/value count");
    if (n_tensors > in.remaining() / kMinTensorInfoBytes)
        fail("tensor count " + std::to_string(n_tensors) + " at offset 8 runs past end of file" +
             size_note);
    if (n_kv > in.remaining() / kMinKvBytes)
        fail("key/value count " + std::to_string(n_kv) + " at offset 16 runs past end of file" +
             size_note);

    for (uint64_t i = 0; i < n_kv; ++i) {
        const uint64_t at = in.offset();
        std::string key = in.read_string("key #" + std::to_string(i));
        const uint32_t type = in.read<uint32_t>("value type of key " + detail::printable(key));
        if (kv_.count(key))
            fail("duplicate key " + detail::printable(key) + " at offset " + std::to_string(at));
        Value v = detail::read_value(in, *this, type, key);
        kv_.emplace(std::move(key), std::move(v));
    }

    if (has("general.alignment")) {
        const uint64_t align = get_uint("general.alignment");
        if (align == 0 || !std::has_single_bit(align))
            fail("general.alignment " + std::to_string(align) + " is not a power of two");
        if (align > (uint64_t{1} << 30))
            fail("general.alignment " + std::to_string(align) + " is too large");
        alignment_ = static_cast<uint32_t>(align);
    }

    tensors_.reserve(n_tensors);
    for (uint64_t i = 0; i < n_tensors; ++i) {
        TensorInfo t;
        t.name = in.read_string("tensor #" + std::to_string(i) + " name");
        const std::string ctx = "tensor " + detail::printable(t.name);
        if (tensor_index_.count(t.name)) fail("duplicate tensor name " + detail::printable(t.name));
        const uint32_t n_dims = in.read<uint32_t>("n_dims of " + ctx);
        if (n_dims > kMaxDims)
            fail(ctx + ": n_dims " + std::to_string(n_dims) + " > " + std::to_string(kMaxDims));
        if (n_dims == 0) fail(ctx + ": n_dims 0 < 1");
        uint64_t n = 1;
        bool overflow = false;
        for (uint32_t d = 0; d < n_dims; ++d) {
            const uint64_t e = in.read<uint64_t>("ne[" + std::to_string(d) + "] of " + ctx);
            if (e > static_cast<uint64_t>(INT64_MAX))
                fail(ctx + ": ne[" + std::to_string(d) + "] = " + std::to_string(e) +
                     " exceeds INT64_MAX");
            t.ne.push_back(e);
            overflow = overflow || __builtin_mul_overflow(n, e, &n);
        }
        if (overflow) fail(ctx + ": element count of ne " + join_ne(t.ne) + " overflows");
        const uint32_t type = in.read<uint32_t>("type of " + ctx);
        if (!is_loadable(type)) {
            const std::string name = ggml_type_name(type);
            if (name.rfind("type ", 0) == 0)
                fail(ctx + ": unknown tensor type " + std::to_string(type));
            fail(ctx + ": unsupported tensor type " + name +
                 " (only F32, F16, BF16, Q8_0, Q6_K, I2_S, TQ1_0 and TQ2_0 load)");
        }
        t.type = static_cast<TensorType>(type);
        if (const uint64_t block = block_elements(t.type); t.ne[0] % block != 0)
            fail(ctx + ": " + ggml_type_name(type) + " needs ne[0] % " + std::to_string(block) + " == 0, got " +
                 std::to_string(t.ne[0]));
        t.offset = in.read<uint64_t>("offset of " + ctx);
        t.n_bytes = detail::tensor_bytes(*this, t.name, t.type, n);
        tensor_index_.emplace(t.name, tensors_.size());
        tensors_.push_back(std::move(t));
    }

    // The data section starts at the next multiple of the alignment.
    const uint64_t end_of_infos = in.offset();
    data_offset_ = (end_of_infos + alignment_ - 1) / alignment_ * alignment_;

    for (TensorInfo& t : tensors_) {
        const std::string ctx = "tensor " + detail::printable(t.name);
        if (t.offset % alignment_ != 0)
            fail(ctx + ": offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                 std::to_string(alignment_));
        uint64_t begin = 0, end = 0;
        if (__builtin_add_overflow(data_offset_, t.offset, &begin) ||
            __builtin_add_overflow(begin, t.n_bytes, &end))
            fail(ctx + ": offset " + std::to_string(t.offset) + " runs past end of file" + size_note);
        if (end > size_)
            fail(ctx + ": data [" + std::to_string(begin) + ", " + std::to_string(end) +
                 ") runs past end of file" + size_note);
        t.data = base_ + begin;
    }

    // Metadata now lives in kv_; let the kernel drop the header pages (a private,
    // unmodified file mapping simply re-reads them if touched again).
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t header_pages = std::min(end_of_infos, size_) / page * page;
    if (header_pages > 0)
        ::madvise(const_cast<uint8_t*>(base_), header_pages, MADV_DONTNEED);
}

void GgufFile::prefetch(const TensorInfo& t) const {
    if (!base_ || !t.data || t.n_bytes == 0 || t.data < base_ || t.data >= base_ + size_) return;
    const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = static_cast<uint64_t>(t.data - base_) / page * page;
    const uint64_t end = static_cast<uint64_t>(t.data - base_) + t.n_bytes;
    ::madvise(const_cast<uint8_t*>(base_) + begin, end - begin, MADV_WILLNEED);
}

const TensorInfo* GgufFile::find_tensor(const std::string& name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& GgufFile::tensor(const std::string& name) const {
    const TensorInfo* t = find_tensor(name);
    if (!t) fail("missing tensor " + name);
    return *t;
}

}  // namespace bitnet::gguf
