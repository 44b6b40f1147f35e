// SPDX-License-Identifier: MIT
// The cpu-avx2 plugin describes itself honestly: it scores 0 on a host without
// any one of AVX2, FMA and F16C (so it is never chosen where its kernels would
// fault), every kernel declares those features, ids follow the naming rule, and
// only the entry symbol is exported.
#define BOOST_TEST_MODULE avx2_plugin_abi
#include <bitnet/kernel_plugin.h>
#include <dlfcn.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <memory>
#include <regex>
#include <set>
#include <string>

namespace {

const std::string kPluginPath = std::string(BITNET_TEST_PLUGIN_DIR) + "/libbitnet-cpu-avx2.so";

constexpr uint64_t kAvx2Set =
    BITNET_CPU_X86_64 | BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C;

bitnet_kp_host make_host(uint64_t features) {
    return bitnet_kp_host{
        sizeof(bitnet_kp_host), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR, features, "test", "0"};
}

// Only the entry point and score run here, never a kernel, so this works on any
// x86-64 CPU.
const bitnet_kp_plugin* describe() {
    void* handle = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);  // stays loaded
    BOOST_TEST_REQUIRE(handle != nullptr, "dlopen " << kPluginPath << ": " << dlerror());
    auto entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
    BOOST_TEST_REQUIRE(entry != nullptr);
    const bitnet_kp_host host = make_host(0);
    const bitnet_kp_plugin* plugin = nullptr;
    BOOST_TEST_REQUIRE(entry(&host, &plugin) == BITNET_KP_OK);
    BOOST_TEST_REQUIRE(plugin != nullptr);
    return plugin;
}

}  // namespace

BOOST_AUTO_TEST_CASE(scores_zero_unless_every_required_feature_is_usable) {
    const bitnet_kp_plugin* plugin = describe();
    BOOST_TEST(std::string(plugin->name) == "cpu-avx2");
    BOOST_TEST(plugin->required_features == kAvx2Set);
    const bitnet_kp_host full = make_host(kAvx2Set | BITNET_CPU_SSE42);
    BOOST_TEST(plugin->score(&full) > 1u, "must beat cpu-scalar's 1");
    for (uint64_t bit : {BITNET_CPU_AVX, BITNET_CPU_AVX2, BITNET_CPU_FMA, BITNET_CPU_F16C}) {
        const bitnet_kp_host lacking = make_host(kAvx2Set & ~bit);
        BOOST_TEST(plugin->score(&lacking) == 0u, "score without feature bit " << std::hex << bit);
    }
    BOOST_TEST(plugin->score(nullptr) == 0u);
    bitnet_kp_host other_major = full;
    other_major.abi_major = BITNET_KP_ABI_MAJOR + 1;
    BOOST_TEST(plugin->score(&other_major) == 0u);
    bitnet_kp_host truncated = full;
    truncated.struct_size = 8;  // ends before cpu_features
    BOOST_TEST(plugin->score(&truncated) == 0u);
}

BOOST_AUTO_TEST_CASE(every_kernel_names_its_op_and_isa_and_requires_the_compiled_features) {
    const bitnet_kp_plugin* plugin = describe();
    const std::regex id_form("cpu-avx2\\.([a-z0-9_]+)\\.[a-z0-9_]+\\.avx2[a-z0-9]*");
    const std::set<uint32_t> expected_ops = {BITNET_OP_I2S_GEMV,     BITNET_OP_I2S_GEMM,   BITNET_OP_QUANTIZE_I8,
                                             BITNET_OP_F16_MATMUL,   BITNET_OP_RMSNORM,    BITNET_OP_ATTENTION,
                                             BITNET_OP_I2S_GEMM_FEW, BITNET_OP_SILU_GATE,  BITNET_OP_I2S_BLOCK_MATMUL,
                                             BITNET_OP_Q8_0_MATMUL,  BITNET_OP_Q6_K_MATMUL, BITNET_OP_QUANTIZE_ROWS_Q8};
    const std::set<std::string> expected_op_names = {"i2s_gemv",     "i2s_gemm",  "quantize_i8",     "f16_matmul",
                                                     "rmsnorm",      "attention", "i2s_gemm_few",    "silu_gate",
                                                     "i2s_block_matmul", "q8_0_matmul", "q6_k_matmul",
                                                     "quantize_rows_q8"};
    const uint32_t stride = plugin->kernels[0].struct_size;
    BOOST_TEST(stride == sizeof(bitnet_kp_kernel));
    std::set<uint32_t> ops;
    std::set<std::string> op_names;
    for (uint32_t i = 0; i < plugin->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(
            reinterpret_cast<const char*>(plugin->kernels) + size_t{i} * stride);
        std::cmatch m;
        BOOST_TEST_REQUIRE(std::regex_match(k->id, m, id_form), "kernel id " << k->id);
        op_names.insert(m[1]);
        BOOST_TEST(k->required_features == kAvx2Set, k->id);
        BOOST_TEST(k->run != nullptr, k->id);
        BOOST_TEST((k->packed_size == nullptr) == (k->pack == nullptr), k->id);
        ops.insert(k->op);
    }
    BOOST_TEST(ops == expected_ops);
    BOOST_TEST(op_names == expected_op_names);
}

BOOST_AUTO_TEST_CASE(exports_only_the_entry_symbol) {
    const std::string cmd = "nm -D --defined-only " + kPluginPath + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    BOOST_TEST_REQUIRE(pipe != nullptr);
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, pipe.get()) != nullptr) out += buf;
    const std::regex line("[0-9a-f]+ [A-Za-z] (\\S+)");
    std::set<std::string> names;
    for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) names.insert((*it)[1]);
    BOOST_TEST(names == std::set<std::string>{BITNET_KP_ENTRY_SYMBOL}, "nm output:\n" << out);
}

// The entry point and score run on CPUs without AVX, so their machine code must
// hold no VEX-encoded instruction (every AVX/AVX2/FMA/F16C instruction is one).
BOOST_AUTO_TEST_CASE(entry_and_score_contain_no_avx_instruction) {
    const std::string cmd = "objdump -d --no-show-raw-insn -C " + kPluginPath + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    BOOST_TEST_REQUIRE(pipe != nullptr);
    const std::regex function_start("[0-9a-f]+ <(.*)>:\n");
    const std::regex vex_insn("^\\s*[0-9a-f]+:\\s+(v[a-z0-9]+)\\s.*\n");
    std::string current;
    std::set<std::string> checked;
    char buf[1024];
    while (fgets(buf, sizeof buf, pipe.get()) != nullptr) {
        const std::string line = buf;
        std::smatch m;
        if (std::regex_match(line, m, function_start)) {
            current = m[1];
            continue;
        }
        const bool baseline = current == BITNET_KP_ENTRY_SYMBOL ||
                              current.find("score(bitnet_kp_host const*)") != std::string::npos;
        if (!baseline) continue;
        checked.insert(current);
        BOOST_TEST(!std::regex_match(line, m, vex_insn), current << " contains " << line);
    }
    BOOST_TEST(checked.size() == 2u, "functions found: " << checked.size());
}
