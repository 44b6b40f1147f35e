// SPDX-License-Identifier: MIT
// What bitnet-plugin-check found, one line per check, in the order run. Any
// kFail makes the run fail; kWarn is printed but does not.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace bitnet::plugin_check {

enum class Status { kOk, kInfo, kWarn, kFail, kPass, kSkip };

struct Finding {
    Status status;
    std::string topic;  // "file", "entry", "descriptor", a kernel id, ...
    std::string text;
};

class Report {
public:
    void add(Status status, std::string topic, std::string text);
    void ok(std::string topic, std::string text) { add(Status::kOk, std::move(topic), std::move(text)); }
    void info(std::string topic, std::string text) { add(Status::kInfo, std::move(topic), std::move(text)); }
    void warn(std::string topic, std::string text) { add(Status::kWarn, std::move(topic), std::move(text)); }
    void fail(std::string topic, std::string text) { add(Status::kFail, std::move(topic), std::move(text)); }

    int count(Status status) const;
    bool failed() const { return count(Status::kFail) > 0; }
    const std::vector<Finding>& findings() const { return findings_; }

    // Each finding as it is added, so a crash still leaves the lines before it.
    void stream_to(std::ostream* out) { out_ = out; }

private:
    std::vector<Finding> findings_;
    std::ostream* out_{nullptr};
};

const char* status_label(Status status);

}  // namespace bitnet::plugin_check
