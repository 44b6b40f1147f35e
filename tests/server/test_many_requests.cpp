// SPDX-License-Identifier: MIT
// 1000 requests in one bitnet-server process (loopback, demo model, 4 tokens
// each, completions and chat, whole and streamed, a new connection each): no
// error, and the server's resident set after the last is within 5% of after
// the 100th, so nothing grows per request.
#define BOOST_TEST_MODULE server_many_requests
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "server_process.hpp"

using namespace bitnet::test;
namespace json = boost::json;

namespace {

// A counter's value in /metrics; -1 when it is missing.
long long counter(uint16_t port, const std::string& name) {
    const std::string metrics = get(port, "/metrics").body;
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoll(metrics.substr(at + name.size() + 2));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_thousand_requests_succeed_and_rss_stays_within_5_percent) {
    ServerProcess server;
    // /health polls that met the model still loading count as errors (503).
    const long long errors_before = counter(server.port(), "bitnet_request_errors_total");
    BOOST_REQUIRE(errors_before >= 0);
    constexpr int kRequests = 1000, kWarmUp = 100;
    uint64_t rss_warm = 0;
    int failures = 0;
    for (int i = 1; i <= kRequests; ++i) {
        const bool chat = i % 2 == 0, stream = i % 4 >= 2;
        json::object body{{"max_tokens", 4}, {"temperature", 0.8}, {"seed", i}, {"stream", stream}};
        if (chat)
            body["messages"] = json::array{json::object{{"role", "user"}, {"content", "Tell a story " + std::to_string(i)}}};
        else
            body["prompt"] = "Once upon a time " + std::to_string(i);
        auto reply = post(server.port(), chat ? "/v1/chat/completions" : "/v1/completions", body);
        bool ok = reply.status == 200u;
        if (ok && stream) {
            bool done = false;
            sse_events(reply.body, &done);
            ok = done;
        } else if (ok) {
            ok = reply.json().at("usage").at("completion_tokens").as_int64() >= 1;
        }
        if (!ok && ++failures <= 3) BOOST_ERROR("request " << i << ": status " << reply.status << " " << reply.body);
        if (i == kWarmUp) rss_warm = server.rss_bytes();
    }
    const uint64_t rss_end = server.rss_bytes();
    BOOST_TEST(failures == 0);
    BOOST_REQUIRE(rss_warm > 0);
    const double growth = (static_cast<double>(rss_end) - static_cast<double>(rss_warm)) / static_cast<double>(rss_warm);
    BOOST_TEST_MESSAGE("VmRSS after " << kWarmUp << ": " << rss_warm / 1024 << " kB, after " << kRequests << ": "
                                      << rss_end / 1024 << " kB (" << growth * 100 << "%)");
    BOOST_TEST(std::fabs(growth) <= 0.05, "VmRSS went from " << rss_warm << " to " << rss_end << " bytes");
    BOOST_TEST(counter(server.port(), "bitnet_request_errors_total") == errors_before);
    BOOST_TEST(counter(server.port(), "bitnet_completions_total") == kRequests);
}
