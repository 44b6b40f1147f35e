// SPDX-License-Identifier: MIT
// Every kernel of every plugin in the build's plugin directory that can run on
// this CPU gives cpu-scalar's results (bitwise for integer-derived ops, within
// the bound each case states otherwise) and the same results for any row split.
// Kernels for an ISA this CPU lacks are reported as skipped.
#define BOOST_TEST_MODULE kernel_parity
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <iostream>

#include "cpu_features.hpp"
#include "parity_core.hpp"

namespace bp = bitnet::parity;

namespace {

struct Loaded {
    uint64_t cpu = bp::detect_cpu_features();
    bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, cpu);
};

const Loaded& loaded() {
    static const Loaded l;
    return l;
}

std::vector<uint32_t> all_ops() {
    std::vector<uint32_t> ops;
    for (const bp::OpSpec& s : bp::op_specs()) ops.push_back(s.op);
    return ops;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_plugin_in_the_build_loads_and_cpu_scalar_is_among_them) {
    const Loaded& l = loaded();
    BOOST_TEST_MESSAGE("cpu features: " << bp::feature_names(l.cpu));
    for (const auto& note : l.set.not_for_here) BOOST_TEST_MESSAGE("skipped plugin " << note);
    for (const auto& err : l.set.errors) BOOST_TEST_ERROR("broken plugin " << err);
    BOOST_TEST(bp::find_plugin(l.set, bp::kReferencePlugin) != nullptr);
}

BOOST_AUTO_TEST_CASE(every_op_a_plugin_implements_has_parity_cases) {
    for (const std::string& k : bp::kernels_without_cases(loaded().set)) {
        BOOST_TEST_ERROR("kernel " << k << " has no parity cases: add a row to op_specs()");
    }
}

BOOST_DATA_TEST_CASE(kernels_match_cpu_scalar_and_ignore_the_row_split, boost::unit_test::data::make(all_ops()),
                     op) {
    const Loaded& l = loaded();
    const bp::OpSpec* spec = bp::find_op_spec(op);
    BOOST_TEST_REQUIRE(spec != nullptr);
    int compared = 0, skipped = 0;
    for (const bp::KernelVerdict& v : bp::run_op_parity(l.set, l.cpu, *spec, bp::ParityOptions{})) {
        switch (v.verdict) {
            case bp::Verdict::kPassed:
                ++compared;
                BOOST_TEST_MESSAGE("PASS " << v.kernel_id << " (" << v.cases << " cases)");
                break;
            case bp::Verdict::kSkipped:
                // Printed at every log level: a skipped ISA must be visible.
                ++skipped;
                std::cout << "SKIPPED " << v.kernel_id << ": " << v.detail << std::endl;
                break;
            case bp::Verdict::kFailed:
                ++compared;
                BOOST_TEST_ERROR(v.kernel_id << ": " << v.detail);
                break;
        }
    }
    std::cout << spec->name << ": " << compared << " kernels checked, " << skipped << " skipped" << std::endl;
    BOOST_TEST(compared >= 1, "not even the reference kernel ran for " << spec->name);
}
