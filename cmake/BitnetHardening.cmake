# SPDX-License-Identifier: MIT
# Sanitizer builds. BITNET_SANITIZE is a comma-separated list handed to
# -fsanitize= for every target (runtime, plugins, tools, tests):
#   cmake -S . -B build-asan -G Ninja -DBITNET_SANITIZE=address,undefined
#   cmake -S . -B build-tsan -G Ninja -DBITNET_SANITIZE=thread
# CMakePresets.json names the same builds (asan, tsan). UBSan findings abort
# the program so ctest sees them as failures, not as log noise.
set(BITNET_SANITIZE "" CACHE STRING
  "Build everything with -fsanitize=<list> (e.g. address,undefined or thread); empty = off")

if(BITNET_SANITIZE)
  if(BITNET_SANITIZE MATCHES "thread" AND BITNET_SANITIZE MATCHES "address")
    message(FATAL_ERROR "BITNET_SANITIZE: thread cannot be combined with address")
  endif()
  set(_bitnet_san_flags -fsanitize=${BITNET_SANITIZE} -fno-omit-frame-pointer)
  if(BITNET_SANITIZE MATCHES "undefined")
    list(APPEND _bitnet_san_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_bitnet_san_flags})
  add_link_options(-fsanitize=${BITNET_SANITIZE})
  message(STATUS "bitnet: sanitizers on: ${BITNET_SANITIZE}")
endif()

# Plugins are MODULEs linked with --no-undefined (cmake/BitNetSDKPlugin.cmake).
# That holds in these builds because GCC links its sanitizer runtimes (libasan,
# libubsan, libtsan) as shared libraries into every instrumented object, plugins
# included, and the host executable loads the same runtime first. (Clang would
# leave a plugin's __asan_* symbols for the executable to provide; the Clang fuzz
# build below never builds plugins.)

# libFuzzer targets (tests/fuzz). A separate Clang build: the parsers and the
# tokenizers in libbitnet get coverage instrumentation plus ASan and UBSan, and
# only the fuzz-* executables link libFuzzer's main. The ordinary build runs it
# as a sub-build from ctest (tests/fuzz/CMakeLists.txt); scripts/fuzz.sh runs
# the targets for as long as asked.
option(BITNET_FUZZ "Build the libFuzzer targets in tests/fuzz (needs Clang)" OFF)
if(BITNET_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BITNET_FUZZ needs Clang (-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang)")
  endif()
  if(BITNET_SANITIZE)
    message(FATAL_ERROR "BITNET_FUZZ brings its own sanitizers; leave BITNET_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
