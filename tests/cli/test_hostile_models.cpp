// SPDX-License-Identifier: MIT
// Hostile or broken model files given to bitnet-run: each must end with one line
// "error: <file>: <what>" and a non-zero exit, never a signal.
#define BOOST_TEST_MODULE cli_hostile_models
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "bitnet/gguf_writer.hpp"
#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::gguf::GgufWriter;
using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("bitnet-hostile-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

std::vector<uint8_t> demo_bytes() {
    std::ifstream in(kModel, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// A minimal valid header for a model: the architecture and nothing else.
GgufWriter bitnet_header() {
    GgufWriter w;
    w.set_string("general.architecture", "bitnet-b1.58");
    return w;
}

void expect_clean_failure(const fs::path& file, const std::string& what) {
    auto r = run_command(kRun, {"-m", file.string(), "-p", "hi", "-n", "1"}, {"BITNET_PLUGIN_PATH="});
    BOOST_TEST_CONTEXT(file.filename().string() << ": stderr " << r.err) {
        BOOST_TEST(!r.signaled, "killed by signal " << r.signal);
        BOOST_TEST(r.exit_code != 0);
        BOOST_TEST(r.err.find("error: " + file.string() + ": ") == 0);
        BOOST_TEST(r.err.find(what) != std::string::npos, "want '" << what << "'");
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_magic) {
    TempDir t;
    auto b = demo_bytes();
    std::memcpy(b.data(), "GGML", 4);
    write_bytes(t.path / "bad_magic.gguf", b);
    expect_clean_failure(t.path / "bad_magic.gguf", "magic");
}

BOOST_AUTO_TEST_CASE(truncated_header) {
    TempDir t;
    auto b = demo_bytes();
    b.resize(20);
    write_bytes(t.path / "short.gguf", b);
    expect_clean_failure(t.path / "short.gguf", "truncated");
}

BOOST_AUTO_TEST_CASE(truncated_tensor_data) {
    TempDir t;
    auto b = demo_bytes();
    b.resize(b.size() - 4096);
    write_bytes(t.path / "cut.gguf", b);
    expect_clean_failure(t.path / "cut.gguf", "past end of file");
}

BOOST_AUTO_TEST_CASE(tensor_offset_past_end_of_file) {
    TempDir t;
    auto w = bitnet_header();
    w.add_tensor("a.weight", {8}, 0, std::vector<uint8_t>(32, 0));
    auto b = w.serialize();
    // The offset is the last u64 of the tensor info, just before the aligned data.
    const std::string name = "a.weight";
    auto it = std::search(b.begin(), b.end(), name.begin(), name.end());
    size_t off_pos = static_cast<size_t>(it - b.begin()) + name.size() + 4 + 8 + 4;
    uint64_t huge = 1ull << 40;
    std::memcpy(b.data() + off_pos, &huge, 8);
    write_bytes(t.path / "offset.gguf", b);
    expect_clean_failure(t.path / "offset.gguf", "past end of file");
}

BOOST_AUTO_TEST_CASE(unknown_tensor_type) {
    TempDir t;
    auto w = bitnet_header();
    w.add_tensor("a.weight", {32}, 99, std::vector<uint8_t>(128, 0));
    w.write((t.path / "type99.gguf").string());
    expect_clean_failure(t.path / "type99.gguf", "unknown tensor type 99");
}

BOOST_AUTO_TEST_CASE(more_than_four_dimensions) {
    TempDir t;
    auto w = bitnet_header();
    w.add_tensor("a.weight", {1, 1, 1, 1, 2}, 0, std::vector<uint8_t>(8, 0));
    w.write((t.path / "dims.gguf").string());
    expect_clean_failure(t.path / "dims.gguf", "n_dims 5");
}

BOOST_AUTO_TEST_CASE(string_length_past_end_of_file) {
    TempDir t;
    auto w = bitnet_header();
    auto b = w.serialize();
    // The first key's u64 length sits right after the 24-byte header.
    uint64_t huge = 1ull << 32;
    std::memcpy(b.data() + 24, &huge, 8);
    write_bytes(t.path / "strlen.gguf", b);
    expect_clean_failure(t.path / "strlen.gguf", "past end of file");
}

BOOST_AUTO_TEST_CASE(missing_required_key) {
    TempDir t;
    auto w = bitnet_header();
    w.write((t.path / "nokeys.gguf").string());
    expect_clean_failure(t.path / "nokeys.gguf", "missing key bitnet-b1.58.context_length");
}

BOOST_AUTO_TEST_CASE(i2s_width_not_a_multiple_of_128) {
    TempDir t;
    auto w = bitnet_header();
    w.add_tensor("blk.0.attn_q.weight", {100, 4}, 36, std::vector<uint8_t>(100 + 32, 0x55));
    w.write((t.path / "k100.gguf").string());
    expect_clean_failure(t.path / "k100.gguf", "128");
}

BOOST_AUTO_TEST_CASE(model_that_is_not_there) {
    auto r = run_command(kRun, {"-m", "/nonexistent/model.gguf", "-p", "hi"}, {});
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: /nonexistent/model.gguf: ") == 0, r.err);
}
