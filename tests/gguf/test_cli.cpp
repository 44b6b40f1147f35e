// SPDX-License-Identifier: MIT
// `bitnet-gguf inspect` and `tokenize` as a user runs them: the tensor count
// line, abbreviated arrays, reference token ids, and one-line errors on hostile
// files with a non-zero exit and no signal.
#define BOOST_TEST_MODULE gguf_cli
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "bitnet/gguf_writer.hpp"
#include "gguf_test_util.hpp"
#include "run_tool.hpp"

using bitnet::test::run_tool;
using bitnet::test::TempDir;

namespace {
const std::string kTool = bitnet::test::tool_path("bitnet-gguf");
const std::string kStories = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
const std::string kData = BITNET_TEST_DATA_DIR;

std::string ids_text(const boost::json::array& ids, size_t from = 0) {
    std::string s;
    for (size_t i = from; i < ids.size(); ++i) s += (i > from ? " " : "") + std::to_string(ids[i].as_int64());
    return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(inspect_prints_metadata_and_the_tensor_count_line) {
    const auto r = run_tool(kTool, {"inspect", kStories});
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE(r.status == 0);
    BOOST_TEST(r.out.find("\ntensors: 46 (28 I2_S, 17 F32, 1 F16), ") != std::string::npos);
    BOOST_TEST(r.out.find("general.architecture") != std::string::npos);
    BOOST_TEST(r.out.find("= \"bitnet-b1.58\"") != std::string::npos);
    BOOST_TEST(r.out.find("array of string [1024] = [\"<unk>\", \"<s>\", \"</s>\", \"<0x00>\"") != std::string::npos);
    BOOST_TEST(r.out.find("... 1016 more]") != std::string::npos);
    BOOST_TEST(r.out.find("blk.3.ffn_down.weight") != std::string::npos);
    const auto full = run_tool(kTool, {"inspect", kStories, "--max-items", "2000"});
    BOOST_TEST(full.out.find(" more]") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(inspect_rejects_hostile_files_with_one_line_and_exit_1) {
    TempDir dir;
    bitnet::gguf::GgufWriter w;
    w.set_string("general.architecture", "bitnet-b1.58");
    w.add_tensor("blk.0.attn_q.weight", {100, 2}, 36, std::vector<uint8_t>(82, 0x55));
    const std::string bad_k = dir.file("bad_k.gguf");
    w.write(bad_k);
    const std::string magic = dir.file("magic.gguf");
    bitnet::test::write_file(magic, {'G', 'G', 'M', 'L', 3, 0, 0, 0});
    const std::string cut = dir.file("cut.gguf");
    auto bytes = bitnet::test::read_file(kStories);
    bytes.resize(bytes.size() / 2);
    bitnet::test::write_file(cut, bytes);

    const std::pair<std::string, std::string> cases[] = {
        {bad_k, "tensor blk.0.attn_q.weight: I2_S needs ne[0] % 128 == 0, got 100"},
        {magic, "bad magic (not a GGUF file)"},
        {cut, "runs past end of file (size " + std::to_string(bytes.size()) + ")"},
        {dir.file("missing.gguf"), "cannot open: No such file or directory"},
    };
    for (const auto& [path, what] : cases) {
        const auto r = run_tool(kTool, {"inspect", path});
        BOOST_TEST_INFO("file " << path << ", stderr: " << r.err);
        BOOST_TEST(r.exited);
        BOOST_TEST(r.status == 1);
        BOOST_TEST(r.err.rfind("error: " + path + ": ", 0) == 0u);
        BOOST_TEST(r.err.find(what) != std::string::npos);
        BOOST_TEST(r.err.find('\n') == r.err.size() - 1);
    }
}

BOOST_AUTO_TEST_CASE(tokenize_prints_the_reference_prompt_ids) {
    std::ifstream in(kData + "/stories-bitnet.expected.json");
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = boost::json::parse(text.str());
    int checked = 0;
    for (const auto& c : doc.at("cases").as_array()) {
        const std::string prompt(c.at("prompt").as_string());
        const auto& ids = c.at("prompt_ids").as_array();
        auto r = run_tool(kTool, {"tokenize", "-m", kStories, "-p", prompt});
        BOOST_TEST_INFO("prompt '" << prompt << "', stderr: " << r.err);
        BOOST_TEST(r.status == 0);
        BOOST_TEST(r.out == ids_text(ids) + "\n");
        r = run_tool(kTool, {"tokenize", "-m", kStories, "-p", prompt, "--no-bos"});
        BOOST_TEST(r.out == ids_text(ids, 1) + "\n");  // ids[0] is BOS
        ++checked;
    }
    BOOST_TEST(checked >= 3);
}

BOOST_AUTO_TEST_CASE(tokenize_uses_the_files_byte_level_bpe) {
    // The first cases of the Llama 3 reference file, as bitnet.cpp tokenized
    // them (no BOS, special tokens not parsed).
    std::ifstream in(kData + "/llama3-bpe.cases");
    std::string line;
    int checked = 0;
    while (checked < 6 && std::getline(in, line)) {
        if (line.rfind("== case", 0) != 0) continue;
        std::string literal, ids;
        std::getline(in, literal);
        std::getline(in, ids);
        const std::string input(boost::json::parse(literal).as_string());
        const auto r = run_tool(kTool, {"tokenize", "-m", kData + "/llama3-vocab.gguf", "-p", input,
                                        "--no-bos", "--no-parse-special"});
        BOOST_TEST_INFO(line << ", stderr: " << r.err);
        BOOST_TEST(r.status == 0);
        BOOST_TEST(r.out == ids + "\n");
        ++checked;
    }
    BOOST_TEST(checked == 6);
}

BOOST_AUTO_TEST_CASE(info_names_the_family_and_whether_it_runs) {
    auto r = run_tool(kTool, {"info", kStories});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.out.find("architecture: bitnet-b1.58 (BitNet b1.58 (the 2B-4T graph))\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("graph: sub-norms before attn_output and ffn_down, squared-ReLU-gated FFN, NEOX RoPE\n") !=
               std::string::npos);
    BOOST_TEST(r.out.find("shapes: 4 layers, embedding 256, feed-forward 768, heads 4/2 (head_dim 64), vocab 1024") !=
               std::string::npos);
    BOOST_TEST(r.out.find("runnable: yes") != std::string::npos);

    TempDir dir;
    const std::string llama = dir.file("llama.gguf");
    BOOST_TEST_REQUIRE(run_tool(kTool, {"synth", "--preset", "tiny", "--arch", "llama", "--untied-head",
                                                    "--head-type", "q6_k", "--out", llama}).status == 0);
    r = run_tool(kTool, {"info", llama});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.out.find("graph: no sub-norms, SiLU-gated FFN, normal (adjacent-pair) RoPE\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("embedding: token_embd.weight (F16)\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("head: output.weight (Q6_K, run in its own blocks, input quantized as llama.cpp does)\n") !=
                   std::string::npos,
               r.out);
    BOOST_TEST(run_tool(kTool, {"synth", "--preset", "tiny", "--embd-type", "q4_k", "--out", llama}).err.find(
                   "unknown embedding type 'q4_k'") != std::string::npos);

    // A GGUF the runtime cannot run: exit 3 and the loader's reason.
    bitnet::gguf::GgufWriter w;
    w.set_string("general.architecture", "gpt2");
    const std::string gpt2 = dir.file("gpt2.gguf");
    w.write(gpt2);
    r = run_tool(kTool, {"info", gpt2});
    BOOST_TEST(r.status == 3);
    BOOST_TEST(r.out.find("architecture: gpt2 (not a family this runtime runs: bitnet-b1.58, bitnet-25, bitnet, llama)\n") !=
               std::string::npos, r.out);
    BOOST_TEST(r.out.find("runnable: no (unsupported architecture 'gpt2'") != std::string::npos, r.out);
}
