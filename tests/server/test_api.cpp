// SPDX-License-Identifier: MIT
// bitnet-server's endpoints against the demo model: health, models, metrics,
// completions and chat completions, whole and streamed, stop strings, receipts,
// and greedy output equal to bitnet-run's.
#define BOOST_TEST_MODULE server_api
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "../gguf/run_tool.hpp"
#include "server_process.hpp"

using namespace bitnet::test;
namespace json = boost::json;

namespace {

std::string text_of(const json::value& completion) {
    const auto& choice = completion.at("choices").at(0);
    if (choice.as_object().contains("message")) return std::string(choice.at("message").at("content").as_string());
    return std::string(choice.at("text").as_string());
}

std::string finish_of(const json::value& completion) {
    return std::string(completion.at("choices").at(0).at("finish_reason").as_string());
}

json::object greedy(std::string prompt, int max_tokens) {
    return {{"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(health_models_and_metrics_answer) {
    ServerProcess server;
    auto health = get(server.port(), "/health");
    BOOST_TEST(health.status == 200u);
    BOOST_TEST(health.body == R"({"status":"ok"})");
    auto models = get(server.port(), "/v1/models");
    BOOST_TEST(models.status == 200u);
    BOOST_TEST(models.json().at("data").at(0).at("id").as_string() == "stories-bitnet-i2_s.gguf");
    post(server.port(), "/v1/completions", greedy("Once upon a time", 8));
    auto metrics = get(server.port(), "/metrics");
    BOOST_TEST(metrics.status == 200u);
    for (const char* name : {"bitnet_requests_total", "bitnet_generated_tokens_total 8", "bitnet_queue_depth",
                             "bitnet_active_slots", "bitnet_decode_tokens_per_second"})
        BOOST_TEST(metrics.body.find(name) != std::string::npos, "metrics lack '" << name << "':\n" << metrics.body);
    BOOST_TEST(get(server.port(), "/nowhere").status == 404u);
    BOOST_TEST(post(server.port(), "/health", std::string("{}")).status == 405u);
}

BOOST_AUTO_TEST_CASE(greedy_completion_equals_bitnet_run) {
    const std::string prompt = "Once upon a time";
    auto run = run_tool(tool_path("bitnet-run"),
                        {"-m", demo_model(), "-p", prompt, "-n", "40", "--temp", "0", "-t", "1"});
    BOOST_REQUIRE_MESSAGE(run.exited && run.status == 0, run.err);
    ServerProcess server;
    auto reply = post(server.port(), "/v1/completions", greedy(prompt, 40));
    BOOST_REQUIRE(reply.status == 200u);
    const auto doc = reply.json();
    BOOST_TEST(prompt + text_of(doc) + "\n" == run.out);
    const auto& usage = doc.at("usage");
    BOOST_TEST(usage.at("completion_tokens").as_int64() <= 40);
    BOOST_TEST(usage.at("total_tokens").as_int64() ==
               usage.at("prompt_tokens").as_int64() + usage.at("completion_tokens").as_int64());
}

BOOST_AUTO_TEST_CASE(frequency_and_presence_penalties_are_applied_as_bitnet_run_applies_them) {
    const std::string prompt = "Once upon a time";
    auto run = run_tool(tool_path("bitnet-run"), {"-m", demo_model(), "-p", prompt, "-n", "40", "--temp", "0", "-t",
                                                  "1", "--frequency-penalty", "1.5", "--presence-penalty", "0.5"});
    BOOST_REQUIRE_MESSAGE(run.exited && run.status == 0, run.err);
    ServerProcess server;
    auto plain = post(server.port(), "/v1/completions", greedy(prompt, 40));
    auto body = greedy(prompt, 40);
    body["frequency_penalty"] = 1.5;
    body["presence_penalty"] = 0.5;
    auto penalized = post(server.port(), "/v1/completions", body);
    BOOST_REQUIRE_MESSAGE(penalized.status == 200u, penalized.body);
    BOOST_TEST(prompt + text_of(penalized.json()) + "\n" == run.out);
    BOOST_TEST(text_of(penalized.json()) != text_of(plain.json()), "the penalties changed nothing");
}

BOOST_AUTO_TEST_CASE(chat_completion_whole_and_streamed_agree) {
    ServerProcess server;
    json::object body{{"messages", json::array{json::object{{"role", "system"}, {"content", "Tell stories."}},
                                               json::object{{"role", "user"}, {"content", "A story about a cat"}}}},
                      {"max_tokens", 24}, {"temperature", 0}, {"an_unknown_field", json::array{1, 2}}};
    auto whole = post(server.port(), "/v1/chat/completions", body);
    BOOST_REQUIRE_MESSAGE(whole.status == 200u, whole.body);
    BOOST_TEST(whole.json().at("object").as_string() == "chat.completion");
    BOOST_TEST(whole.json().at("choices").at(0).at("message").at("role").as_string() == "assistant");
    const std::string finish = finish_of(whole.json());
    BOOST_TEST((finish == "stop" || finish == "length"));

    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
    auto streamed = post(server.port(), "/v1/chat/completions", body);
    BOOST_REQUIRE(streamed.status == 200u);
    BOOST_TEST(streamed.fields["Content-Type"] == "text/event-stream");
    bool done = false;
    auto events = sse_events(streamed.body, &done);
    BOOST_TEST(done, "the stream does not end with data: [DONE]:\n" << streamed.body);
    BOOST_REQUIRE(events.size() >= 3u);
    BOOST_TEST(events.front().at("choices").at(0).at("delta").at("role").as_string() == "assistant");
    std::string text, last_finish;
    for (const auto& e : events) {
        BOOST_TEST(e.at("object").as_string() == "chat.completion.chunk");
        if (e.at("choices").as_array().empty()) {
            BOOST_TEST(e.at("usage") == whole.json().at("usage"));
            continue;
        }
        const auto& c = e.at("choices").at(0);
        if (const auto* content = c.at("delta").as_object().if_contains("content")) text += content->as_string();
        if (c.at("finish_reason").is_string()) last_finish = c.at("finish_reason").as_string();
    }
    BOOST_TEST(text == text_of(whole.json()));
    BOOST_TEST(last_finish == finish);
}

BOOST_AUTO_TEST_CASE(streamed_completion_uses_text_completion_chunks) {
    ServerProcess server;
    auto body = greedy("Once upon a time", 12);
    auto whole = post(server.port(), "/v1/completions", body);
    body["stream"] = true;
    auto streamed = post(server.port(), "/v1/completions", body);
    bool done = false;
    auto events = sse_events(streamed.body, &done);
    BOOST_TEST(done);
    std::string text;
    for (const auto& e : events) text += e.at("choices").at(0).at("text").as_string();
    BOOST_TEST(text == text_of(whole.json()));
    BOOST_TEST(finish_of(events.back()) == "length");
}

BOOST_AUTO_TEST_CASE(stop_strings_end_the_text_before_them) {
    ServerProcess server;
    auto free_run = post(server.port(), "/v1/completions", greedy("Once upon a time", 40));
    const std::string full = text_of(free_run.json());
    const size_t cut = full.find(' ', full.size() / 2);
    BOOST_REQUIRE(cut != std::string::npos);
    const std::string stop = full.substr(cut, 4);
    for (json::value stops : {json::value(stop), json::value(json::array{"never-there", stop})}) {
        auto body = greedy("Once upon a time", 40);
        body["stop"] = stops;
        auto reply = post(server.port(), "/v1/completions", body);
        BOOST_TEST(text_of(reply.json()) == full.substr(0, full.find(stop)), "stop " << stops);
        BOOST_TEST(finish_of(reply.json()) == "stop");
        body["stream"] = true;
        bool done = false;
        std::string text;
        for (const auto& e : sse_events(post(server.port(), "/v1/completions", body).body, &done))
            text += e.at("choices").at(0).at("text").as_string();
        BOOST_TEST(text == full.substr(0, full.find(stop)));
    }
}

BOOST_AUTO_TEST_CASE(one_receipt_per_request_passes_verify) {
    bitnet::test::TempDir dir;
    ServerProcess server({"--receipt-dir", dir.path().string()});
    BOOST_REQUIRE(post(server.port(), "/v1/completions", greedy("Once upon a time", 8)).status == 200u);
    BOOST_REQUIRE(post(server.port(), "/v1/completions", greedy("The dog", 8)).status == 200u);
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path().string());
    BOOST_REQUIRE(files.size() == 2u);
    auto verify = run_tool(tool_path("bitnet-receipt"), {"verify", files[0], files[1]});
    BOOST_TEST(verify.status == 0, verify.out << verify.err);
}
