// SPDX-License-Identifier: MIT
// The reader maps tensor data and never copies it: after every byte of a large
// file has been read through GgufFile, anonymous memory grew by far less than
// the file, and RSS stays below file size + 64 MB.
#define BOOST_TEST_MODULE gguf_mapping
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "bitnet/gguf.hpp"
#include "bitnet/gguf_writer.hpp"
#include "gguf_test_util.hpp"
#include "proc_status.hpp"

using namespace bitnet::gguf;

namespace {

using bitnet::test::status_bytes;

constexpr uint64_t kMiB = 1024 * 1024;

}  // namespace

BOOST_AUTO_TEST_CASE(tensor_data_is_mapped_not_copied) {
    bitnet::test::TempDir dir;
    const std::string path = dir.file("big.gguf");
    constexpr int kTensors = 6;
    constexpr uint64_t kRows = 4096, kCols = 4096;  // 32 MiB of F16 each
    {
        GgufWriter w;
        w.set_string("general.architecture", "bitnet-b1.58");
        for (int t = 0; t < kTensors; ++t) {
            w.add_generated_tensor("t" + std::to_string(t), {kCols, kRows}, 1, kRows * kCols * 2,
                                   [t](const GgufWriter::ByteSink& out) {
                                       std::vector<uint8_t> row(kCols * 2);
                                       for (uint64_t r = 0; r < kRows; ++r) {
                                           for (size_t i = 0; i < row.size(); ++i)
                                               row[i] = static_cast<uint8_t>(r + i + t);
                                           out(row.data(), row.size());
                                       }
                                   });
        }
        w.write(path);
    }

    const uint64_t anon_before = status_bytes("RssAnon");
    GgufFile f(path);
    uint64_t bad = 0;
    for (int t = 0; t < kTensors; ++t) {
        const TensorInfo& info = f.tensor("t" + std::to_string(t));
        f.prefetch(info);
        for (uint64_t r = 0; r < kRows; ++r)
            for (uint64_t i = 0; i < kCols * 2; i += 61)
                bad += info.data[r * kCols * 2 + i] != static_cast<uint8_t>(r + i + t);
    }
    BOOST_TEST(bad == 0u);
    const uint64_t anon_after = status_bytes("RssAnon");
    const uint64_t rss = status_bytes("VmRSS");
    BOOST_TEST_MESSAGE("file " << f.file_size() / kMiB << " MiB, RssAnon +"
                               << (anon_after - anon_before) / kMiB << " MiB, VmRSS " << rss / kMiB << " MiB");
    BOOST_TEST(f.file_size() > 190 * kMiB);
    BOOST_TEST(anon_after - anon_before < 16 * kMiB);
    BOOST_TEST(rss < f.file_size() + 64 * kMiB);
}
