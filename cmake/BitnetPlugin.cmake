# bitnet_add_kernel_plugin(<name> ENTRY_SOURCES ... [KERNEL_SOURCES ...] [ISA_FLAGS ...])
# Builds kernel plugin <name> (e.g. cpu-avx2) as a MODULE named
# libbitnet-<name>.so. ENTRY_SOURCES are compiled with baseline flags so the
# descriptor and score can run on any CPU of the architecture; only
# KERNEL_SOURCES get ISA_FLAGS. LTO stays off so no ISA code migrates into the
# entry path.
function(bitnet_add_kernel_plugin name)
  cmake_parse_arguments(P "" "" "ENTRY_SOURCES;KERNEL_SOURCES;ISA_FLAGS" ${ARGN})
  set(target plugin-${name})
  add_library(${target} MODULE ${P_ENTRY_SOURCES} ${P_KERNEL_SOURCES})
  if(P_KERNEL_SOURCES AND P_ISA_FLAGS)
    set_source_files_properties(${P_KERNEL_SOURCES} PROPERTIES COMPILE_OPTIONS "${P_ISA_FLAGS}")
  endif()
  target_link_libraries(${target} PRIVATE bitnet_sdk)
  target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    OUTPUT_NAME "bitnet-${name}"
    LIBRARY_OUTPUT_DIRECTORY ${BITNET_PLUGIN_BUILD_DIR}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    INTERPROCEDURAL_OPTIMIZATION OFF)
  install(TARGETS ${target} LIBRARY DESTINATION ${BITNET_PLUGIN_INSTALL_DIR} COMPONENT plugins)
  set_property(GLOBAL APPEND PROPERTY BITNET_PLUGIN_TARGETS ${target})
endfunction()
