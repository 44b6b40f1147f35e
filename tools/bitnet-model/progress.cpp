// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace bitnet::model_tool {

namespace {

constexpr auto kRedraw = std::chrono::milliseconds(200);
constexpr auto kRateWindow = std::chrono::seconds(5);
constexpr auto kQuietLineGap = std::chrono::seconds(10);  // Lines style without a known total
constexpr int kBarWidth = 24;

std::string format_duration(double s) {
    if (!(s >= 0) || s > 99 * 3600) return "--:--";
    const long t = static_cast<long>(s + 0.5);
    char buf[32];
    if (t >= 3600) std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else std::snprintf(buf, sizeof(buf), "%ld:%02ld", t / 60, t % 60);
    return buf;
}

}  // namespace

ProgressStyle default_progress_style() { return ::isatty(STDERR_FILENO) ? ProgressStyle::Bar : ProgressStyle::Lines; }

std::string format_bytes(uint64_t n) {
    static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0) std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(n));
    else std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[u]);
    return buf;
}

Progress::Progress(std::string label, ProgressStyle style, std::ostream& out)
    : label_(std::move(label)), style_(style), out_(out) {}

void Progress::start(uint64_t done, std::optional<uint64_t> total) {
    total_ = total;
    started_ = Clock::now();
    last_draw_ = Clock::time_point{};
    window_.clear();
    window_.emplace_back(started_, done);
    if (style_ == ProgressStyle::Lines) {
        last_tenth_ = total_ && *total_ ? static_cast<int>(done * 10 / *total_) : -1;
        out_ << label_ << ": " << (done ? "resuming at " + format_bytes(done) : std::string("starting"))
             << (total_ ? " of " + format_bytes(*total_) : std::string()) << "\n"
             << std::flush;
        last_draw_ = started_;
    }
}

double Progress::rate() const {
    if (window_.size() < 2) return 0;
    const double dt = std::chrono::duration<double>(window_.back().first - window_.front().first).count();
    return dt > 0 ? static_cast<double>(window_.back().second - window_.front().second) / dt : 0;
}

std::string Progress::line(uint64_t done) const {
    const double r = rate();
    std::string s;
    char buf[64];
    if (total_ && *total_) {
        std::snprintf(buf, sizeof(buf), "%3d%%", static_cast<int>(done * 100 / *total_));
        s = std::string(buf) + "  " + format_bytes(done) + " / " + format_bytes(*total_);
    } else {
        s = format_bytes(done);
    }
    s += "  " + format_bytes(static_cast<uint64_t>(r)) + "/s";
    if (total_ && r > 0 && *total_ >= done) s += "  ETA " + format_duration(static_cast<double>(*total_ - done) / r);
    return s;
}

void Progress::update(uint64_t done) {
    if (style_ == ProgressStyle::None) return;
    const auto now = Clock::now();
    window_.emplace_back(now, done);
    while (window_.size() > 2 && now - window_.front().first > kRateWindow) window_.pop_front();
    if (style_ == ProgressStyle::Bar) {
        if (now - last_draw_ < kRedraw) return;
        last_draw_ = now;
        std::string bar;
        if (total_ && *total_) {
            const int filled = static_cast<int>(std::min<uint64_t>(done, *total_) * kBarWidth / *total_);
            bar = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
        }
        out_ << "\r" << label_ << " " << bar << line(done) << "\x1b[K" << std::flush;
        bar_open_ = true;
        return;
    }
    // Lines: one per tenth of a known size, else one every few seconds.
    if (total_ && *total_) {
        const int tenth = static_cast<int>(std::min<uint64_t>(done, *total_) * 10 / *total_);
        if (tenth <= last_tenth_ || tenth == 10) return;
        last_tenth_ = tenth;
    } else {
        if (now - last_draw_ < kQuietLineGap) return;
    }
    last_draw_ = now;
    out_ << label_ << ": " << line(done) << "\n" << std::flush;
}

void Progress::interrupt() {
    if (bar_open_) out_ << "\n" << std::flush;
    bar_open_ = false;
}

void Progress::finish(uint64_t done) {
    if (style_ == ProgressStyle::None) return;
    const double secs = std::chrono::duration<double>(Clock::now() - started_).count();
    // On a terminal the summary replaces the bar's line.
    out_ << (bar_open_ ? "\r" : "") << label_ << ": transfer complete, " << format_bytes(done)
         << " (this attempt took " << format_duration(secs) << ")" << (bar_open_ ? "\x1b[K" : "") << "\n"
         << std::flush;
    bar_open_ = false;
}

}  // namespace bitnet::model_tool
