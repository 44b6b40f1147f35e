// SPDX-License-Identifier: MIT
#include "elf_exports.hpp"

#include <elf.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace bitnet::plugin_check {
namespace {

constexpr size_t kMaxFileBytes = size_t{1} << 30;

// A copy of T at offset, or false when it does not fit in the file.
template <typename T>
bool read_at(const std::vector<char>& bytes, uint64_t offset, T& out) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, bytes.data() + offset, sizeof(T));
    return true;
}

}  // namespace

ElfExports read_elf_exports(const std::string& path) {
    ElfExports result;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        result.error = "cannot open " + path;
        return result;
    }
    in.seekg(0, std::ios::end);
    const auto size = static_cast<size_t>(in.tellg());
    if (size > kMaxFileBytes) {
        result.error = "file is larger than 1 GiB";
        return result;
    }
    in.seekg(0);
    std::vector<char> bytes(size);
    in.read(bytes.data(), static_cast<std::streamsize>(size));

    Elf64_Ehdr header{};
    if (!read_at(bytes, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
        header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_shentsize != sizeof(Elf64_Shdr)) {
        result.error = "not a 64-bit ELF file with section headers";
        return result;
    }
    std::vector<Elf64_Shdr> sections(header.e_shnum);
    for (size_t i = 0; i < sections.size(); ++i) {
        if (!read_at(bytes, header.e_shoff + i * sizeof(Elf64_Shdr), sections[i])) {
            result.error = "section header table runs past the end of the file";
            return result;
        }
    }
    for (const auto& section : sections) {
        if (section.sh_type != SHT_DYNSYM) continue;
        if (section.sh_link >= sections.size() || section.sh_entsize != sizeof(Elf64_Sym)) {
            result.error = "malformed dynamic symbol table";
            return result;
        }
        const Elf64_Shdr& strings = sections[section.sh_link];
        for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= section.sh_size; off += sizeof(Elf64_Sym)) {
            Elf64_Sym sym{};
            if (!read_at(bytes, section.sh_offset + off, sym)) {
                result.error = "dynamic symbol table runs past the end of the file";
                return result;
            }
            const unsigned bind = ELF64_ST_BIND(sym.st_info);
            const unsigned visibility = ELF64_ST_VISIBILITY(sym.st_other);
            const bool exported = sym.st_shndx != SHN_UNDEF && sym.st_name != 0 &&
                                  (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) &&
                                  (visibility == STV_DEFAULT || visibility == STV_PROTECTED);
            if (!exported) continue;
            if (sym.st_name >= strings.sh_size || strings.sh_offset + sym.st_name >= bytes.size()) {
                result.error = "symbol name outside the string table";
                return result;
            }
            const char* name = bytes.data() + strings.sh_offset + sym.st_name;
            const size_t max_len = std::min<uint64_t>(strings.sh_size - sym.st_name,
                                                      bytes.size() - (strings.sh_offset + sym.st_name));
            result.names.emplace_back(name, strnlen(name, max_len));
        }
        return result;
    }
    result.error = "no dynamic symbol table";
    return result;
}

}  // namespace bitnet::plugin_check
