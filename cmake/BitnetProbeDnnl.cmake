# SPDX-License-Identifier: MIT
# bitnet_probe_dnnl(<ok_var> <reason_var>): whether oneDNN's CMake package can be
# loaded here. CMake has no way to catch an error raised inside a package's
# config file (dnnl-config.cmake calls find_package(OpenCL REQUIRED)), so the
# package is first loaded by a child cmake on cmake/probe-dnnl. On failure
# <reason_var> holds the first line of the child's error, fit for one line.
function(bitnet_probe_dnnl ok_var reason_var)
  set(${ok_var} FALSE PARENT_SCOPE)
  # An explicit dnnl_DIR is where the user wants oneDNN from; CMake itself would
  # silently search elsewhere when it holds no config.
  if(DEFINED dnnl_DIR AND dnnl_DIR AND NOT EXISTS "${dnnl_DIR}/dnnl-config.cmake"
     AND NOT EXISTS "${dnnl_DIR}/dnnlConfig.cmake")
    set(${reason_var} "dnnl_DIR=${dnnl_DIR} holds no dnnl-config.cmake" PARENT_SCOPE)
    return()
  endif()
  # What decides how packages are found goes to the child too.
  set(args -G "${CMAKE_GENERATOR}" "-DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}"
      "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}")
  get_cmake_property(cache_vars CACHE_VARIABLES)
  foreach(v ${cache_vars})
    if(v MATCHES "^(dnnl_|DNNL_|OpenCL_|TBB_|CMAKE_PREFIX_PATH$|CMAKE_FIND_|CMAKE_DISABLE_FIND_PACKAGE_|CMAKE_TOOLCHAIN_FILE$|CMAKE_SYSROOT$)")
      list(APPEND args "-D${v}=${${v}}")
    endif()
  endforeach()
  set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/bitnet-probe-dnnl)
  file(REMOVE_RECURSE ${dir})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${CMAKE_SOURCE_DIR}/cmake/probe-dnnl -B ${dir} ${args}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    set(${ok_var} TRUE PARENT_SCOPE)
    return()
  endif()
  # The message is the indented text after "CMake Error at ...:"; keep its first
  # sentence-sized piece on one line.
  set(reason "the probe configure failed (see ${dir})")
  if(err MATCHES "CMake Error[^\n]*\n([^\n]*)")
    string(STRIP "${CMAKE_MATCH_1}" first)
    # A wrapped message continues on the following indented lines.
    string(REGEX MATCH "CMake Error[^\n]*\n(( +[^\n]+\n)+)" block "${err}")
    string(REGEX REPLACE "\n *" " " block "${CMAKE_MATCH_1}")
    string(STRIP "${block}" block)
    if(block)
      set(reason "${block}")
    elseif(first)
      set(reason "${first}")
    endif()
  endif()
  set(${reason_var} "${reason}" PARENT_SCOPE)
endfunction()
