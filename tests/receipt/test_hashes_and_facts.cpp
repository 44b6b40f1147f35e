// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE receipt_hashes_and_facts
#include <boost/test/unit_test.hpp>

#include "bitnet/error.hpp"
#include "bitnet/receipt.hpp"
#include "bitnet/sha256.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace {

std::string read_file(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(sha256_matches_the_fips_180_2_examples) {
    BOOST_TEST(bitnet::util::sha256_hex("abc") ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(bitnet::util::sha256_hex("") ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

BOOST_AUTO_TEST_CASE(file_hash_equals_hash_of_its_bytes_across_read_chunks) {
    // Larger than the 1 MiB read buffer, and not a multiple of it.
    const std::string path = BITNET_TEST_MODEL_DIR "/stories-bitnet-i2_s.gguf";
    const std::string bytes = read_file(path);
    BOOST_TEST_REQUIRE(bytes.size() > (1u << 20));
    BOOST_TEST(bitnet::util::sha256_file_hex(path) == bitnet::util::sha256_hex(bytes));
    const auto as_bytes = std::as_bytes(std::span(bytes.data(), bytes.size()));
    BOOST_TEST(bitnet::util::sha256_hex(as_bytes) == bitnet::util::sha256_hex(bytes));
}

BOOST_AUTO_TEST_CASE(file_hash_of_missing_file_names_it) {
    const std::string path = "/nonexistent/bitnet-model.gguf";
    try {
        bitnet::util::sha256_file_hex(path);
        BOOST_FAIL("no error for a missing file");
    } catch (const bitnet::Error& e) {
        BOOST_TEST(std::string(e.what()).find(path) != std::string::npos, "message: " << e.what());
    }
}

BOOST_AUTO_TEST_CASE(token_hash_is_over_little_endian_int32) {
    const std::vector<int32_t> ids{1, -1, 0x01020304};
    const std::string bytes("\x01\x00\x00\x00\xff\xff\xff\xff\x04\x03\x02\x01", 12);
    BOOST_TEST(bitnet::receipt::token_ids_sha256(ids) == bitnet::util::sha256_hex(bytes));
    BOOST_TEST(bitnet::receipt::token_ids_sha256({}) == bitnet::util::sha256_hex(""));
}

BOOST_AUTO_TEST_CASE(timestamp_is_iso_8601_utc) {
    const std::string ts = bitnet::receipt::utc_timestamp_now();
    BOOST_TEST(std::regex_match(ts, std::regex(R"(20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z)")),
               "timestamp " << ts);
}

BOOST_AUTO_TEST_CASE(peak_rss_grows_with_touched_memory) {
    const uint64_t before = bitnet::receipt::peak_rss_bytes();
    BOOST_TEST(before > 0u);
    std::vector<char> block(64u << 20);
    for (size_t i = 0; i < block.size(); i += 4096) block[i] = static_cast<char>(i);
    const uint64_t after = bitnet::receipt::peak_rss_bytes();
    BOOST_TEST(after >= before + (48u << 20), "peak RSS " << before << " -> " << after << " after touching 64 MiB");
    BOOST_TEST(block[4096] == static_cast<char>(4096));
}

BOOST_AUTO_TEST_CASE(os_description_names_the_kernel) {
    const std::string os = bitnet::receipt::os_description();
    BOOST_TEST(os.find("Linux") != std::string::npos, "os: " << os);
}
