// SPDX-License-Identifier: MIT
// cpu-onednn's threading contract: the host's pool already splits the rows, so
// its GEMM must run oneDNN on the calling thread alone (no OpenMP team of its
// own) and leave the caller's OpenMP setting as it found it.
#define BOOST_TEST_MODULE onednn_plugin
#include <boost/test/unit_test.hpp>
#include <omp.h>

#include <filesystem>

#include "cpu_features.hpp"
#include "i2s_problem.hpp"
#include "plugin_set.hpp"

namespace bp = bitnet::parity;

namespace {

size_t threads_in_process() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
    return n;
}

struct OnednnGemm {
    uint64_t cpu = bp::detect_cpu_features();
    bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, cpu);
    const bitnet_kp_kernel* kernel = nullptr;
    OnednnGemm() {
        const bp::LoadedPlugin* p = bp::find_plugin(set, "cpu-onednn");
        if (p && p->score > 0) kernel = bp::find_kernel(*p, BITNET_OP_I2S_GEMM);
        if (kernel && (kernel->required_features & cpu) != kernel->required_features) kernel = nullptr;
    }
};

struct Runnable {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result r(OnednnGemm().kernel != nullptr);
        if (!r) r.message() << "skipped: cpu-onednn not built or cannot run on this CPU";
        return r;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(gemm_starts_no_threads_and_restores_the_callers_omp_setting,
                     *boost::unit_test::precondition(Runnable{})) {
    const OnednnGemm g;
    bp::Rng rng(7);
    const bp::I2sProblem p = bp::make_i2s_problem(rng, 300, 2560, 16, bp::Codes::kRandom, bp::Acts::kRandom, 0.5f);
    // A caller that asks OpenMP for two threads: a plugin that honoured it would
    // leave a worker thread behind (libgomp keeps its team for the next region).
    omp_set_num_threads(2);
    const size_t before = threads_in_process();
    std::string error;
    const std::vector<float> y = bp::run_i2s(*g.kernel, p, {{0, p.rows}}, &error);
    BOOST_TEST(error.empty(), error);
    BOOST_TEST(threads_in_process() == before, "threads before " << before << ", after " << threads_in_process());
    BOOST_TEST(omp_get_max_threads() == 2);
    BOOST_TEST(y.size() == static_cast<size_t>(p.rows * p.n_tokens));
}
