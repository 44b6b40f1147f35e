// SPDX-License-Identifier: MIT
// When to stop generating: stop strings found in the streamed text, and token ids
// that end generation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bitnet::sampling {

// Watches the text pieces of a generation for stop strings. Text that could be the
// start of a stop string is held back until the next piece settles it, so a stop
// string split across pieces is still caught and none of it is ever emitted.
class StopMatcher {
public:
    // Empty strings are ignored; with no stop strings every piece passes through.
    explicit StopMatcher(std::vector<std::string> stops = {});

    struct Step {
        std::string emit;   // text safe to show now (everything before a stop string)
        bool stopped;       // a stop string was completed; later pieces are ignored
    };

    // Appends one piece of generated text.
    Step feed(std::string_view piece);

    // At the end of a generation that did not stop: the text still held back,
    // which is then known not to start a stop string. Empty after a stop.
    std::string flush();

    bool stopped() const { return stopped_; }
    // The stop string that ended the generation, or "" if none did.
    const std::string& matched() const { return matched_; }
    const std::vector<std::string>& stops() const { return stops_; }

    // Forgets held text and the stopped state (e.g. between chat turns).
    void reset();

private:
    std::vector<std::string> stops_;
    std::string held_;
    std::string matched_;
    bool stopped_ = false;
};

// Token ids that end a generation (EOS, EOT, user-given ids). Small and looked up
// once per token, so a sorted vector.
class StopIdSet {
public:
    StopIdSet() = default;
    explicit StopIdSet(std::vector<int32_t> ids);

    void insert(int32_t id);
    bool contains(int32_t id) const;
    bool empty() const { return ids_.empty(); }
    const std::vector<int32_t>& ids() const { return ids_; }  // ascending, unique

private:
    std::vector<int32_t> ids_;
};

}  // namespace bitnet::sampling
