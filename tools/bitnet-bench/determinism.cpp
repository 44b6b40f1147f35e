// SPDX-License-Identifier: MIT
#include "determinism.hpp"

#include <cstdlib>
#include <string>

#include "bitnet/error.hpp"

namespace bitnet::bench {

Determinism determinism_from_environment() {
    Determinism d;
    if (const char* v = std::getenv("BITNET_DETERMINISTIC"); v && *v) {
        const std::string s = v;
        if (s == "1" || s == "true" || s == "yes" || s == "on")
            d.deterministic = true;
        else if (s != "0" && s != "false" && s != "no" && s != "off")
            throw Error("BITNET_DETERMINISTIC must be 1 or 0, not '" + s + "'");
    }
    if (const char* v = std::getenv("BITNET_SEED"); v && *v) {
        char* end = nullptr;
        const unsigned long long seed = std::strtoull(v, &end, 10);
        if (*end || *v == '-') throw Error(std::string("BITNET_SEED must be an unsigned integer, not '") + v + "'");
        d.seed = seed;
    }
    return d;
}

}  // namespace bitnet::bench
