// SPDX-License-Identifier: MIT
#include "bitnet/chat_template.hpp"

#include "bitnet/error.hpp"

namespace bitnet::chat {
namespace {

std::string role_prefix(const std::string& role) {
    if (role == "system") return "System: ";
    if (role == "user") return "User: ";
    if (role == "assistant") return "Assistant: ";
    throw Error("unknown chat role '" + role + "' (expected system, user or assistant)");
}

}  // namespace

std::string format_turn(const std::string& system, const std::string& user, bool first) {
    std::string text;
    if (first && !system.empty()) text += "System: " + system + kEndOfTurn;
    text += "User: " + user + kEndOfTurn + "Assistant: ";
    return text;
}

std::string format_conversation(const std::vector<Message>& messages) {
    std::string text;
    for (const auto& m : messages) text += role_prefix(m.role) + m.content + kEndOfTurn;
    return text + "Assistant: ";
}

void add_end_of_turn_stop(const tokenizer::Tokenizer& tok, GenerateOptions& options) {
    auto eot = tok.encode(kEndOfTurn, {.add_bos = false, .parse_special = true});
    if (eot.size() == 1)
        options.stop_ids.push_back(eot[0]);
    else
        options.stop_strings.push_back(kEndOfTurn);
}

}  // namespace bitnet::chat
