// SPDX-License-Identifier: MIT
#include "api_request.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <optional>
#include <random>

#include "api_error.hpp"
#include "bitnet/chat_template.hpp"
#include "bitnet/error.hpp"

namespace bitnet::server {
namespace {

namespace json = boost::json;

const json::value* field(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

std::optional<double> number(const json::object& o, std::string_view key) {
    const auto* v = field(o, key);
    if (!v) return std::nullopt;
    if (!v->is_number()) throw ApiError(400, "'" + std::string(key) + "' must be a number", std::string(key));
    double d = v->to_number<double>();
    if (!std::isfinite(d)) throw ApiError(400, "'" + std::string(key) + "' must be finite", std::string(key));
    return d;
}

std::optional<int64_t> integer(const json::object& o, std::string_view key) {
    auto d = number(o, key);
    if (!d) return std::nullopt;
    if (*d != std::floor(*d) || std::fabs(*d) > 9.0e15)
        throw ApiError(400, "'" + std::string(key) + "' must be an integer", std::string(key));
    return static_cast<int64_t>(*d);
}

std::optional<bool> boolean(const json::object& o, std::string_view key) {
    const auto* v = field(o, key);
    if (!v) return std::nullopt;
    if (!v->is_bool()) throw ApiError(400, "'" + std::string(key) + "' must be a boolean", std::string(key));
    return v->as_bool();
}

void check(bool ok, const std::string& key, const std::string& what) {
    if (!ok) throw ApiError(400, "'" + key + "' " + what, key);
}

// A message's content: a string, or an array of {"type":"text","text":...} parts.
std::string content_text(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_array()) {
        std::string text;
        for (const auto& part : v.as_array()) {
            const auto* p = part.if_object();
            const auto* t = p ? p->if_contains("text") : nullptr;
            if (!t || !t->is_string()) throw ApiError(400, "'content' parts must be {\"type\": \"text\", \"text\": ...}", "messages");
            text += t->as_string();
        }
        return text;
    }
    throw ApiError(400, "a message's 'content' must be a string or an array of text parts", "messages");
}

std::string chat_prompt(const json::object& o) {
    const auto* v = field(o, "messages");
    if (!v) throw ApiError(400, "'messages' is required", "messages");
    if (!v->is_array() || v->as_array().empty()) throw ApiError(400, "'messages' must be a non-empty array", "messages");
    std::vector<chat::Message> messages;
    for (const auto& m : v->as_array()) {
        const auto* mo = m.if_object();
        if (!mo) throw ApiError(400, "each message must be an object", "messages");
        const auto* role = field(*mo, "role");
        if (!role || !role->is_string()) throw ApiError(400, "each message needs a string 'role'", "messages");
        const auto* content = field(*mo, "content");
        messages.push_back({std::string(role->as_string()), content ? content_text(*content) : std::string()});
        const auto& r = messages.back().role;
        if (r == "developer") messages.back().role = "system";
        else if (r != "system" && r != "user" && r != "assistant")
            throw ApiError(400, "unknown message role '" + r + "' (expected system, user or assistant)", "messages");
    }
    return chat::format_conversation(messages);
}

std::string completion_prompt(const json::object& o) {
    const auto* v = field(o, "prompt");
    if (!v) throw ApiError(400, "'prompt' is required", "prompt");
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_array() && v->as_array().size() == 1 && v->as_array()[0].is_string())
        return std::string(v->as_array()[0].as_string());
    throw ApiError(400, "'prompt' must be a string (or an array of one string)", "prompt");
}

std::vector<std::string> stop_strings(const json::object& o) {
    const auto* v = field(o, "stop");
    if (!v) return {};
    if (v->is_string()) return {std::string(v->as_string())};
    if (!v->is_array()) throw ApiError(400, "'stop' must be a string or an array of strings", "stop");
    std::vector<std::string> stops;
    for (const auto& s : v->as_array()) {
        if (!s.is_string()) throw ApiError(400, "'stop' must be a string or an array of strings", "stop");
        stops.emplace_back(s.as_string());
    }
    return stops;
}

}  // namespace

CompletionRequest parse_completion_request(std::string_view body, bool chat) {
    boost::system::error_code ec;
    json::value doc = json::parse(body, ec);
    if (ec) throw ApiError(400, "the body is not valid JSON: " + ec.message());
    if (!doc.is_object()) throw ApiError(400, "the body must be a JSON object");
    const auto& o = doc.as_object();

    CompletionRequest r;
    r.chat = chat;
    r.prompt = chat ? chat_prompt(o) : completion_prompt(o);
    auto& s = r.gen.sampling;
    // OpenAI's completions default to 16 tokens; chat runs until a stop.
    r.gen.n_predict = chat ? -1 : 16;
    auto max_tokens = integer(o, chat && field(o, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
    if (max_tokens) {
        check(*max_tokens > 0, "max_tokens", "must be a positive integer");
        r.gen.n_predict = static_cast<int32_t>(std::min<int64_t>(*max_tokens, 1 << 30));
    }
    if (auto t = number(o, "temperature")) {
        check(*t >= 0 && *t <= 100, "temperature", "must be in [0, 100]");
        s.temperature = static_cast<float>(*t);
    }
    if (auto p = number(o, "top_p")) {
        check(*p > 0 && *p <= 1, "top_p", "must be in (0, 1]");
        s.top_p = static_cast<float>(*p);
    }
    if (auto k = integer(o, "top_k")) {
        check(*k >= 0 && *k <= (1 << 30), "top_k", "must not be negative");
        s.top_k = static_cast<int32_t>(*k);
    }
    if (auto p = number(o, "min_p")) {
        check(*p >= 0 && *p <= 1, "min_p", "must be in [0, 1]");
        s.min_p = static_cast<float>(*p);
    }
    if (auto p = number(o, "repeat_penalty")) {
        check(*p > 0, "repeat_penalty", "must be positive");
        s.repeat_penalty = static_cast<float>(*p);
    }
    if (auto n = integer(o, "repeat_last_n")) {
        check(*n >= -1 && *n <= (1 << 30), "repeat_last_n", "must be -1 or more");
        s.repeat_last_n = static_cast<int32_t>(*n);
    }
    if (auto p = number(o, "frequency_penalty")) {
        check(*p >= -2 && *p <= 2, "frequency_penalty", "must be in [-2, 2]");
        s.frequency_penalty = static_cast<float>(*p);
    }
    if (auto p = number(o, "presence_penalty")) {
        check(*p >= -2 && *p <= 2, "presence_penalty", "must be in [-2, 2]");
        s.presence_penalty = static_cast<float>(*p);
    }
    if (auto seed = integer(o, "seed")) {
        check(*seed >= 0, "seed", "must not be negative");
        s.seed = static_cast<uint64_t>(*seed);
    } else {
        s.seed = std::random_device{}();
    }
    if (auto n = integer(o, "n")) check(*n == 1, "n", "must be 1 (one choice per request)");
    r.gen.stop_strings = stop_strings(o);
    r.gen.ignore_eos = boolean(o, "ignore_eos").value_or(false);  // llama.cpp's server extension
    r.stream = boolean(o, "stream").value_or(false);
    if (const auto* so = field(o, "stream_options")) {
        if (!so->is_object()) throw ApiError(400, "'stream_options' must be an object", "stream_options");
        r.include_usage = boolean(so->as_object(), "include_usage").value_or(false);
    }
    return r;
}

}  // namespace bitnet::server
