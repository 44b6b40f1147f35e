// SPDX-License-Identifier: MIT
#include "baseline_worker.hpp"

#include <iostream>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/run_receipt.hpp"
#include "bitnet/session.hpp"
#include "json_io.hpp"
#include "probed_generation.hpp"
#include "process_facts.hpp"
#include "receipt_output.hpp"
#include "stats.hpp"

namespace bitnet::bench {
namespace {

double per_second(double count, double ms) { return ms > 0 ? count * 1000.0 / ms : 0.0; }

boost::json::object repetition_json(const GenerateResult& r, const PoolProbeSample& machine) {
    return {{"machine", pool_probe_json(machine)},
            {"prefill_ms", r.prefill_ms},
            {"decode_ms", r.decode_ms},
            {"ttft_ms", r.first_token_ms},
            {"prefill_tok_per_s", per_second(static_cast<double>(r.prompt_ids.size()), r.prefill_ms)},
            {"decode_tok_per_s", per_second(static_cast<double>(r.generated.size()) - 1, r.decode_ms)}};
}

}  // namespace

void run_worker(const Workload& w, const WorkerJob& job) {
    if (job.prompt_index >= w.prompts.size()) throw Error("prompt index out of range");
    const auto& prompt = w.prompts[job.prompt_index];
    const auto load_before = load_average();

    EngineOptions eo;
    eo.model_path = job.model_path;
    eo.backend = job.backend;
    eo.plugin_dirs = job.plugin_dirs;
    eo.threads = job.threads;
    eo.head_precision = w.head_precision;
    Engine engine(eo);

    const auto ids = engine.tokenizer().encode(prompt.text, {.add_bos = true, .parse_special = true});
    model::Session session(engine.model(), engine.dispatcher(),
                           static_cast<int64_t>(ids.size()) + prompt.n_predict + 1);
    GenerateOptions g;
    g.n_predict = prompt.n_predict;
    g.ignore_eos = w.ignore_eos;
    g.sampling = w.sampling;

    // Warm-up: every weight page and kernel touched once, untimed.
    GenerateOptions warm = g;
    warm.n_predict = 2;
    generate(engine, session, ids, warm, nullptr);

    // Each repetition is judged against the pool probe slices taken between
    // its own tokens (probed_generation.hpp).
    PoolProbe probe(engine.pool(), engine.model().file(), engine.kernels().features);

    const int reps = w.repetitions_for(job.backend);
    std::vector<GenerateResult> results;
    boost::json::array rep_json;
    for (int i = 0; i < reps; ++i) {
        session.reset();
        engine.dispatcher().reset_stats();  // the receipt's counters: the last repetition
        ProbedGeneration pg = probed_generate(engine, session, ids, g, probe);
        results.push_back(std::move(pg.result));
        const auto& r = results.back();
        rep_json.push_back(repetition_json(r, pg.machine));
        std::cerr << "bitnet-bench: " << job.backend << " t" << job.threads << " repetition " << i + 1 << "/" << reps
                  << ": prefill " << per_second(double(r.prompt_ids.size()), r.prefill_ms) << " tok/s, decode "
                  << per_second(double(r.generated.size()) - 1, r.decode_ms) << " tok/s\n";
        if (r.generated != results.front().generated)
            throw Error("repetition " + std::to_string(i + 1) + " generated other ids than the first: the run is not "
                        "deterministic (sampling temperature " + std::to_string(g.sampling.temperature) + ")");
    }

    // The receipt describes the last repetition's ids and kernels with the
    // median of each timing, so one noisy repetition does not move a baseline.
    GenerateResult median = results.back();
    std::vector<double> prefill, decode, ttft;
    for (const auto& r : results) {
        prefill.push_back(r.prefill_ms);
        decode.push_back(r.decode_ms);
        ttft.push_back(r.first_token_ms);
    }
    median.prefill_ms = median_of(prefill);
    median.decode_ms = median_of(decode);
    median.first_token_ms = median_of(ttft);
    write_receipts(collect_receipt(engine, g, median), job.receipt_path);

    const auto load_after = load_average();
    boost::json::object record{
        {"backend", job.backend},
        {"threads", engine.pool().size()},
        {"prompt_index", job.prompt_index},
        {"prompt_tokens", ids.size()},
        {"load_ms", engine.load_ms()},
        {"load_average_before", boost::json::array{load_before[0], load_before[1], load_before[2]}},
        {"load_average_after", boost::json::array{load_after[0], load_after[1], load_after[2]}},
        {"repetitions", std::move(rep_json)}};
    write_json_file(job.record_path, record);
}

}  // namespace bitnet::bench
