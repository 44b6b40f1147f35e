// SPDX-License-Identifier: MIT
#include "report.hpp"

#include <algorithm>

namespace bitnet::plugin_check {

const char* status_label(Status status) {
    switch (status) {
        case Status::kOk: return "ok";
        case Status::kInfo: return "info";
        case Status::kWarn: return "WARN";
        case Status::kFail: return "FAIL";
        case Status::kPass: return "PASS";
        case Status::kSkip: return "SKIP";
    }
    return "?";
}

void Report::add(Status status, std::string topic, std::string text) {
    findings_.push_back({status, std::move(topic), std::move(text)});
    if (out_) {
        const Finding& f = findings_.back();
        *out_ << status_label(f.status) << std::string(5 - std::string(status_label(f.status)).size(), ' ')
              << f.topic << ": " << f.text << "\n"
              << std::flush;
    }
}

int Report::count(Status status) const {
    return static_cast<int>(
        std::count_if(findings_.begin(), findings_.end(), [&](const Finding& f) { return f.status == status; }));
}

}  // namespace bitnet::plugin_check
