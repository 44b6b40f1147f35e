// SPDX-License-Identifier: MIT
// Byte-level BPE against bitnet.cpp's reference on the Llama 3 vocabulary: every
// case of llama3-bpe.cases and llama3-nopre.cases, decoding, and the token pieces
// and detokenized sequences of llama3-pieces.txt.
#define BOOST_TEST_MODULE tokenizer_bpe
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <vector>

#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "reference_files.hpp"

using bitnet::gguf::GgufFile;
using bitnet::test::format_ids;
using bitnet::test::TokenCase;
using namespace bitnet::tokenizer;

namespace {

const std::string kData = BITNET_TEST_DATA_DIR;

std::unique_ptr<Tokenizer> load(const std::string& name, const std::string& pre = "") {
    const GgufFile file(kData + "/" + name);
    return load_tokenizer(file, {.pre_tokenizer = pre});
}

// The Llama 3 files take a moment to parse; each is loaded once per run.
const Tokenizer& llama_bpe_file() {
    static const auto t = load("llama3-vocab.gguf");
    return *t;
}
const Tokenizer& nopre_file() {
    static const auto t = load("llama3-vocab-nopre.gguf");
    return *t;
}
const Tokenizer& nopre_file_default_rule() {
    static const auto t = load("llama3-vocab-nopre.gguf", "default");
    return *t;
}

std::string quoted(const std::string& s) { return boost::json::serialize(boost::json::string(s)); }

// Checks plain and (where the file lists them) special-parsing ids of every case;
// returns how many encodings were compared.
int check_cases(const Tokenizer& t, const std::string& cases_file, const std::string& what) {
    int compared = 0;
    for (const TokenCase& c : bitnet::test::read_cases(kData + "/" + cases_file)) {
        for (const bool special : {false, true}) {
            const std::vector<int32_t>& expected = special && c.special_ids ? *c.special_ids : c.ids;
            const std::vector<int32_t> got = t.encode(c.input, {.add_bos = false, .parse_special = special});
            BOOST_TEST((got == expected), what << " case " << c.number << " (" << c.label << ") parse_special="
                                               << special << " input " << quoted(c.input) << "\n  expected "
                                               << format_ids(expected) << "\n  got      " << format_ids(got));
            ++compared;
        }
    }
    return compared;
}

}  // namespace

BOOST_AUTO_TEST_CASE(llama_bpe_file_gives_bitnet_cpp_ids_for_every_case) {
    BOOST_TEST(check_cases(llama_bpe_file(), "llama3-bpe.cases", "llama3-vocab.gguf") == 2 * 76);
}

BOOST_AUTO_TEST_CASE(file_without_pre_key_takes_the_llama3_rule_and_the_same_ids) {
    BOOST_TEST(check_cases(nopre_file(), "llama3-bpe.cases", "llama3-vocab-nopre.gguf") == 2 * 76);
    const std::string rule = nopre_file().describe_rule();
    BOOST_TEST(rule.find("pre-tokenizer llama-bpe: tokenizer.ggml.pre is absent but the vocabulary is Llama 3's") !=
                   std::string::npos,
               rule);
}

BOOST_AUTO_TEST_CASE(default_rule_reproduces_bitnet_cpp_on_the_file_without_pre_key) {
    BOOST_TEST(check_cases(nopre_file_default_rule(), "llama3-nopre.cases", "llama3-vocab-nopre.gguf, default") ==
               2 * 76);
}

BOOST_AUTO_TEST_CASE(decoding_every_reference_id_list_gives_back_the_input) {
    for (const std::string file : {"llama3-bpe.cases", "llama3-nopre.cases"}) {
        for (const TokenCase& c : bitnet::test::read_cases(kData + "/" + file)) {
            const std::string plain = llama_bpe_file().decode(c.ids, false);
            BOOST_TEST(plain == c.input, file << " case " << c.number << ": got " << quoted(plain) << ", expected "
                                              << quoted(c.input));
            if (c.special_ids) {
                const std::string special = llama_bpe_file().decode(*c.special_ids, true);
                BOOST_TEST(special == c.input, file << " case " << c.number << " special: got " << quoted(special));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(token_pieces_match_bitnet_cpp) {
    const auto ref = bitnet::test::read_pieces(kData + "/llama3-pieces.txt");
    BOOST_TEST(ref.pieces.size() == 20u);
    for (const auto& p : ref.pieces) {
        BOOST_TEST(llama_bpe_file().token_text(p.id) == p.text, "token " << p.id);
        BOOST_TEST(llama_bpe_file().token_to_piece(p.id, false) == p.piece, "token " << p.id << " special=false");
        BOOST_TEST(llama_bpe_file().token_to_piece(p.id, true) == p.piece_special, "token " << p.id << " special=true");
    }
}

BOOST_AUTO_TEST_CASE(detokenized_sequences_match_bitnet_cpp) {
    const auto ref = bitnet::test::read_pieces(kData + "/llama3-pieces.txt");
    BOOST_TEST(ref.detok.size() == 6u);
    for (const auto& d : ref.detok) {
        BOOST_TEST(llama_bpe_file().detokenize(d.ids, true) == d.with_special,
                   format_ids(d.ids) << ": got " << quoted(llama_bpe_file().detokenize(d.ids, true)));
        BOOST_TEST(llama_bpe_file().detokenize(d.ids, false) == d.without_special,
                   format_ids(d.ids) << ": got " << quoted(llama_bpe_file().detokenize(d.ids, false)));
    }
    // decode() itself stays lossless: "Hello" " ?" "!!" keeps its space.
    BOOST_TEST(llama_bpe_file().decode(std::vector<int32_t>{9906, 949, 3001}) == "Hello ?!!");
}

BOOST_AUTO_TEST_CASE(reads_special_ids_and_flags_from_the_file) {
    const Tokenizer& t = llama_bpe_file();
    BOOST_TEST(t.kind() == "bpe");
    BOOST_TEST(t.n_vocab() == 128256);
    BOOST_TEST(t.bos() == 128000);
    BOOST_TEST(t.eos() == 128001);
    BOOST_TEST(t.add_bos());
    BOOST_TEST(t.encode("Hello", {}) == (std::vector<int32_t>{128000, 9906}), format_ids(t.encode("Hello", {})));
    BOOST_TEST(t.is_end_of_generation(128001));
    BOOST_TEST(t.is_end_of_generation(128009));  // <|eot_id|>
    BOOST_TEST(!t.is_end_of_generation(128000));
    BOOST_TEST(!t.is_end_of_generation(9906));
}
