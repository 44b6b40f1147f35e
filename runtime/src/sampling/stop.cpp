// SPDX-License-Identifier: MIT
// Stop strings over streamed text and the stop-id set.
#include "bitnet/stop.hpp"

#include <algorithm>

namespace bitnet::sampling {

StopMatcher::StopMatcher(std::vector<std::string> stops) {
    for (auto& s : stops)
        if (!s.empty()) stops_.push_back(std::move(s));
}

StopMatcher::Step StopMatcher::feed(std::string_view piece) {
    if (stopped_) return {"", true};
    held_.append(piece);

    // The earliest complete stop string wins; among stop strings starting at the
    // same place the first listed does.
    size_t stop_at = std::string::npos;
    for (const auto& s : stops_) {
        const size_t at = held_.find(s);
        if (at < stop_at) {
            stop_at = at;
            matched_ = s;
        }
    }
    if (stop_at != std::string::npos) {
        std::string emit = held_.substr(0, stop_at);
        held_.clear();
        stopped_ = true;
        return {std::move(emit), true};
    }

    // Hold back the longest tail of the text that is a proper prefix of some stop
    // string. Nothing before that tail can begin a stop string, so it is safe.
    size_t hold = 0;
    for (const auto& s : stops_) {
        const size_t longest = std::min(s.size() - 1, held_.size());
        for (size_t n = longest; n > hold; --n) {
            if (held_.compare(held_.size() - n, n, s, 0, n) == 0) {
                hold = n;
                break;
            }
        }
    }
    std::string emit = held_.substr(0, held_.size() - hold);
    held_.erase(0, held_.size() - hold);
    return {std::move(emit), false};
}

std::string StopMatcher::flush() {
    std::string out;
    out.swap(held_);
    return out;
}

void StopMatcher::reset() {
    held_.clear();
    matched_.clear();
    stopped_ = false;
}

StopIdSet::StopIdSet(std::vector<int32_t> ids) : ids_(std::move(ids)) {
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

void StopIdSet::insert(int32_t id) {
    const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
    if (it == ids_.end() || *it != id) ids_.insert(it, id);
}

bool StopIdSet::contains(int32_t id) const {
    return std::binary_search(ids_.begin(), ids_.end(), id);
}

}  // namespace bitnet::sampling
