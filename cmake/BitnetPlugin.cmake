# The in-tree plugins use the very helper the BitNetSDK package installs for
# third-party plugins: bitnet_add_kernel_plugin() lives in BitNetSDKPlugin.cmake.
# Here the build tree's directories are its defaults (BITNET_PLUGIN_BUILD_DIR,
# BITNET_PLUGIN_INSTALL_DIR, set by the top-level CMakeLists.txt) and
# BitNetSDK::sdk is an alias of bitnet_sdk (sdk/CMakeLists.txt).
include(${CMAKE_CURRENT_LIST_DIR}/BitNetSDKPlugin.cmake)
