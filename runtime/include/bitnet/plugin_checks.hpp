// SPDX-License-Identifier: MIT
// Checks applied to a plugin before the host trusts it. Each returns "" when the
// thing is fine, or a one-line reason fit for --list-backends. Public so that
// bitnet-plugin-check judges a plugin by exactly the registry's rules.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <sys/stat.h>

#include <string>
#include <vector>

namespace bitnet::kernels {

// Who may change a plugin directory or file: "" when only its owner and root can
// write it and the owner is root or the current user. Otherwise the reason, e.g.
// "it is world-writable". A group-writable entry passes when the group is root's
// or the owner's private group (named after the owner, no other members), as
// Debian's umask 002 makes for users' own files.
std::string check_writers(const struct stat& st);

// Reads the ELF header: the file must be a shared object for this host's machine.
std::string check_elf_file(const std::string& path);

// Validates the descriptor and every kernel entry; on success fills kernels.
std::string check_descriptor(const bitnet_kp_plugin* plugin,
                             std::vector<const bitnet_kp_kernel*>& kernels);

}  // namespace bitnet::kernels
