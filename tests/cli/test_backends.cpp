// SPDX-License-Identifier: MIT
// Backend choice as a user drives it: auto takes the best ISA this CPU has,
// --max-cpu-isa / BITNET_MAX_CPU_ISA only lower it (the option wins), and a
// forced backend the ceiling excludes fails with a reason.
#define BOOST_TEST_MODULE cli_backends
#include <boost/test/unit_test.hpp>
#include <regex>

#include "bitnet/cpu_features.hpp"
#include "bitnet/kernel_plugin.h"
#include "run_command.hpp"

namespace {

using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

bool cpu_has(uint64_t bits) { return (bitnet::kernels::detect_cpu().usable & bits) == bits; }
const uint64_t kAvx2 = BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C;
const uint64_t kAvx512Vnni = kAvx2 | BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL |
                             BITNET_CPU_AVX512VNNI;

struct NeedsCpu {
    uint64_t bits;
    const char* what;
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result r(cpu_has(bits));
        if (!r) r.message() << "skipped: this CPU lacks " << what;
        return r;
    }
};

std::string kernel_line(const std::string& listing, const std::string& op) {
    auto pos = listing.find("  " + op + ": ");
    if (pos == std::string::npos) return "";
    return listing.substr(pos, listing.find('\n', pos) - pos);
}

const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="};

}  // namespace

BOOST_AUTO_TEST_CASE(simd_plugins_load_with_scores, *boost::unit_test::precondition(NeedsCpu{kAvx512Vnni, "AVX-512 VNNI"})) {
    auto r = run_command(kRun, {"--list-backends"}, kCleanEnv);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    for (const char* name : {"cpu-scalar 0.1.0", "cpu-avx2 ", "cpu-avx512 "})
        BOOST_TEST(r.out.find(std::string("  ") + name) != std::string::npos, name << " not loaded:\n" << r.out);
}

// The score a loaded plugin printed in the listing, or 0 when it is absent or rejected.
unsigned listed_score(const std::string& listing, const std::string& plugin) {
    std::smatch m;
    const std::regex line("\\n  " + plugin + " [^ ]+ \\([^)]*\\) score ([0-9]+),");
    return std::regex_search(listing, m, line) ? static_cast<unsigned>(std::stoul(m[1])) : 0;
}

// cpu-onednn only outscores cpu-avx512 where oneDNN has AMX int8 tiles; then it
// takes the GEMM (its only op) and decode stays on cpu-avx512.
BOOST_AUTO_TEST_CASE(auto_picks_avx512_vnni_for_gemv_and_the_best_scored_gemm,
                     *boost::unit_test::precondition(NeedsCpu{kAvx512Vnni, "AVX-512 VNNI"})) {
    auto r = run_command(kRun, {"--list-backends"}, kCleanEnv);
    BOOST_TEST(kernel_line(r.out, "i2s_gemv").find("cpu-avx512.i2s_gemv.") != std::string::npos, r.out);
    const bool onednn_wins = listed_score(r.out, "cpu-onednn") > listed_score(r.out, "cpu-avx512");
    const std::string gemm = onednn_wins ? "cpu-onednn.i2s_gemm." : "cpu-avx512.i2s_gemm.";
    BOOST_TEST(kernel_line(r.out, "i2s_gemm").find(gemm) != std::string::npos, "expected " << gemm << "\n" << r.out);
}

BOOST_AUTO_TEST_CASE(max_cpu_isa_avx2_makes_auto_choose_avx2,
                     *boost::unit_test::precondition(NeedsCpu{kAvx2, "AVX2"})) {
    for (const auto& how : {std::vector<std::string>{"--max-cpu-isa", "avx2"}, std::vector<std::string>{}}) {
        std::vector<std::string> args{"--list-backends"};
        args.insert(args.end(), how.begin(), how.end());
        std::vector<std::string> env{"BITNET_PLUGIN_PATH="};
        env.push_back(how.empty() ? "BITNET_MAX_CPU_ISA=avx2" : "BITNET_MAX_CPU_ISA=");
        auto r = run_command(kRun, args, env);
        BOOST_REQUIRE_EQUAL(r.exit_code, 0);
        BOOST_TEST(kernel_line(r.out, "i2s_gemv").find("cpu-avx2.i2s_gemv.") != std::string::npos, r.out);
        const bool avx512_absent_or_rejected = r.out.find("cpu-avx512") == std::string::npos ||
                                               r.out.find("(cpu-avx512): cannot run here") != std::string::npos;
        BOOST_TEST(avx512_absent_or_rejected, r.out);
    }
}

BOOST_AUTO_TEST_CASE(option_beats_environment, *boost::unit_test::precondition(NeedsCpu{kAvx512Vnni, "AVX-512 VNNI"})) {
    auto r = run_command(kRun, {"--list-backends", "--max-cpu-isa", "avx512"},
                         {"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA=scalar"});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(kernel_line(r.out, "i2s_gemv").find("cpu-avx512.") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(forced_avx512_under_an_avx2_ceiling_fails_clearly,
                     *boost::unit_test::precondition(NeedsCpu{kAvx512Vnni, "AVX-512 VNNI"})) {
    auto r = run_command(kRun, {"-m", kModel, "-p", "Once", "-n", "4", "--backend", "avx512"},
                         {"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA=avx2"});
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: backend cpu-avx512 cannot be used: cannot run here") == 0, r.err);
}

BOOST_AUTO_TEST_CASE(unknown_isa_level_is_an_error) {
    auto r = run_command(kRun, {"--list-backends", "--max-cpu-isa", "avx1024"}, kCleanEnv);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: unknown CPU ISA level 'avx1024'") == 0, r.err);
}

BOOST_AUTO_TEST_CASE(chat_answers_each_stdin_line_in_one_session) {
    const std::string input = "Tell me about a cat.\nWhat did it do next?\n";
    auto r = run_command(kRun, {"-m", kModel, "--chat", "--temp", "0", "-n", "12", "--system", "Be kind."},
                         kCleanEnv, &input);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    // One reply line per turn, and both turns' prompts counted in one context.
    BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') >= 2);
    BOOST_TEST(r.err.find("generation ") != std::string::npos);
}
