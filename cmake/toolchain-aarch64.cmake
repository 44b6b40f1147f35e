# SPDX-License-Identifier: MIT
# Cross-compiling for aarch64 Linux with Debian's g++-aarch64-linux-gnu and the
# libc in libc6-arm64-cross. Binaries run on x86-64 under
#   qemu-aarch64 -L /usr/aarch64-linux-gnu <program>
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(BITNET_AARCH64_TRIPLE aarch64-linux-gnu CACHE STRING "GNU triple of the aarch64 cross tools")
set(CMAKE_C_COMPILER ${BITNET_AARCH64_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${BITNET_AARCH64_TRIPLE}-g++)
# Debian's cross g++ already searches /usr/aarch64-linux-gnu for headers and
# libraries; passing it as --sysroot (CMAKE_SYSROOT) would break that, so the
# root is only used for find_*() and as qemu's library prefix.
set(BITNET_AARCH64_SYSROOT /usr/${BITNET_AARCH64_TRIPLE} CACHE PATH "aarch64 libc root (qemu -L)")

# Look for libraries and headers only in the target root, programs only on the host.
set(CMAKE_FIND_ROOT_PATH ${BITNET_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Lets try_run and add_test run target programs through the emulator.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${BITNET_AARCH64_SYSROOT})
