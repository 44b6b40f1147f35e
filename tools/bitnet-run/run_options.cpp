// SPDX-License-Identifier: MIT
#include "run_options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "bitnet/error.hpp"
#include "engine_options.hpp"

namespace bitnet::cli {

namespace po = boost::program_options;

RunOptions parse_run_options(int argc, char** argv) {
    RunOptions r;
    auto& s = r.generate.sampling;
    po::options_description desc("bitnet-run: generate text with a BitNet b1.58 GGUF model\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("model,m", po::value(&r.engine.model_path), "GGUF model file, or OWNER/NAME:FILE pulled into the cache by bitnet-model")
        ("prompt,p", po::value(&r.prompt), "prompt text")
        ("n-predict,n", po::value(&r.generate.n_predict)->default_value(128), "tokens to generate (-1: until EOS or context full)")
        ("ctx-size,c", po::value(&r.n_ctx)->default_value(0), "context size (0: the model's)")
        ("temp", po::value(&s.temperature)->default_value(0.8f), "temperature (0: greedy)")
        ("top-k", po::value(&s.top_k)->default_value(40), "top-k (0: off)")
        ("top-p", po::value(&s.top_p)->default_value(0.95f), "top-p (1: off)")
        ("min-p", po::value(&s.min_p)->default_value(0.05f), "min-p (0: off)")
        ("repeat-penalty", po::value(&s.repeat_penalty)->default_value(1.0f), "repetition penalty (1: off)")
        ("frequency-penalty", po::value(&s.frequency_penalty)->default_value(0.0f), "subtract this times an id's count in the window from its logit, in [-2, 2] (0: off)")
        ("presence-penalty", po::value(&s.presence_penalty)->default_value(0.0f), "subtract this from the logit of an id in the window, in [-2, 2] (0: off)")
        ("repeat-last-n", po::value(&s.repeat_last_n)->default_value(64), "tokens the penalties look back over (-1: all)")
        ("seed", po::value(&s.seed), "random seed (default: BITNET_SEED, else from the clock)")
        ("ignore-eos", po::bool_switch(&r.generate.ignore_eos), "keep generating through end-of-generation tokens")
        ("stop", po::value(&r.generate.stop_strings)->composing(), "stop when the text contains this string (repeatable)")
        ("stop-id", po::value(&r.generate.stop_ids)->composing(), "stop at this token id (repeatable)")
        ("chat", po::bool_switch(&r.chat), "interactive chat: one user turn per stdin line")
        ("system", po::value(&r.system_prompt), "chat system line")
        ("pre-tokenizer", po::value(&r.pre_tokenizer), "byte-level BPE split rule: default or llama-bpe (default: what the file implies)")
        ("no-parse-special", "treat special-token text in the prompt as plain text")
        ("receipt", po::value(&r.receipt_path), "write a JSON receipt of the run to this file")
        ("list-backends", po::bool_switch(&r.list_backends), "list plugins, scores, rejections and the kernel per op, then exit")
        ("dump-logits", po::value(&r.dump_logits_path), "write the first generated position's logits as raw little-endian float32")
        ("verbose,v", po::bool_switch(&r.verbose), "print backend and tokenizer details to stderr");
    // clang-format on
    desc.add(tools::engine_options_description(r.engine));
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(std::string(e.what()) + " (see --help)");
    }
    std::ostringstream help;
    help << desc;
    r.help_text = help.str();
    r.show_help = vm.count("help") > 0;
    r.seed_given = vm.count("seed") > 0;
    r.parse_special = vm.count("no-parse-special") == 0;
    tools::finish_engine_options(vm, r.engine);
    if (r.show_help || r.list_backends) return r;
    if (r.engine.model_path.empty()) throw Error("no model given (use -m FILE)");
    if (!r.chat && !vm.count("prompt")) throw Error("no prompt given (use -p TEXT, or --chat)");
    if (!r.pre_tokenizer.empty() && r.pre_tokenizer != "default" && r.pre_tokenizer != "llama-bpe")
        throw Error("--pre-tokenizer must be default or llama-bpe, not '" + r.pre_tokenizer + "'");
    if (s.min_p < 0.0f || s.min_p > 1.0f) throw Error("--min-p must be in [0, 1]");
    if (s.repeat_penalty <= 0.0f) throw Error("--repeat-penalty must be positive");
    if (!(s.frequency_penalty >= -2.0f && s.frequency_penalty <= 2.0f)) throw Error("--frequency-penalty must be in [-2, 2]");
    if (!(s.presence_penalty >= -2.0f && s.presence_penalty <= 2.0f)) throw Error("--presence-penalty must be in [-2, 2]");
    if (r.n_ctx < 0) throw Error("--ctx-size must not be negative");
    if (s.top_p <= 0.0f || s.top_p > 1.0f) throw Error("--top-p must be in (0, 1]");
    if (s.top_k < 0) throw Error("--top-k must not be negative");
    if (!(s.temperature >= 0.0f)) throw Error("--temp must not be negative");
    return r;
}

}  // namespace bitnet::cli
