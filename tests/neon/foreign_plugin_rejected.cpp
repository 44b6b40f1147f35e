// SPDX-License-Identifier: MIT
// The runtime's registry, pointed at a directory holding the cross-built
// libbitnet-cpu-neon.so, lists it as rejected with a reason that names the
// wrong architecture, and never tries to run it. Registered by
// tests/neon/CMakeLists.txt after the cross build, which passes the directory
// in BITNET_FOREIGN_PLUGIN_DIR.
#define BOOST_TEST_MODULE neon_foreign_plugin
#include <bitnet/cpu_features.hpp>
#include <bitnet/kernel_registry.hpp>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <string>

BOOST_AUTO_TEST_CASE(lists_an_aarch64_plugin_as_rejected_for_its_architecture) {
    const char* dir = std::getenv("BITNET_FOREIGN_PLUGIN_DIR");
    BOOST_TEST_REQUIRE(dir != nullptr, "BITNET_FOREIGN_PLUGIN_DIR is not set");
    bitnet::kernels::DiscoveryOptions options;
    options.plugin_dirs = {dir};
    options.use_environment = false;
    options.use_default_dirs = false;
    options.cpu_features = bitnet::kernels::detect_cpu().usable;
    const bitnet::kernels::Registry registry(options);

    const bitnet::kernels::PluginInfo* neon = nullptr;
    for (const auto& p : registry.plugins()) {
        BOOST_TEST_MESSAGE(p.path << ": " << (p.usable() ? "usable" : p.rejected));
        if (p.path.ends_with("/libbitnet-cpu-neon.so")) neon = &p;
    }
    BOOST_TEST_REQUIRE(neon != nullptr, "no libbitnet-cpu-neon.so found in " << dir);
    BOOST_TEST(!neon->usable());
    BOOST_TEST(neon->rejected.starts_with("wrong architecture"), "reason: " << neon->rejected);
    BOOST_TEST(neon->rejected.find("aarch64") != std::string::npos, "reason: " << neon->rejected);
    BOOST_TEST(neon->descriptor == nullptr, "a foreign plugin must never be entered");
}
