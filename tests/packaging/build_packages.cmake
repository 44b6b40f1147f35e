# SPDX-License-Identifier: MIT
# Test fixture: builds the .deb and .rpm packages the way a packager would, in a
# tree of their own configured for /usr (the main build tree keeps its own
# prefix). Only the packaged targets are built, never the test suite; the rpm
# reuses the same tree, reconfigured for lib64, so only the files that embed
# the library directory are rebuilt.
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DC_COMPILER=...
#         -DCXX_COMPILER=... [-DMULTIARCH=x86_64-linux-gnu] -P build_packages.cmake
# Leaves WORK_DIR/deb/*.deb, WORK_DIR/rpm/*.rpm and WORK_DIR/log.txt.
foreach(var SOURCE_DIR WORK_DIR GENERATOR C_COMPILER CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_packages.cmake needs -D${var}=...")
  endif()
endforeach()

set(tree ${WORK_DIR}/tree)
set(log ${WORK_DIR}/log.txt)
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${log} "")

function(run)
  string(REPLACE ";" " " cmd "${ARGN}")
  file(APPEND ${log} "\n$ ${cmd}\n")
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${tree} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  file(APPEND ${log} "${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
endfunction()

function(package format libdir)
  file(MAKE_DIRECTORY ${tree})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${tree} -G ${GENERATOR}
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=${libdir}
    -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON)
  run(${CMAKE_COMMAND} --build ${tree} --target bitnet-package-contents)
  string(TOLOWER ${format} ext)
  file(REMOVE_RECURSE ${WORK_DIR}/${ext})
  file(GLOB old ${tree}/*.${ext})
  if(old)
    file(REMOVE ${old})
  endif()
  run(${CMAKE_CPACK_COMMAND} -G ${format} -B ${WORK_DIR}/${ext}-cpack)
  file(GLOB made ${WORK_DIR}/${ext}-cpack/*.${ext})
  if(NOT made)
    message(FATAL_ERROR "cpack -G ${format} made no .${ext} file (see ${log})")
  endif()
  file(MAKE_DIRECTORY ${WORK_DIR}/${ext})
  file(COPY ${made} DESTINATION ${WORK_DIR}/${ext})
endfunction()

if(MULTIARCH)
  package(DEB lib/${MULTIARCH})
else()
  package(DEB lib)
endif()
package(RPM lib64)
message(STATUS "packages in ${WORK_DIR}/deb and ${WORK_DIR}/rpm")
