// SPDX-License-Identifier: MIT
// SentencePiece-style tokenizer: merge order, byte fallback, special tokens and
// decoding on small vocabularies made here, and bitnet.cpp's exact ids on the
// demo model.
#define BOOST_TEST_MODULE tokenizer_spm
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "reference_files.hpp"

using bitnet::test::format_ids;
using namespace bitnet::tokenizer;

namespace {

const std::string kSp = "\xE2\x96\x81";  // U+2581

// <unk> <s> </s>, the 256 byte tokens (ids 3..258), then the given scored tokens.
Vocabulary spm_vocab(const std::vector<std::pair<std::string, float>>& normal) {
    Vocabulary v;
    v.model = "llama";
    v.tokens = {"<unk>", "<s>", "</s>"};
    v.types = {2, 3, 3};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        v.tokens.push_back(name);
        v.types.push_back(6);
    }
    v.scores.assign(v.tokens.size(), 0.0f);
    for (const auto& [text, score] : normal) {
        v.tokens.push_back(text);
        v.types.push_back(1);
        v.scores.push_back(score);
    }
    v.unk = 0, v.bos = 1, v.eos = 2;
    return v;
}

int32_t id_of(const Tokenizer& t, const std::string& text) {
    for (int32_t i = 0; i < t.n_vocab(); ++i)
        if (t.token_text(i) == text) return i;
    BOOST_FAIL("no token " << text);
    return -1;
}

std::vector<int32_t> encode_plain(const Tokenizer& t, std::string_view text) {
    return t.encode(text, {.add_bos = false, .parse_special = false});
}

void check_ids(const std::vector<int32_t>& got, const std::vector<int32_t>& expected, std::string_view what) {
    BOOST_TEST((got == expected), what << ": expected " << format_ids(expected) << ", got " << format_ids(got));
}

}  // namespace

BOOST_AUTO_TEST_CASE(merges_the_highest_scoring_pair_first_wherever_it_is) {
    for (const bool right_wins : {true, false}) {
        Vocabulary v = spm_vocab({{"a", -10}, {"b", -10}, {"c", -10}, {"ab", right_wins ? -2.0f : -1.0f},
                                  {"bc", right_wins ? -1.0f : -2.0f}});
        v.add_space_prefix = false;
        const auto t = make_tokenizer(std::move(v));
        const std::vector<int32_t> expected =
            right_wins ? std::vector{id_of(*t, "a"), id_of(*t, "bc")} : std::vector{id_of(*t, "ab"), id_of(*t, "c")};
        check_ids(encode_plain(*t, "abc"), expected, right_wins ? "bc scores higher" : "ab scores higher");
    }
}

BOOST_AUTO_TEST_CASE(equal_scores_merge_the_leftmost_pair) {
    Vocabulary v = spm_vocab({{"a", -5}, {"aa", -1}});
    v.add_space_prefix = false;
    const auto t = make_tokenizer(std::move(v));
    const int32_t a = id_of(*t, "a"), aa = id_of(*t, "aa");
    check_ids(encode_plain(*t, "aaa"), {aa, a}, "aaa");
    check_ids(encode_plain(*t, "aaaaa"), {aa, aa, a}, "aaaaa");
}

BOOST_AUTO_TEST_CASE(merges_build_on_earlier_merges) {
    Vocabulary v = spm_vocab({{"h", -9}, {"e", -9}, {"y", -9}, {"he", -1}, {"hey", -3}, {"ey", -2}});
    v.add_space_prefix = false;
    const auto t = make_tokenizer(std::move(v));
    // "he" wins first, then "he"+"y" forms "hey" although "ey" outscores "hey".
    check_ids(encode_plain(*t, "hey"), {id_of(*t, "hey")}, "hey");
}

BOOST_AUTO_TEST_CASE(prefixes_one_space_mark_and_marks_every_space) {
    const auto t = make_tokenizer(spm_vocab({{kSp, -1}, {"a", -1}, {kSp + "a", -0.5f}}));
    const int32_t sp = id_of(*t, kSp), sp_a = id_of(*t, kSp + "a");
    check_ids(encode_plain(*t, "a a"), {sp_a, sp_a}, "'a a'");
    check_ids(encode_plain(*t, " a"), {sp, sp_a}, "' a'");
    check_ids(t->encode("a", {.add_bos = true, .parse_special = false}), {1, sp_a}, "with BOS");
}

BOOST_AUTO_TEST_CASE(characters_outside_the_vocabulary_become_their_utf8_bytes) {
    Vocabulary v = spm_vocab({{"h", -1}});
    v.add_space_prefix = false;
    const auto t = make_tokenizer(std::move(v));
    // U+00E9 is C3 A9 and byte token <0xXX> has id 3 + XX.
    check_ids(encode_plain(*t, "h\xC3\xA9"), {id_of(*t, "h"), 3 + 0xC3, 3 + 0xA9}, "h + e-acute");
    check_ids(encode_plain(*t, "\xFF"), {3 + 0xFF}, "invalid UTF-8 byte");
    BOOST_TEST(t->decode(encode_plain(*t, "h\xC3\xA9\xFF")) == "h\xC3\xA9\xFF");
}

BOOST_AUTO_TEST_CASE(control_token_text_is_a_token_only_when_parsing_special) {
    Vocabulary v = spm_vocab({{"<", -1}, {">", -1}, {"s", -1}, {"/", -1}, {"x", -1}, {kSp, -1}});
    const auto t = make_tokenizer(std::move(v));
    const int32_t sp = id_of(*t, kSp), x = id_of(*t, "x");
    // The prefix space comes back after a special token, as in bitnet.cpp.
    check_ids(t->encode("x</s>x", {.add_bos = false, .parse_special = true}), {sp, x, 2, sp, x}, "parsed");
    const std::vector<int32_t> plain = encode_plain(*t, "x</s>x");
    BOOST_TEST((std::find(plain.begin(), plain.end(), 2) == plain.end()), "plain text gave " << format_ids(plain));
    BOOST_TEST(t->decode(plain) == "x</s>x");
}

BOOST_AUTO_TEST_CASE(decode_maps_marks_and_bytes_back_and_hides_control_tokens) {
    const auto t = make_tokenizer(spm_vocab({{kSp + "hi", -1}, {kSp, -1}}));
    const int32_t hi = id_of(*t, kSp + "hi"), sp = id_of(*t, kSp);
    const std::vector<int32_t> ids{1, hi, sp, 3 + 0xE2, 3 + 0x98, 3 + 0x83, 2};
    BOOST_TEST(t->decode(ids) == "hi \xE2\x98\x83");
    BOOST_TEST(t->decode(ids, true) == "<s> hi \xE2\x98\x83</s>");
    BOOST_TEST(t->token_to_piece(hi) == " hi");
    BOOST_TEST(t->token_to_piece(1).empty());
    BOOST_TEST(t->token_to_piece(1, true) == "<s>");
    BOOST_TEST(t->token_to_piece(3 + 0x41) == "A");
    // bitnet.cpp's detokenizer strips only the first id's piece, so after BOS the
    // space stays.
    BOOST_TEST(t->detokenize(ids) == " hi \xE2\x98\x83");
    BOOST_TEST(t->detokenize(std::vector<int32_t>{hi, sp}) == "hi ");
}

BOOST_AUTO_TEST_CASE(empty_text_gives_only_bos) {
    const auto t = make_tokenizer(spm_vocab({}));
    check_ids(t->encode("", {}), {1}, "with BOS");
    check_ids(encode_plain(*t, ""), {}, "without BOS");
    BOOST_TEST(t->decode(std::vector<int32_t>{}).empty());
}

BOOST_AUTO_TEST_CASE(end_of_generation_is_eos) {
    const auto t = make_tokenizer(spm_vocab({{"a", -1}}));
    BOOST_TEST(t->is_end_of_generation(2));
    BOOST_TEST(!t->is_end_of_generation(1));
    BOOST_TEST(!t->is_end_of_generation(id_of(*t, "a")));
}

BOOST_AUTO_TEST_CASE(rejects_ids_outside_the_vocabulary) {
    const auto t = make_tokenizer(spm_vocab({}));
    BOOST_CHECK_THROW(t->token_to_piece(t->n_vocab()), bitnet::Error);
    BOOST_CHECK_THROW(t->decode(std::vector<int32_t>{-1}), bitnet::Error);
    BOOST_CHECK_THROW(t->token_text(t->n_vocab()), bitnet::Error);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_vocabularies_naming_the_source) {
    const auto message_of = [](Vocabulary v, TokenizerOptions o = {}) -> std::string {
        try {
            make_tokenizer(std::move(v), o, "m.gguf");
        } catch (const bitnet::Error& e) {
            return e.what();
        }
        return "no error";
    };
    Vocabulary scores = spm_vocab({{"a", -1}});
    scores.scores.pop_back();
    BOOST_TEST(message_of(scores).find("m.gguf: tokenizer.ggml.scores has") == 0, message_of(scores));
    Vocabulary bos = spm_vocab({});
    bos.bos = 5000;
    BOOST_TEST(message_of(bos).find("m.gguf: tokenizer.ggml.bos_token_id 5000") == 0, message_of(bos));
    Vocabulary model = spm_vocab({});
    model.model = "wordpiece";
    BOOST_TEST(message_of(model).find("m.gguf: tokenizer.ggml.model 'wordpiece'") == 0, message_of(model));
    Vocabulary empty = spm_vocab({});
    empty.tokens.clear(), empty.types.clear(), empty.scores.clear();
    BOOST_TEST(message_of(empty) == "m.gguf: tokenizer.ggml.tokens is empty");
    BOOST_TEST(message_of(spm_vocab({}), {.pre_tokenizer = "default"}).find("m.gguf: a pre-tokenizer") == 0);
}

// ---- The demo model's vocabulary against bitnet.cpp's reference ----

namespace {

const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

const Tokenizer& demo() {
    static const auto t = [] {
        const bitnet::gguf::GgufFile file(kModel);
        return load_tokenizer(file);
    }();
    return *t;
}

struct ReferenceCase {
    std::string prompt, text;
    std::vector<int32_t> prompt_ids, greedy_ids;
};

std::vector<ReferenceCase> reference_cases() {
    std::ifstream in(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    std::stringstream all;
    all << in.rdbuf();
    std::vector<ReferenceCase> cases;
    const auto ids = [](const boost::json::value& v) {
        std::vector<int32_t> out;
        for (const auto& x : v.as_array()) out.push_back(static_cast<int32_t>(x.to_number<int64_t>()));
        return out;
    };
    const boost::json::value root = boost::json::parse(all.str());
    for (const auto& c : root.at("cases").as_array()) {
        cases.push_back({std::string(c.at("prompt").as_string()), std::string(c.at("text").as_string()),
                         ids(c.at("prompt_ids")), ids(c.at("greedy_ids"))});
    }
    return cases;
}

}  // namespace

BOOST_AUTO_TEST_CASE(demo_model_encodes_each_reference_prompt_to_bitnet_cpp_ids) {
    const auto cases = reference_cases();
    BOOST_TEST(cases.size() == 3u);
    for (const auto& c : cases) check_ids(demo().encode(c.prompt, {}), c.prompt_ids, c.prompt);
}

BOOST_AUTO_TEST_CASE(demo_model_decodes_prompts_and_continuations_like_the_reference) {
    for (const auto& c : reference_cases()) {
        // The reference text is the continuation on its own, so the space its
        // first piece carries is dropped.
        BOOST_TEST(demo().decode(c.greedy_ids) == c.text, c.prompt << ": got '" << demo().decode(c.greedy_ids) << "'");
        BOOST_TEST(demo().detokenize(c.greedy_ids) == c.text);
        BOOST_TEST(demo().decode(c.prompt_ids) == c.prompt);
    }
}

BOOST_AUTO_TEST_CASE(demo_model_round_trips_text_outside_its_vocabulary_through_bytes) {
    const std::string text = "h\xC3\xA9llo \xE2\x98\x83 \xE6\xBC\xA2\xE5\xAD\x97";  // "héllo ☃ 漢字"
    const std::vector<int32_t> ids = demo().encode(text, {});
    const auto byte_tokens = std::count_if(ids.begin(), ids.end(), [](int32_t id) { return id >= 3 && id <= 258; });
    BOOST_TEST(byte_tokens == 11, "expected the 11 bytes of the 3 unknown characters as byte tokens, got " << format_ids(ids));
    BOOST_TEST(demo().decode(ids) == text, format_ids(ids));
}

BOOST_AUTO_TEST_CASE(demo_model_reads_its_special_ids) {
    BOOST_TEST(demo().kind() == "spm");
    BOOST_TEST(demo().n_vocab() == 1024);
    BOOST_TEST(demo().bos() == 1);
    BOOST_TEST(demo().eos() == 2);
    BOOST_TEST(demo().add_bos());
    BOOST_TEST(demo().is_end_of_generation(2));
    check_ids(demo().encode("", {}), {1}, "empty with BOS");
    check_ids(encode_plain(demo(), ""), {}, "empty without BOS");
}
