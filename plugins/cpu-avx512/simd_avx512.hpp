// <immintrin.h> for the kernel files. GCC 12.2 (Debian 12) warns about its own
// _mm512_undefined_* helpers when AVX-512 intrinsics get inlined (GCC bug
// 105593, fixed in 12.3); the warnings point into the header, so silencing them
// for the header's lines leaves our code's warnings intact.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
