// SPDX-License-Identifier: MIT
#include "chat.hpp"

#include <iostream>
#include <string>

#include "bitnet/chat_template.hpp"

namespace bitnet::cli {
namespace {

void add_into(GenerateResult& total, const GenerateResult& turn) {
    total.prompt_ids.insert(total.prompt_ids.end(), turn.prompt_ids.begin(), turn.prompt_ids.end());
    total.generated.insert(total.generated.end(), turn.generated.begin(), turn.generated.end());
    total.prefill_ms += turn.prefill_ms;
    total.decode_ms += turn.decode_ms;
    if (total.first_token_ms == 0) total.first_token_ms = turn.first_token_ms;
    if (total.first_logits.empty()) total.first_logits = turn.first_logits;
    total.stop = turn.stop;
}

}  // namespace

GenerateResult run_chat(Engine& engine, model::Session& session, const RunOptions& options, std::istream& in,
                        std::ostream& out) {
    const auto& tok = engine.tokenizer();
    GenerateOptions gen = options.generate;
    chat::add_end_of_turn_stop(tok, gen);

    GenerateResult total;
    std::vector<int32_t> carry;  // an end-of-turn id sampled last turn, not yet evaluated
    bool first = true;
    for (std::string line; (std::cerr << "> ").flush(), std::getline(in, line);) {
        if (line.empty()) continue;
        auto ids = tok.encode(chat::format_turn(options.system_prompt, line, first),
                              {.add_bos = first, .parse_special = options.parse_special});
        ids.insert(ids.begin(), carry.begin(), carry.end());
        carry.clear();
        gen.keep_first_logits = first && !options.dump_logits_path.empty();
        auto turn = generate(engine, session, ids, gen, [&](std::string_view text) {
            out << text << std::flush;
            return true;
        });
        out << "\n" << std::flush;
        if (turn.stop_id >= 0) carry.push_back(turn.stop_id);
        add_into(total, turn);
        first = false;
        if (turn.stop == StopReason::Context) {
            std::cerr << "context full: ending the chat\n";
            break;
        }
    }
    return total;
}

}  // namespace bitnet::cli
