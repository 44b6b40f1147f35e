// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE stop
#include <boost/test/unit_test.hpp>

#include "bitnet/stop.hpp"

#include <random>
#include <string>
#include <vector>

using bitnet::sampling::StopIdSet;
using bitnet::sampling::StopMatcher;

namespace {

struct Streamed {
    std::string text;
    bool stopped = false;
    std::vector<std::string> emitted;  // each non-empty emission, in order
};

Streamed stream(StopMatcher& m, const std::vector<std::string>& pieces) {
    Streamed out;
    for (const auto& piece : pieces) {
        auto step = m.feed(piece);
        if (!step.emit.empty()) out.emitted.push_back(step.emit);
        out.text += step.emit;
        if (step.stopped) {
            out.stopped = true;
            return out;
        }
    }
    out.text += m.flush();
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(passes_text_through_without_stop_strings) {
    StopMatcher m;
    const auto out = stream(m, {"Once", " upon", " a <time>"});
    BOOST_TEST(out.text == "Once upon a <time>");
    BOOST_TEST(!out.stopped);
    BOOST_TEST(out.emitted.size() == 3u, "pieces were held back with nothing to match");
}

BOOST_AUTO_TEST_CASE(stops_inside_one_piece_and_emits_only_text_before_it) {
    StopMatcher m({"<|eot_id|>"});
    const auto out = stream(m, {"Hello", " there<|eot_id|>and more", "never"});
    BOOST_TEST(out.text == "Hello there");
    BOOST_TEST(out.stopped);
    BOOST_TEST(m.matched() == "<|eot_id|>");
    BOOST_TEST(m.feed("x").emit.empty(), "text emitted after the stop");
}

BOOST_AUTO_TEST_CASE(catches_stop_string_split_across_pieces_and_never_emits_it) {
    StopMatcher m({"<|eot_id|>"});
    const auto out = stream(m, {"Hi <", "|eot", "_id", "|>", " after"});
    BOOST_TEST(out.text == "Hi ");
    BOOST_TEST(out.stopped);
    for (const auto& e : out.emitted)
        BOOST_TEST(e.find('<') == std::string::npos, "emitted part of the stop string: '" << e << "'");
}

BOOST_AUTO_TEST_CASE(releases_held_text_once_it_cannot_start_a_stop_string) {
    StopMatcher m({"</s>"});
    auto first = m.feed("a </");
    BOOST_TEST(first.emit == "a ");
    auto second = m.feed("b>");
    BOOST_TEST(second.emit == "</b>");
    BOOST_TEST(!second.stopped);
    m.feed("end<");
    BOOST_TEST(m.flush() == "<", "flush() lost the held tail at the end of generation");
}

BOOST_AUTO_TEST_CASE(earliest_of_several_stop_strings_wins) {
    StopMatcher m({"bcd", "abc", "User:"});
    const auto out = stream(m, {"xab", "cd"});
    BOOST_TEST(out.text == "x");
    BOOST_TEST(m.matched() == "abc");
}

BOOST_AUTO_TEST_CASE(self_overlapping_stop_string_is_found_after_false_start) {
    StopMatcher m({"aab"});
    const auto out = stream(m, {"a", "a", "a", "b", "zz"});
    BOOST_TEST(out.text == "a");
    BOOST_TEST(out.stopped);
}

BOOST_AUTO_TEST_CASE(any_split_of_the_text_gives_the_same_result) {
    const std::string text = "The cat sat.\nUser: hello\nAssistant: hi";
    const std::vector<std::string> stops{"\nUser:", "<|eot_id|>"};
    std::mt19937 gen(5);
    for (int trial = 0; trial < 300; ++trial) {
        std::vector<std::string> pieces;
        for (size_t at = 0; at < text.size();) {
            const size_t n = std::uniform_int_distribution<size_t>(0, 4)(gen);
            pieces.push_back(text.substr(at, n));
            at += n;
        }
        StopMatcher m(stops);
        const auto out = stream(m, pieces);
        BOOST_TEST_REQUIRE(out.text == "The cat sat.", "trial " << trial << " emitted '" << out.text << "'");
        BOOST_TEST_REQUIRE(out.stopped);
    }
}

BOOST_AUTO_TEST_CASE(reset_forgets_held_text_and_stop_state) {
    StopMatcher m({"###"});
    m.feed("a###");
    BOOST_TEST(m.stopped());
    m.reset();
    BOOST_TEST(!m.stopped());
    BOOST_TEST(m.feed("b#").emit == "b");
    m.reset();
    BOOST_TEST(m.flush().empty());
}

BOOST_AUTO_TEST_CASE(stop_id_set_holds_each_id_once) {
    StopIdSet ids({128009, 2, 128009});
    ids.insert(7);
    ids.insert(2);
    BOOST_TEST(ids.contains(2));
    BOOST_TEST(ids.contains(7));
    BOOST_TEST(ids.contains(128009));
    BOOST_TEST(!ids.contains(3));
    BOOST_TEST(ids.ids() == (std::vector<int32_t>{2, 7, 128009}), "ids not ascending and unique");
    BOOST_TEST(StopIdSet{}.empty());
}
