// SPDX-License-Identifier: MIT
#include "convert/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"

namespace bitnet::model_tool {

namespace {

namespace json = boost::json;

constexpr uint64_t kMaxHeader = 100u << 20;  // the format's own limit
constexpr size_t kMaxDims = 8;

uint64_t json_u64(const json::value& v, const std::string& what) {
    if (v.is_uint64()) return v.as_uint64();
    if (v.is_int64() && v.as_int64() >= 0) return static_cast<uint64_t>(v.as_int64());
    throw Error(what + " is not a non-negative integer");
}

}  // namespace

uint64_t StTensor::n_elements() const {
    uint64_t n = 1;
    for (uint64_t d : shape) n *= d;
    return n;
}

uint64_t st_dtype_size(const std::string& dtype) {
    if (dtype == "BOOL" || dtype == "U8" || dtype == "I8" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
    if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
    return 0;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
    const std::string p = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(p + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw Error(p + ": cannot stat");
    }
    size_ = static_cast<uint64_t>(st.st_size);
    if (size_ < 8) {
        ::close(fd);
        throw Error(p + ": too short for a safetensors file (" + std::to_string(size_) + " bytes)");
    }
    base_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (base_ == MAP_FAILED) {
        base_ = nullptr;
        throw Error(p + ": cannot map: " + std::strerror(errno));
    }
    try {
        const auto* bytes = static_cast<const uint8_t*>(base_);
        uint64_t header_len = 0;
        std::memcpy(&header_len, bytes, 8);  // little-endian, like every target of this runtime
        if (header_len > kMaxHeader || header_len > size_ - 8)
            throw Error("header length " + std::to_string(header_len) + " does not fit the file of " +
                        std::to_string(size_) + " bytes");
        const uint8_t* data = bytes + 8 + header_len;
        const uint64_t data_size = size_ - 8 - header_len;

        json::value header;
        try {
            header = json::parse(std::string_view(reinterpret_cast<const char*>(bytes + 8), header_len));
        } catch (const std::exception& e) {
            throw Error(std::string("header is not JSON: ") + e.what());
        }
        if (!header.is_object()) throw Error("header is not a JSON object");
        for (const auto& [key, value] : header.as_object()) {
            const std::string name(key);
            if (name == "__metadata__") continue;
            const std::string what = "tensor " + name;
            if (!value.is_object()) throw Error(what + ": entry is not an object");
            const json::object& o = value.as_object();
            const json::value* dt = o.if_contains("dtype");
            const json::value* shape = o.if_contains("shape");
            const json::value* offs = o.if_contains("data_offsets");
            if (!dt || !dt->is_string() || !shape || !shape->is_array() || !offs || !offs->is_array() ||
                offs->as_array().size() != 2)
                throw Error(what + ": needs dtype, shape and data_offsets [begin, end]");
            StTensor t;
            t.name = name;
            t.dtype = std::string(dt->as_string());
            const uint64_t esize = st_dtype_size(t.dtype);
            if (!esize) throw Error(what + ": unknown dtype " + t.dtype);
            if (shape->as_array().size() > kMaxDims) throw Error(what + ": more than 8 dimensions");
            uint64_t n = 1;
            for (const json::value& d : shape->as_array()) {
                const uint64_t dim = json_u64(d, what + " shape");
                if (dim && n > UINT64_MAX / dim) throw Error(what + ": shape overflows");
                n *= dim;
                t.shape.push_back(dim);
            }
            if (n > UINT64_MAX / esize) throw Error(what + ": shape overflows");
            const uint64_t begin = json_u64(offs->as_array()[0], what + " data_offsets");
            const uint64_t end = json_u64(offs->as_array()[1], what + " data_offsets");
            if (begin > end || end > data_size)
                throw Error(what + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                            "] outside the " + std::to_string(data_size) + " data bytes");
            if (end - begin != n * esize)
                throw Error(what + ": " + std::to_string(end - begin) + " bytes for " + std::to_string(n) + " " +
                            t.dtype + " elements");
            t.data = data + begin;
            t.n_bytes = end - begin;
            tensors_.push_back(std::move(t));
        }
    } catch (const Error& e) {
        ::munmap(base_, size_);
        base_ = nullptr;
        throw Error(p + ": " + e.what());
    }
}

SafetensorsFile::~SafetensorsFile() {
    if (base_) ::munmap(base_, size_);
}

void st_to_f32(const StTensor& t, float* out) {
    const uint64_t n = t.n_elements();
    if (t.dtype == "F32") {
        std::memcpy(out, t.data, n * 4);
    } else if (t.dtype == "F16") {
        for (uint64_t i = 0; i < n; ++i) {
            uint16_t h;
            std::memcpy(&h, t.data + 2 * i, 2);
            out[i] = f16_to_f32(h);
        }
    } else if (t.dtype == "BF16") {
        for (uint64_t i = 0; i < n; ++i) {
            uint16_t b;
            std::memcpy(&b, t.data + 2 * i, 2);
            const uint32_t bits = static_cast<uint32_t>(b) << 16;  // bf16 is the top half of an f32
            std::memcpy(&out[i], &bits, 4);
        }
    } else {
        throw Error("tensor " + t.name + " has dtype " + t.dtype + "; only F32, F16 and BF16 convert");
    }
}

}  // namespace bitnet::model_tool
