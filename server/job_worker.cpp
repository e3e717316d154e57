// JobManager's worker side: take a queued job, run the fit, and record how it ended. A fit that
// throws fails its job only; nothing here lets an exception reach the worker thread's top.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "siren/io/files.h"
#include "fit_telemetry.h"
#include "ids.h"
#include "job_manager.h"
#include "metrics.h"
#include "model_store.h"
#include "siren/errors.h"
#include "siren/fit.h"
#include "siren/runtime.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

namespace siren::server {
namespace {

// At most one PROGRESS event per job this often (~10/s), plus always the last step's: watchers
// want to see movement, not one event per millisecond-long step.
constexpr auto kProgressEventInterval = std::chrono::milliseconds(100);
// In a fleet: how often an idle worker asks the database for work, and how often a running fit's progress is
// saved there for watchers on other replicas.
constexpr auto kClaimPollInterval = std::chrono::milliseconds(250);
constexpr auto kFleetProgressSaveInterval = std::chrono::seconds(1);

}  // namespace

std::vector<std::shared_ptr<Job>> JobManager::take_work(const std::string& device) {
  std::unique_lock<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<Job>> work;
  for (;;) {
    if (draining_) return {};  // queued jobs stay QUEUED on disk for the next start
    if (fleet_) {  // a pack, if any, is claimed with its first job
      if (!(work = claim_from_fleet(lock, device)).empty()) break;
      if (draining_) return {};
      changed_.wait_for(lock, kClaimPollInterval);  // other replicas' submissions: the database is polled
      continue;
    }
    if (auto job = queue_.take_next(device, [this](const Job& j) { return may_start_locked(j.record.tenant()); })) {
      work.push_back(std::move(job));
      break;
    }
    changed_.wait(lock);  // woken by a submission, a resume, a drain or stop
  }
  const std::shared_ptr<Job> job = work.front();
  // Small fits queued with it that can share its steps run as one pack: the server packs them, the
  // clients ask for nothing. A tenant with a quota has its jobs started one by one, each counted.
  const auto without_quota = [this](const Job& j) { return !tenant_quotas_.count(j.record.tenant()); };
  if (!fleet_ && without_quota(*job))
    for (auto& mate : queue_.take_pack_mates(*job, device, without_quota)) work.push_back(std::move(mate));
  metrics_.queue_length(queue_.size());
  std::string how =
      work.size() == 1 ? "started" : fmt::format("started, packed with {} other fits into one training step", work.size() - 1);
  if (fleet_) how += fmt::format(" on replica {} (attempt {})", fleet_->options().replica_id, job->record.attempt());
  for (const auto& started : work) {
    started->stop_reason = StopReason::None;  // a resumed job may have stopped before
    ++running_;
    started->record.set_started_unix_ms(now_unix_ms());
    metrics_.job_started(Metrics::task_label(started->record.spec().task()),
                         (started->record.started_unix_ms() - started->record.created_unix_ms()) / 1000.0,
                         /*packed=*/work.size() > 1);
    started->record.set_device(placed_device(device, started->config.train.device));
    transition_locked(*started, v1::JOB_STATE_RUNNING, v1::JobEvent::TYPE_STARTED, how);
  }
  return work;
}

void JobManager::worker_loop(const std::string& device) {
  // This worker's share of the cores, for every fit it runs: its fits' thread pools are sized to the
  // share, not to the machine, so that the workers' fits together never ask for more threads than
  // there are cores (runtime.h: set_this_thread_threads says why that matters so much).
  if (threads_per_worker_ > 0) set_this_thread_threads(threads_per_worker_);
  for (;;) {
    const std::vector<std::shared_ptr<Job>> work = take_work(device);
    if (work.empty()) return;
    const std::string placed = placed_device(device, work.front()->config.train.device);
    if (work.size() == 1) run(work.front(), placed);
    else run_pack(work, placed);
    std::lock_guard<std::mutex> lock(mu_);
    running_ -= static_cast<int>(work.size());
    changed_.notify_all();
  }
}

FitCallbacks JobManager::fit_callbacks(const std::shared_ptr<Job>& job, FitTelemetry& telemetry) {
  FitCallbacks callbacks;
  callbacks.on_progress = [this, job, &telemetry](const Progress& p) {
    telemetry.progress(p);
    on_progress(*job, p);
  };
  callbacks.on_checkpoint = [this, job](int64_t step, const std::string&) { on_checkpoint(*job, step); };
  if (fleet_) callbacks.may_keep_checkpoint = [this, job](int64_t step) { return may_keep_checkpoint(*job, step); };
  callbacks.on_checkpoint_written = [&telemetry](double seconds, int64_t bytes) {
    telemetry.checkpoint_written(seconds, bytes);
  };
  callbacks.should_stop = [this, job] { return should_stop(*job) != StopReason::None; };
  callbacks.preview_side = [this, job] { return preview_side_due(*job); };
  callbacks.on_preview = [this, job](int64_t step, const std::string& png) { publish_preview(*job, step, png); };
  return callbacks;
}

void JobManager::run(const std::shared_ptr<Job>& job, const std::string& device) {
  const std::string job_id = job->record.job_id();
  std::string model_id;  // allocated inside the try: a full disk there fails this job, not the server
  try {
    model_id = models_.allocate();
    // Metrics and <job dir>/progress.jsonl (loss and figures per step, for plotting).
    FitTelemetry telemetry(metrics_, Metrics::task_label(job->record.spec().task()), job->dir + "/progress.jsonl");
    const FitCallbacks callbacks = fit_callbacks(job, telemetry);
    const FitPaths paths{store_.checkpoint_dir(job_id), models_.checkpoint_path(model_id)};
    const std::string input = read_file(store_.input_path(job_id));
    // The fit runs on this worker's device (one that asked for the CPU stays there); the job's own
    // config keeps what was asked for, so a paused job may continue on any worker that serves it.
    FitConfig config = job->config;
    config.train.device = device;
    const FitResult result = run_fit(config, input, paths, callbacks, job->resume_path);
    finish(job, result, model_id);
  } catch (const std::exception& e) {
    fail(job, e.what(), model_id);
  } catch (...) {
    fail(job, "unknown error", model_id);
  }
}

void JobManager::run_pack(const std::vector<std::shared_ptr<Job>>& jobs, const std::string& device) {
  struct Running {
    std::shared_ptr<Job> job;
    std::string model_id;
    std::unique_ptr<FitTelemetry> telemetry;
    bool ended = false;
  };
  std::vector<Running> running;
  running.reserve(jobs.size());  // the members' callbacks point into it
  std::vector<PackedFitRequest> fits;
  for (const auto& job : jobs) {
    Running r{job, "", nullptr};
    try {  // as run(): a job whose disk fails here fails alone
      r.model_id = models_.allocate();
      r.telemetry = std::make_unique<FitTelemetry>(metrics_, Metrics::task_label(job->record.spec().task()),
                                                   job->dir + "/progress.jsonl");
      FitConfig config = job->config;
      config.train.device = device;
      fits.push_back({config, read_file(store_.input_path(job->record.job_id())),
                      {store_.checkpoint_dir(job->record.job_id()), models_.checkpoint_path(r.model_id)},
                      fit_callbacks(job, *r.telemetry), nullptr});
      running.push_back(std::move(r));
    } catch (const std::exception& e) {
      fail(job, e.what(), r.model_id);
    }
  }
  for (size_t i = 0; i < fits.size(); ++i) {
    fits[i].on_finished = [this, &running, i](const PackedFitResult& outcome) {
      Running& r = running[i];
      r.ended = true;
      try {
        if (outcome.result) finish(r.job, *outcome.result, r.model_id);
        else fail(r.job, outcome.error, r.model_id);
      } catch (const std::exception& e) {
        fail(r.job, e.what(), r.model_id);
      }
    };
  }
  try {
    run_packed_fits(std::move(fits));
  } catch (const std::exception& e) {  // the pack itself failed (out of memory, say): whoever had not ended
    for (Running& r : running)
      if (!r.ended) fail(r.job, e.what(), r.model_id);
  }
}

std::optional<std::string> JobManager::keep_as_job_checkpoint(const Job& job, const std::string& model_id,
                                                               int64_t step) {
  const std::string saved = models_.checkpoint_path(model_id);
  if (!std::filesystem::exists(saved)) return std::nullopt;
  const std::string kept = periodic_checkpoint_path(store_.checkpoint_dir(job.record.job_id()), step);
  std::filesystem::rename(saved, kept);  // same file system: no copy, so it works on a full disk too
  models_.discard(model_id);
  return kept;
}

void JobManager::finish(const std::shared_ptr<Job>& job, const FitResult& result, const std::string& model_id) {
  if (superseded(job->record)) return drop_superseded(job, model_id);
  const bool completed = result.outcome == FitOutcome::Completed;
  // Why a fit that did not complete stopped: what should_stop() said when it stopped it.
  const StopReason reason = completed ? StopReason::None : job->stop_reason.load();
  if (!completed && reason == StopReason::None) throw std::runtime_error("the fit stopped early for no reason given");
  const bool paused = reason == StopReason::Pause;
  const bool drained = reason == StopReason::Drain;
  const std::string job_id = job->record.job_id();
  const int64_t step = result.final.step;

  // A stopped fit still wrote its state. A paused or drained job keeps it as its newest checkpoint, to
  // continue from (after a restart too); otherwise it becomes a model like any other, so a cancelled or
  // overdue fit can be downloaded and resumed later.
  std::optional<std::string> kept;
  if (paused || drained) kept = keep_as_job_checkpoint(*job, model_id, step);
  const bool have_model = !kept && std::filesystem::exists(models_.checkpoint_path(model_id));
  // Alone, the model is published before the record names it. In a fleet, after the record is saved
  // (fenced), so that a run superseded in between never shows one (publish_after_record).
  if (have_model && !fleet_) {
    models_.add(model_id, job_id, job->record.spec());
  } else if (!have_model) {
    models_.discard(model_id);
  }
  if (completed && !have_model) throw std::runtime_error("the fit completed but wrote no model file");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!record_outcome_locked(*job, result, reason, have_model ? model_id : "", kept)) return;
  }
  if (have_model && fleet_) publish_after_record(*job, model_id);
}

bool JobManager::record_outcome_locked(Job& job, const FitResult& result, StopReason reason, const std::string& model_id,
                                       const std::optional<std::string>& kept) {
  const int64_t step = result.final.step;
  auto& record = job.record;
  *record.mutable_progress() = wire::progress_to_proto(result.final);
  if (!result.device.empty()) record.set_device(result.device);
  if (!model_id.empty()) record.set_model_id(model_id);
  if (kept) job.resume_path = *kept;
  const std::string from = kept ? "step " + std::to_string(step) : "its previous checkpoint";
  if (reason == StopReason::Pause) {
    job.pause_requested = false;
    transition_locked(job, v1::JOB_STATE_PAUSED, v1::JobEvent::TYPE_PAUSED,
                      "paused at step " + std::to_string(step) + "; resume continues from " + from);
    return false;
  }
  if (reason == StopReason::Drain) {
    // Not a final state: a rolling update or a restart must not cost a fit its progress. The next start
    // queues it again (it is not put back in this server's queue: the workers are leaving).
    transition_locked(job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED,
                      "the server is shutting down; the job continues from " + from +
                          (fleet_ ? " on another replica" : " when it is back"));
    return false;
  }
  const std::string saved_as = !model_id.empty() ? ", state saved as model " + model_id : "";
  record.set_finished_unix_ms(now_unix_ms());
  if (reason == StopReason::None) {
    transition_locked(job, v1::JOB_STATE_SUCCEEDED, v1::JobEvent::TYPE_FINISHED, "model " + model_id);
  } else if (reason == StopReason::Cancel) {
    transition_locked(job, v1::JOB_STATE_CANCELLED, v1::JobEvent::TYPE_CANCELLED,
                      "cancelled at step " + std::to_string(step));
  } else {  // StopReason::Deadline
    record.set_error(fmt::format("deadline exceeded: stopped at step {} when the job's {:g} s ran out{}", step,
                                 record.options().deadline_seconds(), saved_as));
    transition_locked(job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, record.error());
  }
  return true;
}

void JobManager::publish_after_record(const Job& job, const std::string& model_id) {
  // The record naming the model must be saved, fenced, before the model shows. A write that failed (the
  // database out of reach) is retried by records_: wait for it, or for the run to be found superseded —
  // had the model shown meanwhile, a replica that took the job over would leave a second one.
  const std::string& job_id = job.record.job_id();
  for (;;) {
    records_.flush();
    if (superseded(job.record)) {
      models_.discard(model_id);
      return;
    }
    if (!records_.pending(job_id)) break;  // written
    if (stopped_) {
      // records_ tries once more as the server stops. The model file stays unlisted: if that write works,
      // the shared store still finds the model by the id the record names.
      spdlog::warn("job {}: stopping before its final record was saved; model {} is not listed", job_id, model_id);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  models_.add(model_id, job_id, job.record.spec());
}

std::string JobManager::keep_last_checkpoint_as_model(const Job& job, std::string model_id) {
  const auto latest = latest_periodic_checkpoint(store_.checkpoint_dir(job.record.job_id()));
  if (!latest) return "";
  try {
    if (model_id.empty()) model_id = models_.allocate();
    std::filesystem::rename(*latest, models_.checkpoint_path(model_id));  // no copy: works on a full disk
    // A fleet's replica lists it once the record naming it is saved, fenced (fail: publish_after_record).
    if (!fleet_) models_.add(model_id, job.record.job_id(), job.record.spec());
    return model_id;
  } catch (const std::exception& e) {
    spdlog::warn("job {}: cannot keep its last checkpoint {} as a model: {}", job.record.job_id(), *latest, e.what());
    return "";
  }
}

void JobManager::fail(const std::shared_ptr<Job>& job, const std::string& error, const std::string& model_id) {
  if (superseded(job->record)) return drop_superseded(job, model_id);
  // What the fit saved before it failed (a full disk stops a fit after some checkpoints were written)
  // becomes the job's model, so that it can be downloaded and continued (siren fit ... --resume).
  const std::string kept_model = keep_last_checkpoint_as_model(*job, model_id);
  if (!model_id.empty() && kept_model != model_id) models_.discard(model_id);
  std::string message = error;
  if (!kept_model.empty()) {
    message += "; its last checkpoint is kept as model " + kept_model + " (siren download " + kept_model +
               ", then siren fit ... --resume FILE continues it)";
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!kept_model.empty()) job->record.set_model_id(kept_model);
    job->record.set_error(message);
    job->record.set_finished_unix_ms(now_unix_ms());
    transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, message);
  }
  if (fleet_ && !kept_model.empty()) publish_after_record(*job, kept_model);
}

void JobManager::on_progress(Job& job, const Progress& p) {
  std::lock_guard<std::mutex> lock(mu_);
  *job.record.mutable_progress() = wire::progress_to_proto(p);

  const auto now = std::chrono::steady_clock::now();
  const bool last_step = p.step >= p.total_steps;
  if (last_step || now - job.last_progress_event >= kProgressEventInterval) {
    job.last_progress_event = now;
    emit_locked(job, v1::JobEvent::TYPE_PROGRESS, "");
  }
  if (fleet_ && now - job.last_saved_progress >= kFleetProgressSaveInterval) {
    job.last_saved_progress = now;
    persist_locked(job);  // for watchers on the other replicas (and fenced: a superseded run learns it here)
  }
}

void JobManager::on_checkpoint(Job& job, int64_t step) {
  std::lock_guard<std::mutex> lock(mu_);
  job.record.set_last_checkpoint_step(step);
  emit_locked(job, v1::JobEvent::TYPE_CHECKPOINT_SAVED, "checkpoint at step " + std::to_string(step), step);
  persist_locked(job);  // the record's progress and last checkpoint step survive a crash with the checkpoint
}

StopReason JobManager::should_stop(Job& job) const {
  const StopReason reason = superseded(job.record) ? StopReason::Superseded
                            : job.cancel_requested     ? StopReason::Cancel
                            : deadline_passed(job)    ? StopReason::Deadline
                            : job.pause_requested     ? StopReason::Pause
                            : draining_               ? StopReason::Drain
                                                      : StopReason::None;
  if (reason != StopReason::None) job.stop_reason = reason;  // the fit stops at this step, for this reason
  return reason;
}

}  // namespace siren::server
