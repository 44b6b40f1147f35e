// SPDX-License-Identifier: MIT
// bitnet-gguf: inspect GGUF files, tokenize with their vocabulary, and write
// synthetic models of every family the runtime runs.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "inspect.hpp"
#include "model_info.hpp"
#include "requant.hpp"
#include "synth.hpp"

namespace po = boost::program_options;
using namespace bitnet::gguf_tool;

namespace {

constexpr const char* kUsage =
    "usage: bitnet-gguf inspect FILE [--max-items N]\n"
    "       bitnet-gguf requant IN --type tq1_0|tq2_0 --out OUT\n"
    "       bitnet-gguf info FILE   (family, graph, shapes; exit 0 when runnable, 3 when not)\n"
    "       bitnet-gguf tokenize -m FILE -p TEXT [--no-bos] [--no-parse-special]\n"
    "                            [--pre-tokenizer default|llama-bpe]\n"
    "       bitnet-gguf synth --preset NAME --out FILE [--seed N] [--vocab FILE] [--arch ARCH] [--untied-head]\n"
    "                         [--type i2_s|tq1_0|tq2_0]\n"
    "                         [--block-scales] [--embd-type f32|f16|bf16|q8_0|q6_k] [--head-type TYPE]\n";

// Parses argv after the command word; returns false when --help was asked.
bool parse(int argc, char** argv, po::options_description& desc, po::variables_map& vm,
           const po::positional_options_description* pos = nullptr) {
    desc.add_options()("help,h", "show this help");
    po::command_line_parser parser(argc - 1, argv + 1);
    parser.options(desc);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
        std::cout << kUsage << "\n" << desc;
        return false;
    }
    po::notify(vm);
    return true;
}

int run_inspect(int argc, char** argv) {
    po::options_description desc("inspect options");
    desc.add_options()("file", po::value<std::string>()->required(), "GGUF file")(
        "max-items", po::value<size_t>()->default_value(8), "array elements shown per key");
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, &pos)) return 0;
    inspect(vm["file"].as<std::string>(), vm["max-items"].as<size_t>(), std::cout);
    return 0;
}

int run_info(int argc, char** argv) {
    po::options_description desc("info options");
    desc.add_options()("file", po::value<std::string>()->required(), "GGUF file");
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, &pos)) return 0;
    return print_model_info(vm["file"].as<std::string>(), std::cout) ? 0 : 3;
}

int run_requant(int argc, char** argv) {
    po::options_description desc("requant options");
    desc.add_options()("file", po::value<std::string>()->required(), "GGUF with I2_S projections")(
        "type", po::value<std::string>()->required(), "tq1_0 or tq2_0")(
        "out,o", po::value<std::string>()->required(), "output GGUF file");
    po::positional_options_description pos;
    pos.add("file", 1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, &pos)) return 0;
    const auto type = parse_tq_type(vm["type"].as<std::string>());
    const int n = requant_model(vm["file"].as<std::string>(), vm["out"].as<std::string>(), type);
    std::printf("wrote %s: %d ternary tensors as %s\n", vm["out"].as<std::string>().c_str(), n,
                bitnet::gguf::ggml_type_name(static_cast<uint32_t>(type)).c_str());
    return 0;
}

int run_tokenize(int argc, char** argv) {
    po::options_description desc("tokenize options");
    desc.add_options()("model,m", po::value<std::string>()->required(), "GGUF with a vocabulary")(
        "prompt,p", po::value<std::string>()->required(), "text to tokenize")(
        "no-bos", "do not prepend BOS")("no-parse-special", "treat special-token text as plain text")(
        "pre-tokenizer", po::value<std::string>()->default_value(""),
        "byte-level BPE only: default|llama-bpe (default: what the file implies)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm)) return 0;
    const bitnet::gguf::GgufFile file(vm["model"].as<std::string>());
    bitnet::tokenizer::TokenizerOptions topt;
    topt.pre_tokenizer = vm["pre-tokenizer"].as<std::string>();
    const auto tok = bitnet::tokenizer::load_tokenizer(file, topt);
    bitnet::tokenizer::EncodeOptions eopt;
    eopt.add_bos = !vm.count("no-bos");
    eopt.parse_special = !vm.count("no-parse-special");
    const auto ids = tok->encode(vm["prompt"].as<std::string>(), eopt);
    for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
    std::cout << "\n";
    return 0;
}

int run_synth(int argc, char** argv) {
    po::options_description desc("synth options");
    desc.add_options()("preset", po::value<std::string>()->required(), "2b-4t, medium, small, tiny, bitnet-large, falcon3-1b or llama3-8b")(
        "out,o", po::value<std::string>()->required(), "output GGUF file")(
        "seed", po::value<uint64_t>()->default_value(1), "random seed")(
        "vocab", po::value<std::string>(), "GGUF whose tokenizer.* keys are copied")(
        "arch", po::value<std::string>(), "general.architecture to write instead of the preset's (bitnet-b1.58, bitnet-25, bitnet, llama)")(
        "untied-head", "write output.weight beside token_embd.weight")(
        "type", po::value<std::string>()->default_value("i2_s"), "projection type: i2_s, tq1_0 or tq2_0")(
        "block-scales", "TQ types: give blocks different scales (run by the i2s_block_matmul op)")(
        "embd-type", po::value<std::string>()->default_value("f16"), "token_embd type: f32, f16, bf16, q8_0 or q6_k")(
        "head-type", po::value<std::string>(), "output.weight type (with an untied head; default: --embd-type)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm)) return 0;
    SynthOptions opt;
    opt.preset = vm["preset"].as<std::string>();
    opt.out = vm["out"].as<std::string>();
    opt.seed = vm["seed"].as<uint64_t>();
    if (vm.count("vocab")) opt.vocab = vm["vocab"].as<std::string>();
    if (vm.count("arch")) opt.arch = vm["arch"].as<std::string>();
    opt.untied_head = vm.count("untied-head") > 0;
    opt.weight_type = vm["type"].as<std::string>();
    if (opt.weight_type != "i2_s") parse_tq_type(opt.weight_type);  // fail before any work
    opt.block_scales = vm.count("block-scales") > 0;
    opt.embd_type = vm["embd-type"].as<std::string>();
    parse_embedding_type(opt.embd_type);
    if (vm.count("head-type")) {
        opt.head_type = vm["head-type"].as<std::string>();
        parse_embedding_type(*opt.head_type);
    }
    find_preset(opt.preset);  // fail before any work
    const auto start = std::chrono::steady_clock::now();
    const SynthSummary s = synth_model(opt);
    std::string ternary_type = opt.weight_type;
    for (char& ch : ternary_type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %s: preset %s, vocab %u, %llu tensors (%llu %s, %llu F32, %llu F16, %llu BF16/Q8_0/Q6_K), "
                "%llu bytes in %.1f s\n",
                opt.out.c_str(), opt.preset.c_str(), s.n_vocab, (unsigned long long)s.n_tensors,
                (unsigned long long)s.n_i2s, ternary_type.c_str(), (unsigned long long)s.n_f32, (unsigned long long)s.n_f16,
                (unsigned long long)s.n_quant, (unsigned long long)s.file_bytes, secs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string cmd = argv[1];
    try {
        if (cmd == "inspect") return run_inspect(argc, argv);
        if (cmd == "info") return run_info(argc, argv);
        if (cmd == "requant") return run_requant(argc, argv);
        if (cmd == "tokenize") return run_tokenize(argc, argv);
        if (cmd == "synth") return run_synth(argc, argv);
        if (cmd == "-h" || cmd == "--help" || cmd == "help") {
            std::cout << kUsage;
            return 0;
        }
        std::cerr << "error: unknown command '" << cmd << "'\n" << kUsage;
        return 2;
    } catch (const po::error& e) {
        std::cerr << "error: " << cmd << ": " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const bitnet::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
