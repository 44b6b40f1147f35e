// SPDX-License-Identifier: MIT
// bitnet-model: get models. `pull` fetches files from the Hugging Face Hub into
// the local cache; `convert` turns a Hugging Face checkpoint into a GGUF.
#include <boost/program_options.hpp>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "bitnet/error.hpp"
#include "bitnet/hub.hpp"
#include "convert.hpp"
#include "pull.hpp"

namespace {

namespace po = boost::program_options;
using namespace bitnet;
using namespace bitnet::model_tool;

constexpr const char* kUsage =
    "usage: bitnet-model pull REPO[:FILE] [--file NAME] [--revision REV] [--sha256 HEX] [options]\n"
    "       bitnet-model convert DIR --out FILE.gguf\n"
    "Run `bitnet-model pull --help` or `bitnet-model convert --help` for the options.\n";

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

po::variables_map parse(int argc, char** argv, const po::options_description& desc,
                        const po::positional_options_description& pos) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(std::string(e.what()) + " (see --help)");
    }
    return vm;
}

int pull(int argc, char** argv) {
    PullOptions opt;
    std::string target, file, sha, cache_dir, endpoint;
    double retry_delay = opt.retry.base_delay_s;
    po::options_description desc(
        "bitnet-model pull REPO[:FILE]: download from the Hugging Face Hub into the model cache\n"
        "(prints the cached path; `bitnet-run -m REPO:FILE` then finds it)\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("repo", po::value(&target), "OWNER/NAME, or OWNER/NAME:FILE")
        ("file,f", po::value(&file), "file in the repository (default: every file it lists)")
        ("revision,r", po::value(&opt.revision)->default_value("main"), "branch, tag or commit")
        ("sha256", po::value(&sha), "expected SHA-256 of --file (default: the digest the Hub publishes for LFS files)")
        ("cache-dir", po::value(&cache_dir), "cache directory (default: BITNET_CACHE_DIR, else $XDG_CACHE_HOME/bitnet/models, else ~/.cache/bitnet/models)")
        ("endpoint", po::value(&endpoint), "Hub base URL (default: BITNET_HF_ENDPOINT, else HF_ENDPOINT, else https://huggingface.co)")
        ("offline", po::bool_switch(&opt.offline), "never download: print the cached path or fail (also HF_HUB_OFFLINE=1)")
        ("force", po::bool_switch(&opt.force), "download again even when the file is cached")
        ("retries", po::value(&opt.retry.max_failures)->default_value(opt.retry.max_failures), "consecutive failed attempts before giving up")
        ("retry-delay", po::value(&retry_delay)->default_value(retry_delay), "first retry delay in seconds; doubles per consecutive failure")
        ("no-progress", "no progress output");
    // clang-format on
    po::positional_options_description pos;
    pos.add("repo", 1);
    const po::variables_map vm = parse(argc, argv, desc, pos);
    if (vm.count("help")) {
        std::cout << desc;
        return 0;
    }
    if (target.empty()) throw Error("no repository given (bitnet-model pull OWNER/NAME --file FILE)");
    if (auto ref = hub::parse_model_ref(target)) {
        if (vm.count("file") || !vm["revision"].defaulted())
            throw Error("give the file either as REPO:FILE or with --file, not both");
        opt.repo = ref->repo;
        opt.file = ref->file;
        opt.revision = ref->revision;
    } else {
        opt.repo = target;
        if (vm.count("file")) opt.file = file;
    }
    if (vm.count("sha256")) opt.sha256 = sha;
    if (opt.retry.max_failures < 0) throw Error("--retries must not be negative");
    if (!(retry_delay >= 0) || retry_delay > 3600) throw Error("--retry-delay must be between 0 and 3600 seconds");
    opt.retry.base_delay_s = retry_delay;
    opt.cache_dir = cache_dir.empty() ? hub::default_cache_dir() : std::filesystem::path(cache_dir);
    if (endpoint.empty()) endpoint = env("BITNET_HF_ENDPOINT") ? env("BITNET_HF_ENDPOINT") : "";
    if (endpoint.empty()) endpoint = env("HF_ENDPOINT") ? env("HF_ENDPOINT") : "https://huggingface.co";
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    opt.endpoint = endpoint;
    if (const char* off = env("HF_HUB_OFFLINE"); off && std::string(off) != "0") opt.offline = true;
    if (const char* token = env("HF_TOKEN")) opt.token = token;
    opt.progress = vm.count("no-progress") ? ProgressStyle::None : default_progress_style();
    run_pull(opt, std::cout, std::cerr);
    return 0;
}

int convert(int argc, char** argv) {
    ConvertOptions opt;
    po::options_description desc(
        "bitnet-model convert DIR --out FILE.gguf: a Hugging Face BitNetForCausalLM checkpoint\n"
        "(config.json, *.safetensors, tokenizer.json or tokenizer.model) to a bitnet-b1.58 GGUF\n"
        "with I2_S ternary projections. Supported: BitNetForCausalLM (BitNet b1.58 2B-4T,\n"
        "e.g. microsoft/bitnet-b1.58-2B-4T-bf16); other architectures, and checkpoints\n"
        "with pre-packed ternary weights, are refused.\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("dir", po::value(&opt.dir), "checkpoint directory")
        ("out,o", po::value(&opt.out), "GGUF file to write")
        ("name", po::value(&opt.name), "general.name (default: the directory's name)");
    // clang-format on
    po::positional_options_description pos;
    pos.add("dir", 1);
    const po::variables_map vm = parse(argc, argv, desc, pos);
    if (vm.count("help")) {
        std::cout << desc;
        return 0;
    }
    if (opt.dir.empty()) throw Error("no checkpoint directory given (bitnet-model convert DIR --out FILE.gguf)");
    if (opt.out.empty()) throw Error("no output given (--out FILE.gguf)");
    convert_checkpoint(opt, std::cerr);
    std::cout << opt.out << "\n";
    return 0;
}

int run(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "pull") return pull(argc - 1, argv + 1);
    if (cmd == "convert") return convert(argc - 1, argv + 1);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        std::cout << kUsage;
        return 0;
    }
    throw Error("unknown command '" + cmd + "' (commands: pull, convert)");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
