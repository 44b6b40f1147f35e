// SPDX-License-Identifier: MIT
// SHA-256 through OpenSSL's EVP interface, which picks the SHA-NI / ARMv8 code
// path itself; a 1 GB model hashes in about a second.
#include "bitnet/sha256.hpp"

#include "bitnet/error.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace bitnet::util {
namespace {

class Digest {
public:
    Digest() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
            throw Error("sha256: OpenSSL could not start a digest");
    }
    void update(const void* data, size_t size) {
        if (EVP_DigestUpdate(ctx_.get(), data, size) != 1) throw Error("sha256: OpenSSL digest update failed");
    }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1) throw Error("sha256: OpenSSL digest final failed");
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        out.reserve(2 * len);
        for (unsigned int i = 0; i < len; ++i) {
            out.push_back(kHex[md[i] >> 4]);
            out.push_back(kHex[md[i] & 0xf]);
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace

std::string sha256_hex(std::span<const std::byte> bytes) {
    Digest d;
    d.update(bytes.data(), bytes.size());
    return d.hex();
}

std::string sha256_hex(std::string_view bytes) {
    Digest d;
    d.update(bytes.data(), bytes.size());
    return d.hex();
}

std::string sha256_file_hex(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw Error(path + ": cannot open for hashing: " + std::strerror(errno));
    Digest d;
    std::vector<unsigned char> buf(size_t{1} << 20);
    for (;;) {
        const size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
        if (n > 0) d.update(buf.data(), n);
        if (n < buf.size()) {
            if (std::ferror(f.get())) throw Error(path + ": read error while hashing");
            break;
        }
    }
    return d.hex();
}

}  // namespace bitnet::util
