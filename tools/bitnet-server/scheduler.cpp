// SPDX-License-Identifier: MIT
#include "scheduler.hpp"

#include <unistd.h>

#include <exception>

#include "bitnet/error.hpp"
#include "bitnet/receipt.hpp"
#include "bitnet/run_receipt.hpp"

namespace bitnet::server {
namespace {

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

Scheduler::Scheduler(Engine& engine, const SchedulerOptions& options, Metrics& metrics)
    : engine_(engine), options_(options), metrics_(metrics) {
    for (int i = 0; i < options_.parallel; ++i)
        slots_.push_back(std::make_unique<Slot>(engine_.model(), engine_.dispatcher(), options_.ctx_size));
}

Scheduler::Admission Scheduler::submit(std::shared_ptr<Job> job) {
    {
        std::lock_guard lk(mu_);
        if (draining_) return Admission::Draining;
        if (queue_.size() >= options_.max_queue) return Admission::QueueFull;
        queue_.push_back(std::move(job));
        metrics_.set_load(static_cast<int64_t>(queue_.size()), active());
    }
    cv_.notify_one();
    return Admission::Queued;
}

void Scheduler::drain(std::chrono::seconds timeout) {
    {
        std::lock_guard lk(mu_);
        if (draining_) return;
        draining_ = true;
        drain_deadline_ = std::chrono::steady_clock::now() + timeout;
    }
    cv_.notify_one();
}

int64_t Scheduler::active() const {
    int64_t n = 0;
    for (const auto& s : slots_) n += s->job != nullptr;
    return n;
}

void Scheduler::run() {
    for (;;) {
        std::vector<std::pair<Slot*, std::shared_ptr<Job>>> admitted;
        bool past_deadline = false;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [&] { return !queue_.empty() || active() > 0 || draining_; });
            if (draining_ && queue_.empty() && active() == 0) return;
            past_deadline = draining_ && std::chrono::steady_clock::now() >= drain_deadline_;
            if (past_deadline) {
                for (auto& job : queue_) job->cancelled = true;
            }
            for (auto& s : slots_) {
                if (queue_.empty()) break;
                if (s->job) continue;
                admitted.emplace_back(s.get(), std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        for (auto& [slot, job] : admitted) start(*slot, std::move(job));

        std::vector<Slot*> running;
        for (auto& s : slots_) {
            if (!s->job) continue;
            if (s->job->cancelled || past_deadline) {
                metrics_.count_cancelled();
                s->step->cancel();
                finish(*s);
            } else {
                running.push_back(s.get());
            }
        }
        if (!running.empty()) {
            try {
                decode_step(running);
                for (Slot* s : running) advance(*s);
            } catch (const std::exception& e) {
                for (Slot* s : running)
                    if (s->job) finish(*s, 500, e.what());
            }
        }
        std::lock_guard lk(mu_);
        metrics_.set_load(static_cast<int64_t>(queue_.size()), active());
    }
}

void Scheduler::start(Slot& slot, std::shared_ptr<Job> job) {
    slot.job = std::move(job);
    slot.step.reset();
    slot.started = std::chrono::steady_clock::now();
    slot.prefill_ms = slot.first_token_ms = 0;
    if (slot.job->cancelled) return finish(slot, 503, "the request was cancelled before it started");
    const auto& tok = engine_.tokenizer();
    slot.prompt_ids = tok.encode(slot.job->prompt, {.add_bos = true, .parse_special = true});
    const int64_t n_ctx = slot.session.context_size();
    const auto n_prompt = static_cast<int64_t>(slot.prompt_ids.size());
    if (n_prompt >= n_ctx)
        return finish(slot, 400,
                      "the prompt is " + std::to_string(n_prompt) + " tokens but the context holds " +
                          std::to_string(n_ctx) + " (the prompt must leave room for at least one token)");
    const int64_t room = n_ctx - n_prompt + 1;  // the last sampled token is never evaluated
    const int64_t limit = slot.job->gen.n_predict < 0 ? room : std::min<int64_t>(slot.job->gen.n_predict, room);
    try {
        slot.step.emplace(tok, slot.job->gen, slot.prompt_ids, limit);
        slot.session.reset();
        slot.logits = slot.session.eval(slot.prompt_ids);
    } catch (const std::exception& e) {
        return finish(slot, 400, e.what());
    }
    slot.prefill_ms = ms_between(slot.started, std::chrono::steady_clock::now());
    advance(slot);
}

void Scheduler::advance(Slot& slot) {
    auto next = slot.step->next(slot.logits, slot.session.position() < slot.session.context_size());
    auto now = std::chrono::steady_clock::now();
    if (slot.step->steps() == 1) {
        slot.first_token_ms = ms_between(slot.started, now);
        slot.decode_started = now;
    }
    if (!next.text.empty()) slot.job->on_text(next.text);
    if (slot.step->done())
        finish(slot);
    else
        slot.pending = next.id;
}

void Scheduler::finish(Slot& slot, int status, const std::string& error) {
    JobOutcome out;
    out.status = status;
    out.error = error;
    if (slot.step && status == 200) {
        if (auto rest = slot.step->flush(); !rest.empty()) slot.job->on_text(rest);
        out.stop = slot.step->stop();
        out.prompt_tokens = static_cast<int64_t>(slot.prompt_ids.size());
        out.completion_tokens = static_cast<int64_t>(slot.step->generated().size());
        const double decode_ms = ms_between(slot.decode_started, std::chrono::steady_clock::now());
        metrics_.count_tokens(out.prompt_tokens, out.completion_tokens, out.completion_tokens > 1 ? decode_ms / 1000 : 0);
        if (!options_.receipt_dir.empty()) {
            try {
                write_receipt(slot);
            } catch (const std::exception&) {
                // A receipt that cannot be written does not fail the request.
            }
        }
    }
    auto job = std::move(slot.job);
    slot.job.reset();
    slot.step.reset();
    job->on_done(out);
}

void Scheduler::write_receipt(const Slot& slot) {
    GenerateResult r;
    r.prompt_ids = slot.prompt_ids;
    r.generated = slot.step->generated();
    r.prefill_ms = slot.prefill_ms;
    r.first_token_ms = slot.first_token_ms;
    if (r.generated.size() > 1) r.decode_ms = ms_between(slot.decode_started, std::chrono::steady_clock::now());
    r.stop = slot.step->stop();
    r.stop_id = slot.step->stop_id();
    auto receipt = collect_receipt(engine_, slot.job->gen, r);
    receipt::write_receipt(receipt, options_.receipt_dir + "/bitnet-server-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(++receipts_) + ".json");
}

}  // namespace bitnet::server
