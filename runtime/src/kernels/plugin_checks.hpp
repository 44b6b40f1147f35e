// Checks applied to a plugin before the host trusts it. Each returns "" when the
// thing is fine, or a one-line reason fit for --list-backends.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <string>
#include <vector>

namespace bitnet::kernels {

// Reads the ELF header: the file must be a shared object for this host's machine.
std::string check_elf_file(const std::string& path);

// Validates the descriptor and every kernel entry; on success fills kernels.
std::string check_descriptor(const bitnet_kp_plugin* plugin,
                             std::vector<const bitnet_kp_kernel*>& kernels);

}  // namespace bitnet::kernels
