# SPDX-License-Identifier: MIT
# Test fixture: installs the dev component of this build tree into a fresh
# prefix and builds the SDK example installed there as an out-of-tree project,
# the way a plugin author would.
#   cmake -DBUILD_DIR=... -DWORK_DIR=... -DGENERATOR=... -DC_COMPILER=... -P build_example.cmake
foreach(var BUILD_DIR WORK_DIR GENERATOR C_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_example.cmake needs -D${var}=...")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --component dev --prefix ${prefix})
file(GLOB_RECURSE example_lists ${prefix}/CMakeLists.txt)
list(FILTER example_lists INCLUDE REGEX "/examples/gemv-k2560/CMakeLists.txt$")
if(NOT example_lists)
  message(FATAL_ERROR "the dev component installed no examples/gemv-k2560 under ${prefix}")
endif()
list(GET example_lists 0 example_lists)
get_filename_component(example_src ${example_lists} DIRECTORY)
run(${CMAKE_COMMAND} -S ${example_src} -B ${WORK_DIR}/build -G ${GENERATOR}
  -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
message(STATUS "example plugin built in ${WORK_DIR}/build/plugins")
