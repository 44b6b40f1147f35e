# SPDX-License-Identifier: MIT
# bitnet_add_kernel_plugin(<name>
#     ENTRY_SOURCES <file>...
#     [KERNEL_SOURCES <file>...]
#     [ISA_FLAGS <flag>...]
#     [OUTPUT_DIRECTORY <dir>]
#     [INSTALL_DESTINATION <dir> | NO_INSTALL]
#     [COMPONENT <component>])
#
# Builds kernel plugin <name> (for example cpu-avx2 or acme-gemv) as the CMake
# target plugin-<name>, a MODULE library named libbitnet-<name>.so.
#
# One implementation serves the bitnet-runtime tree and, installed as part of the
# BitNetSDK CMake package, third-party plugin projects, so both get the rules the
# host relies on:
#  - ENTRY_SOURCES (the file defining bitnet_kernel_plugin_entry and score) are
#    compiled with the project's baseline flags and -fno-lto: the host calls them
#    on any CPU of the architecture, so they must not contain ISA-specific code.
#  - Only KERNEL_SOURCES get ISA_FLAGS, and link-time optimisation stays off so no
#    ISA code migrates into the entry path.
#  - Symbols are hidden by default (the entry point exports itself with
#    BITNET_KP_EXPORT) and the module links with --no-undefined, so a missing
#    symbol fails the build instead of the host's dlopen.
#
# The module links BitNetSDK::sdk, or the target named by BITNET_SDK_TARGET when
# set (the source tree's bitnet_sdk). Defaults come from variables the caller may
# set: BITNET_PLUGIN_BUILD_DIR (where the .so is written),
# BITNET_PLUGIN_INSTALL_DIR (install destination, relative to the install prefix)
# and BITNET_PLUGIN_COMPONENT (install component, "plugins" when unset). The
# BitNetSDK package sets BITNET_PLUGIN_INSTALL_DIR to the directory its runtime
# searches.
include_guard(GLOBAL)

function(bitnet_add_kernel_plugin name)
  cmake_parse_arguments(P "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION;COMPONENT"
    "ENTRY_SOURCES;KERNEL_SOURCES;ISA_FLAGS" ${ARGN})
  if(P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "bitnet_add_kernel_plugin(${name}): unknown arguments ${P_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT name MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "bitnet_add_kernel_plugin: plugin name '${name}' must use only [a-z0-9_-], "
      "the characters the host accepts in a descriptor name")
  endif()
  if(NOT P_ENTRY_SOURCES)
    message(FATAL_ERROR "bitnet_add_kernel_plugin(${name}): ENTRY_SOURCES is required")
  endif()
  if(P_ISA_FLAGS AND NOT P_KERNEL_SOURCES)
    message(FATAL_ERROR "bitnet_add_kernel_plugin(${name}): ISA_FLAGS given without KERNEL_SOURCES; "
      "entry sources never get ISA flags")
  endif()
  foreach(src ${P_ENTRY_SOURCES})
    if(src IN_LIST P_KERNEL_SOURCES)
      message(FATAL_ERROR "bitnet_add_kernel_plugin(${name}): ${src} is listed both as an entry and a kernel source")
    endif()
  endforeach()

  set(target plugin-${name})
  add_library(${target} MODULE ${P_ENTRY_SOURCES} ${P_KERNEL_SOURCES})
  set_source_files_properties(${P_ENTRY_SOURCES} TARGET_DIRECTORY ${target}
    PROPERTIES COMPILE_OPTIONS "-fno-lto")
  if(P_KERNEL_SOURCES AND P_ISA_FLAGS)
    set_source_files_properties(${P_KERNEL_SOURCES} TARGET_DIRECTORY ${target}
      PROPERTIES COMPILE_OPTIONS "${P_ISA_FLAGS}")
  endif()
  set(sdk_target BitNetSDK::sdk)
  if(BITNET_SDK_TARGET)
    set(sdk_target ${BITNET_SDK_TARGET})
  endif()
  target_link_libraries(${target} PRIVATE ${sdk_target})
  # libc is recorded as needed even when a kernel-only plugin calls none of it
  # (--as-needed would drop it): distributions check shared objects for it.
  target_link_options(${target} PRIVATE "LINKER:--no-undefined"
    "LINKER:--push-state,--no-as-needed,-lc,--pop-state")
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "bitnet-${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INTERPROCEDURAL_OPTIMIZATION OFF)

  if(NOT P_OUTPUT_DIRECTORY AND DEFINED BITNET_PLUGIN_BUILD_DIR)
    set(P_OUTPUT_DIRECTORY ${BITNET_PLUGIN_BUILD_DIR})
  endif()
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIRECTORY})
  endif()

  if(NOT P_INSTALL_DESTINATION AND DEFINED BITNET_PLUGIN_INSTALL_DIR)
    set(P_INSTALL_DESTINATION ${BITNET_PLUGIN_INSTALL_DIR})
  endif()
  if(NOT P_COMPONENT)
    set(P_COMPONENT plugins)
    if(DEFINED BITNET_PLUGIN_COMPONENT)
      set(P_COMPONENT ${BITNET_PLUGIN_COMPONENT})
    endif()
  endif()
  if(P_INSTALL_DESTINATION AND NOT P_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${P_INSTALL_DESTINATION} COMPONENT ${P_COMPONENT})
  endif()
  set_property(GLOBAL APPEND PROPERTY BITNET_PLUGIN_TARGETS ${target})
endfunction()
