// SPDX-License-Identifier: MIT
// The cpu-scalar plugin honours the plugin contract of bitnet/kernel_plugin.h:
// version negotiation, argument checks, one exported symbol, a well-formed
// kernel table covering every op.
#define BOOST_TEST_MODULE scalar_plugin_abi
#include <bitnet/kernel_plugin.h>
#include <dlfcn.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <memory>
#include <regex>
#include <set>
#include <string>

namespace {

const std::string kPluginPath = std::string(BITNET_TEST_PLUGIN_DIR) + "/libbitnet-cpu-scalar.so";

struct Library {
    void* handle = dlopen(kPluginPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    // Plugins stay loaded, as in the runtime.
    bitnet_kp_entry_fn entry() const {
        BOOST_TEST_REQUIRE(handle != nullptr, "dlopen " << kPluginPath << ": " << dlerror());
        auto fn = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
        BOOST_TEST_REQUIRE(fn != nullptr);
        return fn;
    }
};

bitnet_kp_host make_host(uint16_t major) {
    return bitnet_kp_host{sizeof(bitnet_kp_host), major, BITNET_KP_ABI_MINOR, 0, "test", "0"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(accepts_host_of_same_major_and_describes_itself) {
    const auto entry = Library{}.entry();
    const bitnet_kp_host host = make_host(BITNET_KP_ABI_MAJOR);
    const bitnet_kp_plugin* plugin = nullptr;
    BOOST_TEST(entry(&host, &plugin) == BITNET_KP_OK);
    BOOST_TEST_REQUIRE(plugin != nullptr);
    BOOST_TEST(plugin->struct_size == sizeof(bitnet_kp_plugin));
    BOOST_TEST(plugin->abi_major == BITNET_KP_ABI_MAJOR);
    BOOST_TEST(std::string(plugin->name) == "cpu-scalar");
    BOOST_TEST(std::string(plugin->vendor) == "bitnet-runtime");
    BOOST_TEST(plugin->required_features == 0u);
    BOOST_TEST(plugin->score(&host) == 1u);
    BOOST_TEST(plugin->score(nullptr) == 0u);
    bitnet_kp_host other = make_host(BITNET_KP_ABI_MAJOR + 1);
    BOOST_TEST(plugin->score(&other) == 0u);
}

BOOST_AUTO_TEST_CASE(rejects_other_major_null_arguments_and_short_host_struct) {
    const auto entry = Library{}.entry();
    const bitnet_kp_plugin* plugin = nullptr;
    const bitnet_kp_host newer = make_host(BITNET_KP_ABI_MAJOR + 1);
    BOOST_TEST(entry(&newer, &plugin) == BITNET_KP_ERR_ABI);
    BOOST_TEST(plugin == nullptr);
    const bitnet_kp_host older = make_host(BITNET_KP_ABI_MAJOR - 1);
    BOOST_TEST(entry(&older, &plugin) == BITNET_KP_ERR_ABI);
    const bitnet_kp_host ok = make_host(BITNET_KP_ABI_MAJOR);
    BOOST_TEST(entry(nullptr, &plugin) == BITNET_KP_ERR_INVALID);
    BOOST_TEST(entry(&ok, nullptr) == BITNET_KP_ERR_INVALID);
    bitnet_kp_host truncated = ok;
    truncated.struct_size = 4;
    BOOST_TEST(entry(&truncated, &plugin) == BITNET_KP_ERR_INVALID);
    BOOST_TEST(plugin == nullptr);
}

BOOST_AUTO_TEST_CASE(kernel_table_covers_every_op_with_well_formed_ids) {
    const auto entry = Library{}.entry();
    const bitnet_kp_host host = make_host(BITNET_KP_ABI_MAJOR);
    const bitnet_kp_plugin* plugin = nullptr;
    BOOST_TEST_REQUIRE(entry(&host, &plugin) == BITNET_KP_OK);
    BOOST_TEST_REQUIRE(plugin->n_kernels > 0u);
    const std::regex id_form("cpu-scalar\\.[a-z0-9_]+\\.[a-z0-9_]+\\.ref");
    const uint32_t stride = plugin->kernels[0].struct_size;
    BOOST_TEST(stride == sizeof(bitnet_kp_kernel));
    std::set<uint32_t> ops;
    std::set<std::string> ids;
    for (uint32_t i = 0; i < plugin->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(
            reinterpret_cast<const char*>(plugin->kernels) + size_t{i} * stride);
        BOOST_TEST(k->struct_size == stride);
        BOOST_TEST(std::regex_match(k->id, id_form), "kernel id " << k->id);
        BOOST_TEST(ids.insert(k->id).second, "duplicate id " << k->id);
        BOOST_TEST(k->required_features == 0u, k->id);
        BOOST_TEST(k->run != nullptr, k->id);
        BOOST_TEST(k->packed_size == nullptr, k->id);
        BOOST_TEST(k->pack == nullptr, k->id);
        ops.insert(k->op);
    }
    for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op) {
        BOOST_TEST(ops.count(op) == 1u, "op " << op << " has no kernel");
    }
}

BOOST_AUTO_TEST_CASE(exports_only_the_entry_symbol) {
    const std::string cmd = "nm -D --defined-only " + kPluginPath + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    BOOST_TEST_REQUIRE(pipe != nullptr);
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, pipe.get()) != nullptr) out += buf;
    // nm prints "<address> <type> <name>" per line.
    const std::regex line("[0-9a-f]+ [A-Za-z] (\\S+)");
    std::set<std::string> names;
    for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
        names.insert((*it)[1]);
    }
    BOOST_TEST(names == std::set<std::string>{BITNET_KP_ENTRY_SYMBOL}, "nm output:\n" << out);
}
