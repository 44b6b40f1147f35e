// SPDX-License-Identifier: MIT
#include "api_response.hpp"

#include <boost/json.hpp>

namespace bitnet::server {
namespace {

namespace json = boost::json;

json::object usage(const JobOutcome& out) {
    return {{"prompt_tokens", out.prompt_tokens},
            {"completion_tokens", out.completion_tokens},
            {"total_tokens", out.prompt_tokens + out.completion_tokens}};
}

json::object envelope(const ResponseMeta& meta, bool chunk) {
    const char* object = meta.chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion";
    return {{"id", meta.id}, {"object", object}, {"created", meta.created}, {"model", meta.model}};
}

// A chunk's one choice: a delta for chat, a text for completions.
json::object chunk_choice(const ResponseMeta& meta, json::object delta, std::string_view text, json::value finish) {
    json::object c{{"index", 0}, {"finish_reason", std::move(finish)}};
    if (meta.chat)
        c["delta"] = std::move(delta);
    else {
        c["text"] = text;
        c["logprobs"] = nullptr;
    }
    return c;
}

std::string event(const json::object& o) { return "data: " + json::serialize(o) + "\n\n"; }

}  // namespace

const char* finish_reason(StopReason stop) {
    return stop == StopReason::Length || stop == StopReason::Context ? "length" : "stop";
}

std::string error_body(std::string_view message, std::string_view type, std::string_view param, std::string_view code) {
    json::object e{{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
    if (!param.empty()) e["param"] = param;
    if (!code.empty()) e["code"] = code;
    return json::serialize(json::object{{"error", std::move(e)}});
}

std::string completion_body(const ResponseMeta& meta, const std::string& text, const JobOutcome& out) {
    json::object choice{{"index", 0}, {"finish_reason", finish_reason(out.stop)}};
    if (meta.chat)
        choice["message"] = json::object{{"role", "assistant"}, {"content", text}};
    else {
        choice["text"] = text;
        choice["logprobs"] = nullptr;
    }
    auto o = envelope(meta, false);
    o["choices"] = json::array{std::move(choice)};
    o["usage"] = usage(out);
    return json::serialize(o);
}

std::string stream_text_event(const ResponseMeta& meta, std::string_view text) {
    auto o = envelope(meta, true);
    o["choices"] = json::array{chunk_choice(meta, {{"content", text}}, text, nullptr)};
    return event(o);
}

std::string stream_role_event(const ResponseMeta& meta) {
    auto o = envelope(meta, true);
    o["choices"] = json::array{chunk_choice(meta, {{"role", "assistant"}, {"content", ""}}, "", nullptr)};
    return event(o);
}

std::string stream_finish_event(const ResponseMeta& meta, const JobOutcome& out) {
    auto o = envelope(meta, true);
    o["choices"] = json::array{chunk_choice(meta, {}, "", finish_reason(out.stop))};
    return event(o);
}

std::string stream_usage_event(const ResponseMeta& meta, const JobOutcome& out) {
    auto o = envelope(meta, true);
    o["choices"] = json::array{};
    o["usage"] = usage(out);
    return event(o);
}

std::string models_body(const std::string& model, int64_t created) {
    json::object m{{"id", model}, {"object", "model"}, {"created", created}, {"owned_by", "bitnet-runtime"}};
    return json::serialize(json::object{{"object", "list"}, {"data", json::array{std::move(m)}}});
}

}  // namespace bitnet::server
