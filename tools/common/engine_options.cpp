// SPDX-License-Identifier: MIT
#include "engine_options.hpp"

#include <boost/program_options/value_semantic.hpp>
#include <string>

#include "bitnet/error.hpp"

namespace bitnet::tools {

namespace po = boost::program_options;

po::options_description engine_options_description(EngineOptions& o) {
    po::options_description desc("Engine options");
    // clang-format off
    desc.add_options()
        ("threads,t", po::value(&o.threads)->default_value(0), "threads (0: every available core)")
        ("backend", po::value(&o.backend)->default_value("auto"), "auto, or a plugin name (cpu-scalar, avx2, ...)")
        ("head-precision", po::value(&o.head_precision)->default_value("f16"), "output head: f16 (reference) or q8 (int8 per-row, faster, approximate)")
        ("no-mmap", "read the weights into huge-page memory at load instead of reading the file mapping: slower load, faster decode")
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(), "search this plugin directory first (repeatable)")
        ("allow-insecure-plugin-dir", po::bool_switch(&o.allow_insecure_plugin_dir), "also load plugins from directories and files other users can write (unsafe)")
        ("max-cpu-isa", po::value(&o.max_cpu_isa), "use no ISA above this: scalar, avx2, avx512 (overrides BITNET_MAX_CPU_ISA)");
    // clang-format on
    return desc;
}

void finish_engine_options(const po::variables_map& vm, EngineOptions& o) {
    o.use_mmap = vm.count("no-mmap") == 0;
    if (o.threads > 1024) throw Error("--threads " + std::to_string(o.threads) + " is too many");
}

}  // namespace bitnet::tools
