// SPDX-License-Identifier: MIT
// A checkpoint whose tokenizer is a SentencePiece tokenizer.model (no
// tokenizer.json): convert reads it through libsentencepiece into a "llama"
// vocabulary that our tokenizer applies as SentencePiece does.
#define BOOST_TEST_MODULE convert_sentencepiece
#include <boost/test/unit_test.hpp>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "run_command.hpp"
#include "tiny_checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;
using bitnet::test::run_command;

const std::string kTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-model";
const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
constexpr int kPieces = 400;
constexpr uint32_t kVocab = 404;  // config's vocab_size: four ids past the model's pieces

// Sentences from a small word list, enough for SentencePiece to learn merges.
std::string corpus() {
    const char* words[] = {"the", "little", "cat", "sat", "on", "a", "warm", "mat", "and", "dog", "ran",
                           "to", "park", "with", "her", "friend", "sun", "was", "bright", "they", "played",
                           "ball", "under", "tree", "happy", "garden", "flowers", "bird", "sang", "song"};
    std::string text;
    uint32_t x = 7;
    for (int line = 0; line < 3000; ++line) {
        for (int w = 0; w < 9; ++w) {
            x = x * 1103515245u + 12345u;
            text += std::string(w ? " " : "") + words[(x >> 16) % 30];
        }
        text += ".\n";
    }
    return text;
}

struct Trained {
    fs::path dir, ckpt, out;
    std::shared_ptr<sentencepiece::SentencePieceProcessor> sp = std::make_shared<sentencepiece::SentencePieceProcessor>();
    test::CommandResult result;
};

Trained make_trained() {
    Trained x;
    {
        x.dir = fs::temp_directory_path() / ("bitnet-convert-spm-" + std::to_string(::getpid()));
        fs::remove_all(x.dir);
        x.ckpt = x.dir / "ckpt";
        x.out = x.dir / "spm.gguf";
        fs::create_directories(x.dir);
        std::ofstream(x.dir / "corpus.txt") << corpus();
        const auto status = sentencepiece::SentencePieceTrainer::Train(
            "--input=" + (x.dir / "corpus.txt").string() + " --model_prefix=" + (x.dir / "sp").string() +
            " --vocab_size=" + std::to_string(kPieces) +
            " --model_type=bpe --byte_fallback=true --character_coverage=1.0 --minloglevel=2");
        BOOST_REQUIRE_MESSAGE(status.ok(), "SentencePiece training failed: " << status.ToString());
        BOOST_REQUIRE(x.sp->Load((x.dir / "sp.model").string()).ok());
        test::write_checkpoint(x.ckpt, test::make_tiny_model(kVocab));
        fs::remove(x.ckpt / "tokenizer.json");
        fs::remove(x.ckpt / "tokenizer_config.json");
        fs::copy_file(x.dir / "sp.model", x.ckpt / "tokenizer.model");
        x.result = run_command(kTool, {"convert", x.ckpt.string(), "--out", x.out.string()});
    }
    return x;
}

const Trained& trained() {
    static const Trained t = make_trained();
    return t;
}

struct Cleanup {
    ~Cleanup() { fs::remove_all(fs::temp_directory_path() / ("bitnet-convert-spm-" + std::to_string(::getpid()))); }
};
BOOST_TEST_GLOBAL_FIXTURE(Cleanup);

}  // namespace

BOOST_AUTO_TEST_CASE(vocabulary_is_sentencepieces_pieces_scores_and_types) {
    const auto& t = trained();
    BOOST_TEST_INFO("stderr: " << t.result.err);
    BOOST_REQUIRE_EQUAL(t.result.exit_code, 0);
    const gguf::GgufFile f(t.out.string());
    const tokenizer::Vocabulary v = tokenizer::read_vocabulary(f);
    BOOST_TEST(v.model == "llama");
    BOOST_REQUIRE_EQUAL(v.tokens.size(), kVocab);
    size_t bytes = 0;
    for (int i = 0; i < kPieces; ++i) {
        BOOST_TEST(v.tokens[i] == t.sp->IdToPiece(i), "id " << i);
        BOOST_TEST(v.scores[i] == t.sp->GetScore(i), "id " << i);
        const int want = t.sp->IsUnknown(i) ? 2 : t.sp->IsControl(i) ? 3 : t.sp->IsByte(i) ? 6 : 1;
        BOOST_TEST(v.types[i] == want, "id " << i);
        bytes += t.sp->IsByte(i);
    }
    BOOST_TEST(bytes == 256u);
    for (uint32_t i = kPieces; i < kVocab; ++i) BOOST_TEST(v.types[i] == 5, "padding id " << i << " is unused");
    BOOST_TEST(v.bos == t.sp->bos_id());
    BOOST_TEST(v.eos == t.sp->eos_id());
    BOOST_TEST(v.unk == t.sp->unk_id());
    BOOST_TEST(v.add_space_prefix.value_or(false));
}

BOOST_AUTO_TEST_CASE(our_tokenizer_on_the_converted_file_encodes_like_sentencepiece) {
    const auto& t = trained();
    BOOST_REQUIRE_EQUAL(t.result.exit_code, 0);
    const gguf::GgufFile f(t.out.string());
    const auto tok = tokenizer::load_tokenizer(f);
    for (const std::string text : {"the little cat sat on a warm mat", "happy bird sang under the tree.",
                                   "zebra qx"}) {  // unseen letters go through byte fallback
        std::vector<int> want;
        BOOST_REQUIRE(t.sp->Encode(text, &want).ok());
        want.insert(want.begin(), t.sp->bos_id());
        const auto got = tok->encode(text, {});
        BOOST_TEST(std::vector<int>(got.begin(), got.end()) == want, "'" << text << "'");
        BOOST_TEST(tok->decode(got) == text);
    }
}

BOOST_AUTO_TEST_CASE(converted_model_runs) {
    const auto& t = trained();
    BOOST_REQUIRE_EQUAL(t.result.exit_code, 0);
    const auto r = run_command(kRun, {"-m", t.out.string(), "-p", "the cat", "--temp", "0", "-n", "8", "-t", "1"},
                               {"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="});
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.rfind("the cat", 0) == 0);
}
