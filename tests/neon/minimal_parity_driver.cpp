// A minimal kernel parity driver for the cross build: plain C++, dlopen and the
// C ABI only (no Boost, no runtime), so it runs under qemu-aarch64. Stand-in
// until the generic suite's driver (tests/kernels/parity) cross-builds; same
// command line and output format:
//   minimal-parity-driver --plugin-dir DIR
// loads DIR/libbitnet-cpu-scalar.so as the reference and every other lib*.so in
// DIR, runs every kernel the CPU can run on the cases of its op against the
// reference kernel, and prints "PASS|FAIL|SKIP <kernel id> ..." lines and a
// closing "N passed, N failed, N skipped". Exit 1 on any failure, 2 on bad use.
#include <bitnet/kernel_plugin.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "minimal_parity_cases.hpp"

namespace {

using bitnet::neon_test::CaseResult;

uint64_t detect_features() {
#if defined(__aarch64__)
    const unsigned long hw = getauxval(AT_HWCAP);
    uint64_t f = BITNET_CPU_AARCH64;
    if (hw & HWCAP_ASIMD) f |= BITNET_CPU_NEON;
    if (hw & HWCAP_ASIMDDP) f |= BITNET_CPU_ASIMDDP;
    if ((hw & HWCAP_FPHP) && (hw & HWCAP_ASIMDHP)) f |= BITNET_CPU_FP16;
    return f;
#elif defined(__x86_64__)
    // libgcc's checks include the OS (XCR0) state for the AVX families.
    uint64_t f = BITNET_CPU_X86_64;
    if (__builtin_cpu_supports("sse4.2")) f |= BITNET_CPU_SSE42;
    if (__builtin_cpu_supports("avx")) f |= BITNET_CPU_AVX;
    if (__builtin_cpu_supports("avx2")) f |= BITNET_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= BITNET_CPU_FMA;
    if (__builtin_cpu_supports("f16c")) f |= BITNET_CPU_F16C;
    return f;
#else
    return 0;
#endif
}

struct Plugin {
    std::string path;
    const bitnet_kp_plugin* desc = nullptr;
    uint32_t score = 0;
    const bitnet_kp_kernel* kernel(uint32_t i) const {
        return reinterpret_cast<const bitnet_kp_kernel*>(reinterpret_cast<const char*>(desc->kernels) +
                                                         size_t{i} * desc->kernels[0].struct_size);
    }
};

// Loads one plugin; the library stays loaded for the life of the process.
bool load(const std::string& path, uint64_t features, Plugin& out, std::string& error) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return error = dlerror(), false;
    auto entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
    if (!entry) return error = "no entry symbol", false;
    const bitnet_kp_host host{sizeof(bitnet_kp_host),  BITNET_KP_ABI_MAJOR,
                              BITNET_KP_ABI_MINOR,     features,
                              "minimal-parity-driver", "0"};
    out.path = path;
    if (entry(&host, &out.desc) != BITNET_KP_OK || !out.desc) return error = "entry point failed", false;
    if (out.desc->n_kernels == 0) return error = "no kernels", false;
    out.score = out.desc->score(&host);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--plugin-dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s --plugin-dir DIR\n", argv[0]);
            return 2;
        }
    }
    if (dir.empty()) {
        std::fprintf(stderr, "usage: %s --plugin-dir DIR\n", argv[0]);
        return 2;
    }
    const uint64_t features = detect_features();
    std::printf("cpu features: 0x%llx\n", static_cast<unsigned long long>(features));

    std::vector<std::string> paths;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("lib", 0) == 0 && name.size() > 3 && name.ends_with(".so")) paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    Plugin reference;
    std::vector<Plugin> plugins;
    int failed = 0, passed = 0, skipped = 0;
    for (const std::string& path : paths) {
        Plugin p;
        std::string error;
        if (!load(path, features, p, error)) {
            std::printf("BROKEN plugin %s: %s\n", path.c_str(), error.c_str());
            ++failed;
            continue;
        }
        std::printf("plugin %s (%s): score %u, %u kernels\n", p.desc->name, path.c_str(), p.score,
                    p.desc->n_kernels);
        if (std::strcmp(p.desc->name, "cpu-scalar") == 0) {
            reference = p;
        } else {
            plugins.push_back(p);
        }
    }
    if (!reference.desc) {
        std::printf("BROKEN no cpu-scalar plugin in %s\n", dir.c_str());
        return 1;
    }

    for (const Plugin& p : plugins) {
        for (uint32_t i = 0; i < p.desc->n_kernels; ++i) {
            const bitnet_kp_kernel& k = *p.kernel(i);
            const uint64_t missing = k.required_features & ~features;
            if (p.score == 0 || missing) {
                std::printf("SKIP %s: %s\n", k.id,
                            p.score == 0 ? "plugin scores 0 on this CPU" : "CPU lacks a required feature");
                ++skipped;
                continue;
            }
            const bitnet_kp_kernel* ref = nullptr;
            for (uint32_t j = 0; j < reference.desc->n_kernels && !ref; ++j)
                if (reference.kernel(j)->op == k.op) ref = reference.kernel(j);
            if (!ref) {
                std::printf("SKIP %s: cpu-scalar has no kernel for op %u\n", k.id, k.op);
                ++skipped;
                continue;
            }
            const CaseResult r = bitnet::neon_test::run_op_cases(k.op, *ref, k);
            if (r.cases == 0) {
                std::printf("SKIP %s: no cases for op %u\n", k.id, k.op);
                ++skipped;
            } else if (r.failure.empty()) {
                std::printf("PASS %s (%d cases)\n", k.id, r.cases);
                ++passed;
            } else {
                std::printf("FAIL %s (%d cases): %s\n", k.id, r.cases, r.failure.c_str());
                ++failed;
            }
            std::fflush(stdout);
        }
    }
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed > 0 ? 1 : 0;
}
