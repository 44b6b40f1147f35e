// SPDX-License-Identifier: MIT
// The chat format BitNet b1.58 2B-4T was trained with (its model card):
// "System: ...<|eot_id|>User: ...<|eot_id|>Assistant: ...<|eot_id|>". Shared by
// bitnet-run --chat and bitnet-server so both prompt the model the same way.
#pragma once

#include <string>
#include <vector>

#include "bitnet/generate.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet::chat {

inline constexpr const char* kEndOfTurn = "<|eot_id|>";

struct Message {
    std::string role;  // "system", "user" or "assistant"
    std::string content;
};

// One turn as bitnet-run --chat sends it: the system line on the first turn
// only, the user line, then the assistant's cue "Assistant: ".
std::string format_turn(const std::string& system, const std::string& user, bool first);

// A whole conversation, ending with the assistant's cue: the text bitnet-run
// --chat would have fed the model turn by turn. Throws bitnet::Error on a role
// other than system, user or assistant.
std::string format_conversation(const std::vector<Message>& messages);

// A turn ends at the end-of-turn marker: as a stop id when the vocabulary has it
// as one token, otherwise as a stop string.
void add_end_of_turn_stop(const tokenizer::Tokenizer& tok, GenerateOptions& options);

}  // namespace bitnet::chat
