// JobManager's worker side: take a queued job, run the fit, and record how it ended. A fit that
// throws fails its job only; nothing here lets an exception reach the worker thread's top.
#include <spdlog/spdlog.h>

#include <filesystem>

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

namespace siren::server {
namespace {

// At most one PROGRESS event per job this often (~10/s), plus always the last step's: watchers
// want to see movement, not one event per millisecond-long step.
constexpr auto kProgressEventInterval = std::chrono::milliseconds(100);

}  // namespace

void JobManager::worker_loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return draining_ || !queue_.empty(); });
      if (draining_) return;  // queued jobs stay QUEUED on disk for the next start
      job = jobs_.at(queue_.front());
      queue_.pop_front();
      metrics_.queue_length(queue_.size());
      ++running_;
      job->record.set_started_unix_ms(now_unix_ms());
      metrics_.job_started(Metrics::task_label(job->record.spec().task()),
                           (job->record.started_unix_ms() - job->record.created_unix_ms()) / 1000.0);
      try {
        job->record.set_device(resolve_device(job->config.train.device));
      } catch (const std::exception&) {
        // run_fit reports a bad device as the job's error.
      }
      transition_locked(*job, v1::JOB_STATE_RUNNING, v1::JobEvent::TYPE_STARTED, "started");
    }
    run(job);
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
    changed_.notify_all();
  }
}

void JobManager::run(const std::shared_ptr<Job>& job) {
  const std::string job_id = job->record.job_id();
  const std::string model_id = models_.allocate();
  try {
    // Metrics and <job dir>/progress.jsonl (loss and figures per step, for plotting).
    FitTelemetry telemetry(metrics_, Metrics::task_label(job->record.spec().task()), job->dir + "/progress.jsonl");
    FitCallbacks callbacks;
    callbacks.on_progress = [this, job, &telemetry](const Progress& p) {
      telemetry.progress(p);
      on_progress(*job, p);
    };
    callbacks.on_checkpoint = [this, job](int64_t step, const std::string&) { on_checkpoint(*job, step); };
    callbacks.on_checkpoint_written = [&telemetry](double seconds, int64_t bytes) {
      telemetry.checkpoint_written(seconds, bytes);
    };
    callbacks.should_stop = [this, job] { return should_stop(*job); };
    const FitPaths paths{store_.checkpoint_dir(job_id), models_.checkpoint_path(model_id)};
    const std::string input = read_file(store_.input_path(job_id));
    const FitResult result = run_fit(job->config, input, paths, callbacks, job->resume_path);
    finish(job, result, model_id);
  } catch (const std::exception& e) {
    fail(job, e.what(), model_id);
  } catch (...) {
    fail(job, "unknown error", model_id);
  }
}

void JobManager::finish(const std::shared_ptr<Job>& job, const FitResult& result, const std::string& model_id) {
  const bool completed = result.outcome == FitOutcome::Completed;
  // A stopped fit still wrote its state, so a cancelled or interrupted job can be downloaded and
  // resumed later; register it like any other model.
  const bool have_model = std::filesystem::exists(models_.checkpoint_path(model_id));
  v1::Model model;
  if (have_model) {
    model = models_.add(model_id, job->record.job_id(), job->record.spec());
  } else {
    models_.discard(model_id);
  }
  if (completed && !have_model) throw std::runtime_error("the fit completed but wrote no model file");

  std::lock_guard<std::mutex> lock(mu_);
  auto& record = job->record;
  *record.mutable_progress() = wire::progress_to_proto(result.final);
  if (!result.device.empty()) record.set_device(result.device);
  if (have_model) record.set_model_id(model_id);
  record.set_finished_unix_ms(now_unix_ms());
  if (completed) {
    transition_locked(*job, v1::JOB_STATE_SUCCEEDED, v1::JobEvent::TYPE_FINISHED, "model " + model_id);
  } else if (job->cancel_requested) {
    transition_locked(*job, v1::JOB_STATE_CANCELLED, v1::JobEvent::TYPE_CANCELLED,
                      "cancelled at step " + std::to_string(result.final.step));
  } else {
    transition_locked(*job, v1::JOB_STATE_INTERRUPTED, v1::JobEvent::TYPE_INTERRUPTED,
                      "server shutting down; stopped at step " + std::to_string(result.final.step) +
                          (have_model ? ", state saved as model " + model_id : ""));
  }
}

void JobManager::fail(const std::shared_ptr<Job>& job, const std::string& error, const std::string& model_id) {
  models_.discard(model_id);
  std::lock_guard<std::mutex> lock(mu_);
  job->record.set_error(error);
  job->record.set_finished_unix_ms(now_unix_ms());
  transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, error);
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
}

void JobManager::on_checkpoint(Job& job, int64_t step) {
  std::lock_guard<std::mutex> lock(mu_);
  job.record.set_last_checkpoint_step(step);
  emit_locked(job, v1::JobEvent::TYPE_CHECKPOINT_SAVED, "checkpoint at step " + std::to_string(step), step);
}

bool JobManager::should_stop(const Job& job) const { return job.cancel_requested || draining_; }

}  // namespace siren::server
