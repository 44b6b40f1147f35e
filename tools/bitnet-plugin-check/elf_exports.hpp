// SPDX-License-Identifier: MIT
// The symbols a shared object exports: defined, global or weak, default or
// protected visibility, read from its dynamic symbol table. The plugin ABI
// allows exactly one, the entry point.
#pragma once

#include <string>
#include <vector>

namespace bitnet::plugin_check {

struct ElfExports {
    std::vector<std::string> names;
    std::string error;  // set when the file's dynamic symbol table cannot be read
};

ElfExports read_elf_exports(const std::string& path);

}  // namespace bitnet::plugin_check
