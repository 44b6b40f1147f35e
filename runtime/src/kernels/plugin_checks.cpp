// SPDX-License-Identifier: MIT
#include "bitnet/plugin_checks.hpp"

#include <elf.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <set>

#include "bitnet/kernel_registry.hpp"

namespace bitnet::kernels {
namespace {

// Field offsets of the version-1 structs: a plugin built against v1.x must
// provide at least these bytes.
constexpr uint32_t kPluginV1Size = offsetof(bitnet_kp_plugin, kernels) + sizeof(void*);
constexpr uint32_t kKernelV1Size = offsetof(bitnet_kp_kernel, pack) + sizeof(void*);
constexpr uint32_t kMaxKernels = 4096;
constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxNameLength = 64;

const char* machine_name(uint16_t m) {
    switch (m) {
        case EM_X86_64: return "x86_64";
        case EM_AARCH64: return "aarch64";
        case EM_386: return "i386";
        case EM_ARM: return "arm";
        case EM_RISCV: return "riscv";
        case EM_PPC64: return "ppc64";
        default: return nullptr;
    }
}

#if defined(__x86_64__)
constexpr uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kHostMachine = EM_AARCH64;
#else
constexpr uint16_t kHostMachine = EM_NONE;
#endif

// Bounded, NUL-terminated, printable: a plugin string we can safely print.
bool bounded_string(const char* s, size_t max_len) {
    if (!s) return false;
    size_t n = strnlen(s, max_len + 1);
    if (n > max_len) return false;
    for (size_t i = 0; i < n; ++i)
        if (static_cast<unsigned char>(s[i]) < 0x20 || static_cast<unsigned char>(s[i]) > 0x7e)
            return false;
    return true;
}

bool valid_id_chars(const char* s, bool allow_dot) {
    for (; *s; ++s) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  (allow_dot && c == '.');
        if (!ok) return false;
    }
    return true;
}

// The owner's user private group: named after the owner, its primary group, and
// listing no other member.
bool is_private_group(uid_t uid, gid_t gid) {
    std::vector<char> buf(16384);
    struct passwd pw {};
    struct passwd* pwp = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &pwp) != 0 || !pwp) return false;
    if (pw.pw_gid != gid) return false;
    const std::string owner = pw.pw_name;
    std::vector<char> gbuf(65536);
    struct group gr {};
    struct group* grp = nullptr;
    if (getgrgid_r(gid, &gr, gbuf.data(), gbuf.size(), &grp) != 0 || !grp) return false;
    if (owner != gr.gr_name) return false;
    for (char** m = gr.gr_mem; m && *m; ++m)
        if (owner != *m) return false;
    return true;
}

std::string group_name(gid_t gid) {
    std::vector<char> buf(65536);
    struct group gr {};
    struct group* grp = nullptr;
    if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &grp) == 0 && grp) return gr.gr_name;
    return std::to_string(gid);
}

}  // namespace

std::string check_writers(const struct stat& st) {
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        return "it is owned by uid " + std::to_string(st.st_uid) + ", neither root nor the current user";
    if (st.st_mode & S_IWOTH) return "it is world-writable";
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && !is_private_group(st.st_uid, st.st_gid))
        return "it is writable by group " + group_name(st.st_gid);
    return "";
}

std::string check_elf_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot open file";
    Elf64_Ehdr h{};
    in.read(reinterpret_cast<char*>(&h), sizeof(h));
    if (in.gcount() < EI_NIDENT || std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
        return "not a plugin: not an ELF shared object";
    if (h.e_ident[EI_CLASS] != ELFCLASS64) return "not a plugin: not a 64-bit ELF object";
    if (in.gcount() < static_cast<std::streamsize>(sizeof(h)))
        return "not a plugin: truncated ELF header";
    if (h.e_type != ET_DYN) return "not a plugin: ELF file is not a shared object";
    if (h.e_machine != kHostMachine) {
        const char* name = machine_name(h.e_machine);
        const char* host = machine_name(kHostMachine);
        return std::string("wrong architecture: built for ") +
               (name ? name : "machine " + std::to_string(h.e_machine)) + ", this host is " +
               (host ? host : "unknown");
    }
    return "";
}

std::string check_descriptor(const bitnet_kp_plugin* p, std::vector<const bitnet_kp_kernel*>& kernels) {
    if (!p) return "entry returned OK but no descriptor";
    if (p->struct_size < kPluginV1Size)
        return "descriptor struct_size " + std::to_string(p->struct_size) + " is smaller than ABI 1.0's " +
               std::to_string(kPluginV1Size);
    if (p->abi_major != BITNET_KP_ABI_MAJOR)
        return "descriptor reports ABI major " + std::to_string(p->abi_major) + ", host has " +
               std::to_string(BITNET_KP_ABI_MAJOR);
    if (!bounded_string(p->name, kMaxNameLength) || !*p->name || !valid_id_chars(p->name, false))
        return "invalid plugin name (want 1-64 chars of [a-z0-9_-])";
    if (!bounded_string(p->version, kMaxNameLength)) return "invalid version string";
    if (!bounded_string(p->vendor, kMaxIdLength)) return "invalid vendor string";
    if (!p->score) return "descriptor has no score function";
    if (p->n_kernels == 0) return "plugin declares no kernels";
    if (p->n_kernels > kMaxKernels)
        return "plugin declares " + std::to_string(p->n_kernels) + " kernels (at most " +
               std::to_string(kMaxKernels) + ")";
    if (!p->kernels) return "kernel table is NULL";

    uint32_t stride = p->kernels[0].struct_size;
    if (stride < kKernelV1Size)
        return "kernel struct_size " + std::to_string(stride) + " is smaller than ABI 1.0's " +
               std::to_string(kKernelV1Size);
    std::set<std::string> ids;
    std::string prefix = std::string(p->name) + ".";
    const auto* base = reinterpret_cast<const unsigned char*>(p->kernels);
    for (uint32_t i = 0; i < p->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(base + size_t{stride} * i);
        std::string where = "kernel #" + std::to_string(i);
        if (k->struct_size != stride) return where + ": struct_size differs from kernel #0's";
        if (!k->id) return where + ": id is NULL";
        if (strnlen(k->id, kMaxIdLength + 1) > kMaxIdLength)
            return where + ": id is longer than " + std::to_string(kMaxIdLength) + " characters";
        if (!*k->id) return where + ": id is empty";
        if (!bounded_string(k->id, kMaxIdLength) || !valid_id_chars(k->id, true))
            return where + ": invalid id (want <= 128 chars of [a-z0-9_.-])";
        std::string id = k->id;
        where = "kernel " + id;
        if (id.rfind(prefix, 0) != 0 || id.size() == prefix.size())
            return where + ": id must start with '" + prefix + "'";
        if (id.find("mock") != std::string::npos) return where + ": mock kernels are not accepted";
        if (!ids.insert(id).second) return where + ": duplicate id";
        if (k->op < 1) return where + ": invalid op 0";
        if (!k->run) return where + ": run function is NULL";
        if ((k->pack == nullptr) != (k->packed_size == nullptr))
            return where + ": pack and packed_size must both be set or both be NULL";
        if (k->pack && k->op != BITNET_OP_I2S_GEMV && k->op != BITNET_OP_I2S_GEMM && k->op != BITNET_OP_I2S_GEMM_FEW)
            return where + ": only ternary matmul kernels may repack weights";
        // Ops from a later ABI minor are valid but unknown here: skip, keep the plugin.
        if (k->op <= BITNET_OP_COUNT) kernels.push_back(k);
    }
    return "";
}

}  // namespace bitnet::kernels
