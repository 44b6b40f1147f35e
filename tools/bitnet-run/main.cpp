// bitnet-run: loads a model through the kernel plugins, streams generated text
// to stdout and a one-line timing summary to stderr.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"
#include "run_options.hpp"

namespace {

using namespace bitnet;

void write_logits(const std::string& path, const std::vector<float>& logits) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error("cannot write logits to " + path);
    // Raw little-endian float32: this runtime only builds for little-endian targets.
    out.write(reinterpret_cast<const char*>(logits.data()),
              static_cast<std::streamsize>(logits.size() * sizeof(float)));
    if (!out) throw Error("cannot write logits to " + path);
}

void print_verbose(Engine& engine) {
    std::cerr << describe_backends(engine.kernels(), engine.options().backend);
    std::cerr << "threads: " << engine.pool().size() << "\n";
    std::cerr << "weights: " << (engine.model().packed_bytes() ? "packed copy" : "read from the mapped file")
              << " (" << engine.model().packed_bytes() << " bytes packed)\n";
    std::cerr << "tokenizer: " << engine.tokenizer().kind() << ", " << engine.tokenizer().n_vocab() << " tokens\n";
}

int run(int argc, char** argv) {
    auto opt = cli::parse_run_options(argc, argv);
    if (opt.show_help) {
        std::cout << opt.help_text;
        return 0;
    }
    if (opt.list_backends) {
        auto setup = discover_kernels(opt.engine);
        std::cout << describe_backends(setup, opt.engine.backend);
        // Asking for a backend that cannot be used is an error even when listing.
        setup.registry->select(opt.engine.backend);
        return 0;
    }
    if (!opt.seed_given)
        opt.generate.sampling.seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());

    Engine engine(opt.engine);
    if (opt.verbose) print_verbose(engine);
    model::Session session(engine.model(), engine.dispatcher(), opt.n_ctx);

    const auto& tok = engine.tokenizer();
    auto prompt_ids = tok.encode(opt.prompt, {});
    opt.generate.keep_first_logits = !opt.dump_logits_path.empty();

    std::cout << opt.prompt << std::flush;
    auto result = generate(engine, session, prompt_ids, opt.generate, [&](int32_t id) {
        std::cout << tok.token_to_piece(id) << std::flush;
        return true;
    });
    std::cout << std::endl;

    if (!opt.dump_logits_path.empty()) write_logits(opt.dump_logits_path, result.first_logits);

    const double n_prompt = static_cast<double>(result.prompt_ids.size());
    const size_t n_gen = result.generated.size();
    char line[256];
    std::snprintf(line, sizeof(line),
                  "load %.1f ms | prompt %zu tokens, %.1f tok/s | generation %zu tokens, %.1f tok/s\n",
                  engine.load_ms(), result.prompt_ids.size(),
                  result.prefill_ms > 0 ? n_prompt * 1000.0 / result.prefill_ms : 0.0, n_gen,
                  result.decode_ms > 0 ? static_cast<double>(n_gen - 1) * 1000.0 / result.decode_ms : 0.0);
    std::cerr << line;
    return 0;
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
