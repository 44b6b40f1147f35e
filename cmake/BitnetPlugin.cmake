# SPDX-License-Identifier: MIT
# The in-tree plugins use the very helper the BitNetSDK package installs for
# third-party plugins: bitnet_add_kernel_plugin() lives in BitNetSDKPlugin.cmake.
# Here plugins link the tree's header target bitnet_sdk (defined in sdk/, or by
# a standalone project such as tests/neon/cross) and the build tree's
# directories are the defaults (BITNET_PLUGIN_BUILD_DIR, BITNET_PLUGIN_INSTALL_DIR).
set(BITNET_SDK_TARGET bitnet_sdk)
include(${CMAKE_CURRENT_LIST_DIR}/BitNetSDKPlugin.cmake)
