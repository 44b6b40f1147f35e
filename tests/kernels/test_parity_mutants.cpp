// SPDX-License-Identifier: MIT
// The parity suite catches what it claims to: a test-only plugin whose kernels
// each carry one deliberate bug must fail with the right reason, its harmless
// kernel must pass, and its kernel for a feature no CPU has must be skipped
// (and never called: it aborts).
#define BOOST_TEST_MODULE parity_mutants
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "cpu_features.hpp"
#include "parity_core.hpp"

namespace bp = bitnet::parity;

namespace {

struct Expectation {
    bp::Verdict verdict;
    std::string detail_contains;
};

std::map<std::string, bp::KernelVerdict> run_all() {
    const uint64_t cpu = bp::detect_cpu_features();
    bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, cpu);
    bp::PluginSet mutants = bp::load_plugins(BITNET_TEST_MUTANT_DIR, cpu);
    BOOST_TEST_REQUIRE(mutants.errors.empty());
    BOOST_TEST_REQUIRE(mutants.plugins.size() == 1u);
    // Only the reference and the mutant: other plugins have their own test.
    bp::PluginSet both;
    both.plugins.push_back(*bp::find_plugin(set, bp::kReferencePlugin));
    both.plugins.push_back(mutants.plugins.front());
    std::map<std::string, bp::KernelVerdict> out;
    bp::ParityOptions options;
    options.level = bp::Level::kQuick;
    for (const bp::OpSpec& spec : bp::op_specs()) {
        for (const bp::KernelVerdict& v : bp::run_op_parity(both, cpu, spec, options)) out[v.kernel_id] = v;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_deliberate_bug_is_reported_with_its_cause) {
    const std::map<std::string, Expectation> expected = {
        {"cpu-mutant.i2s_gemv.i8.code3_as_plus2", {bp::Verdict::kFailed, "codes=with-code-3"}},
        {"cpu-mutant.i2s_gemm.i8.ignores_ldy", {bp::Verdict::kFailed, "wrote outside y's rows"}},
        {"cpu-mutant.quantize_i8.f32.half_away", {bp::Verdict::kFailed, "differs from cpu-scalar"}},
        {"cpu-mutant.add.f32.tile_overrun", {bp::Verdict::kFailed, "depends on the row split"}},
        {"cpu-mutant.rope_neox.f32.pow_theta", {bp::Verdict::kFailed, "out of tolerance"}},
        {"cpu-mutant.f16_matmul.f32.rows_backwards", {bp::Verdict::kPassed, ""}},
        {"cpu-mutant.attention.f16kv.ignores_q_flag", {bp::Verdict::kFailed, "not bitwise equal"}},
        {"cpu-mutant.attention.f16kv.ignores_p_flag", {bp::Verdict::kFailed, "not bitwise equal"}},
        {"cpu-mutant.attention.f16kv.reordered", {bp::Verdict::kFailed, "not bitwise equal"}},
        {"cpu-mutant.attention.f16kv.unknown_isa", {bp::Verdict::kSkipped, "CPU lacks"}},
    };
    const auto got = run_all();
    for (const auto& [id, want] : expected) {
        const auto it = got.find(id);
        BOOST_TEST_REQUIRE((it != got.end()), "no verdict for " << id);
        const bp::KernelVerdict& v = it->second;
        BOOST_TEST((v.verdict == want.verdict),
                   id << ": got " << bp::verdict_name(v.verdict) << " (" << v.detail << "), want "
                      << bp::verdict_name(want.verdict));
        BOOST_TEST(v.detail.find(want.detail_contains) != std::string::npos,
                   id << ": detail '" << v.detail << "' lacks '" << want.detail_contains << "'");
    }
}

BOOST_AUTO_TEST_CASE(the_reference_passes_its_own_split_checks) {
    for (const auto& [id, v] : run_all()) {
        if (id.rfind("cpu-scalar.", 0) != 0) continue;
        BOOST_TEST((v.verdict == bp::Verdict::kPassed), id << ": " << v.detail);
    }
}
