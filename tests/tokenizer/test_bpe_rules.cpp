// SPDX-License-Identifier: MIT
// Byte-level BPE on small vocabularies made here: merge ranks, pre-tokenizer rule
// choice, the byte mapping, special tokens. The full Llama 3 reference runs in
// test_bpe.cpp.
#define BOOST_TEST_MODULE tokenizer_bpe_rules
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "bitnet/error.hpp"
#include "bitnet/tokenizer.hpp"
#include "reference_files.hpp"

using bitnet::test::format_ids;
using namespace bitnet::tokenizer;

namespace {

// Token i has text tokens[i] (already in GPT-2's mapped characters).
Vocabulary bpe_vocab(std::vector<std::string> tokens, std::vector<std::string> merges,
                     std::optional<std::string> pre = "default") {
    Vocabulary v;
    v.model = "gpt2";
    v.pre = std::move(pre);
    v.tokens = std::move(tokens);
    v.merges = std::move(merges);
    return v;
}

std::vector<int32_t> encode_plain(const Tokenizer& t, std::string_view text) {
    return t.encode(text, {.add_bos = false, .parse_special = false});
}

void check_ids(const std::vector<int32_t>& got, const std::vector<int32_t>& expected, std::string_view what) {
    BOOST_TEST((got == expected), what << ": expected " << format_ids(expected) << ", got " << format_ids(got));
}

std::string error_of(Vocabulary v, TokenizerOptions o = {}) {
    try {
        make_tokenizer(std::move(v), o, "v.gguf");
    } catch (const bitnet::Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

BOOST_AUTO_TEST_CASE(merges_apply_by_rank_not_by_token_order) {
    const std::vector<std::string> tokens{"a", "b", "c", "ab", "bc"};
    const auto bc_first = make_tokenizer(bpe_vocab(tokens, {"b c", "a b"}));
    check_ids(encode_plain(*bc_first, "abc"), {0, 4}, "'b c' ranked first");
    const auto ab_first = make_tokenizer(bpe_vocab(tokens, {"a b", "b c"}));
    check_ids(encode_plain(*ab_first, "abc"), {3, 2}, "'a b' ranked first");
}

BOOST_AUTO_TEST_CASE(merges_never_cross_pre_token_boundaries) {
    // "\xC4\xA0" is the mapped space (U+0120).
    const auto t = make_tokenizer(bpe_vocab({"a", "b", "\xC4\xA0", "a\xC4\xA0", "\xC4\xA0" "b"},
                                            {"a \xC4\xA0", "\xC4\xA0 b"}));
    check_ids(encode_plain(*t, "a b"), {0, 4}, "'a b' splits as 'a', ' b'");
    BOOST_TEST(t->decode(encode_plain(*t, "a b")) == "a b");
}

BOOST_AUTO_TEST_CASE(llama_bpe_keeps_a_whole_pre_token_found_in_the_vocabulary) {
    const std::vector<std::string> tokens{"h", "e", "y", "hey", "he"};
    const auto llama = make_tokenizer(bpe_vocab(tokens, {"h e"}, "llama-bpe"));
    check_ids(encode_plain(*llama, "hey"), {3}, "llama-bpe");
    const auto fallback = make_tokenizer(bpe_vocab(tokens, {"h e"}, "default"));
    check_ids(encode_plain(*fallback, "hey"), {4, 2}, "default merges only");
    const auto forced = make_tokenizer(bpe_vocab(tokens, {"h e"}, "llama-bpe"), {.pre_tokenizer = "default"});
    check_ids(encode_plain(*forced, "hey"), {4, 2}, "llama-bpe file forced to default");
}

BOOST_AUTO_TEST_CASE(default_rule_splits_digits_in_threes_and_punctuation_from_spaces) {
    const std::vector<std::string> tokens{"1", "2", "3", "4", "12", "123", "\xC4\xA0", "!", "\xC4\xA0!"};
    const std::vector<std::string> merges{"1 2", "12 3", "\xC4\xA0 !"};
    const auto fallback = make_tokenizer(bpe_vocab(tokens, merges, "default"));
    check_ids(encode_plain(*fallback, "1234"), {5, 3}, "default: 1234");
    // Its punctuation regex runs before GPT-2's, so " !" never meets as one piece.
    check_ids(encode_plain(*fallback, " !"), {6, 7}, "default: ' !'");
    const auto llama = make_tokenizer(bpe_vocab(tokens, merges, "llama-bpe"));
    check_ids(encode_plain(*llama, "1234"), {5, 3}, "llama-bpe: 1234");
    check_ids(encode_plain(*llama, " !"), {8}, "llama-bpe: ' !'");
    // Falcon3's files say "falcon3"; llama.cpp runs that as the Llama 3 rule.
    for (const char* falcon : {"falcon3", "falcon_e"}) {
        const auto f = make_tokenizer(bpe_vocab(tokens, merges, falcon));
        check_ids(encode_plain(*f, " !"), {8}, std::string(falcon) + ": ' !'");
        BOOST_TEST(f->describe_rule().find("pre-tokenizer llama-bpe: tokenizer.ggml.pre = " + std::string(falcon)) !=
                   std::string::npos, f->describe_rule());
    }
}

BOOST_AUTO_TEST_CASE(bytes_map_to_gpt2_characters_and_back) {
    // Space -> U+0120, newline -> U+010A, 0xFF -> U+00FF; invalid UTF-8 becomes
    // U+FFFD (EF BF BD -> U+00EF U+00BF U+00BD) before splitting.
    const auto t = make_tokenizer(bpe_vocab({"\xC4\xA0", "\xC4\x8A", "\xC3\xAF", "\xC2\xBF", "\xC2\xBD", "x"}, {}));
    check_ids(encode_plain(*t, " \nx"), {0, 1, 5}, "space newline x");
    check_ids(encode_plain(*t, "\xFF"), {2, 3, 4}, "invalid byte");
    BOOST_TEST(t->decode(std::vector<int32_t>{0, 1, 5}) == " \nx");
    BOOST_TEST(t->token_to_piece(2) == "\xEF");
}

BOOST_AUTO_TEST_CASE(special_tokens_are_cut_out_before_splitting) {
    Vocabulary v = bpe_vocab({"<", "|", ">", "e", "x", "<|e|>", "<|u|>", "u"}, {});
    v.types = {1, 1, 1, 1, 1, 3, 4, 1};
    const auto t = make_tokenizer(std::move(v));
    check_ids(t->encode("x<|e|>x", {.add_bos = false, .parse_special = true}), {4, 5, 4}, "control, parsed");
    check_ids(encode_plain(*t, "x<|e|>"), {4, 0, 1, 3, 1, 2}, "control, plain");
    // User-defined tokens are matched even when not parsing special text.
    check_ids(encode_plain(*t, "x<|u|>"), {4, 6}, "user-defined, plain");
    BOOST_TEST(t->decode(std::vector<int32_t>{4, 5, 6}) == "x<|u|>");
    BOOST_TEST(t->decode(std::vector<int32_t>{4, 5, 6}, true) == "x<|e|><|u|>");
}

BOOST_AUTO_TEST_CASE(end_of_generation_covers_eos_and_end_of_turn_tokens) {
    Vocabulary v = bpe_vocab({"a", "<|end_of_text|>", "<|eot_id|>", "<|other|>"}, {});
    v.types = {1, 3, 3, 3};
    v.eos = 1;
    const auto t = make_tokenizer(std::move(v));
    BOOST_TEST(t->is_end_of_generation(1));
    BOOST_TEST(t->is_end_of_generation(2));
    BOOST_TEST(!t->is_end_of_generation(3));
    BOOST_TEST(!t->is_end_of_generation(0));
}

BOOST_AUTO_TEST_CASE(rule_description_names_the_rule_and_its_reason) {
    const auto from_key = make_tokenizer(bpe_vocab({"a"}, {}, "llama-bpe"));
    BOOST_TEST(from_key->describe_rule().find("pre-tokenizer llama-bpe: tokenizer.ggml.pre = llama-bpe") !=
                   std::string::npos,
               from_key->describe_rule());
    const auto absent = make_tokenizer(bpe_vocab({"a"}, {}, std::nullopt));
    BOOST_TEST(absent->describe_rule().find("pre-tokenizer default: tokenizer.ggml.pre is absent") !=
                   std::string::npos,
               absent->describe_rule());
    const auto forced = make_tokenizer(bpe_vocab({"a"}, {}, std::nullopt), {.pre_tokenizer = "llama-bpe"});
    BOOST_TEST(forced->describe_rule().find("pre-tokenizer llama-bpe: forced") != std::string::npos,
               forced->describe_rule());
}

BOOST_AUTO_TEST_CASE(rejects_unknown_rules_and_malformed_merges) {
    BOOST_TEST(error_of(bpe_vocab({"a"}, {}, "qwen2")).find("v.gguf: tokenizer.ggml.pre 'qwen2' is not supported") == 0,
               error_of(bpe_vocab({"a"}, {}, "qwen2")));
    // Forcing a rule makes an unknown key usable.
    BOOST_TEST(error_of(bpe_vocab({"a"}, {}, "qwen2"), {.pre_tokenizer = "default"}) == "no error");
    BOOST_TEST(error_of(bpe_vocab({"a"}, {}), {.pre_tokenizer = "gpt4"}).find("unknown pre-tokenizer 'gpt4'") == 0);
    BOOST_TEST(error_of(bpe_vocab({"a", "b"}, {"ab"})).find("v.gguf: merge 0 'ab'") == 0,
               error_of(bpe_vocab({"a", "b"}, {"ab"})));
}

BOOST_AUTO_TEST_CASE(detokenize_tidies_spaces_like_bitnet_cpp_while_decode_stays_lossless) {
    // 0 "a", 1 space, 2 "'", 3 "s", 4 "t", 5 "?", 6 "re", 7 "ll"
    const auto t = make_tokenizer(bpe_vocab({"a", "\xC4\xA0", "'", "s", "t", "?", "re", "ll"}, {}));
    const auto detok = [&](std::vector<int32_t> ids) { return t->detokenize(ids); };
    BOOST_TEST(detok({0, 1, 5}) == "a?");
    BOOST_TEST(detok({0, 1, 2, 1, 0}) == "a'a");
    BOOST_TEST(detok({0, 1, 2, 3}) == "a's");
    BOOST_TEST(detok({0, 1, 2, 6}) == "a're");
    BOOST_TEST(detok({0, 1, 2, 4}) == "a 't");
    BOOST_TEST(detok({0, 1, 2, 7}) == "a 'll");
    BOOST_TEST(t->decode(std::vector<int32_t>{0, 1, 2, 3, 1, 5}) == "a 's ?");
}
