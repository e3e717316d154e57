// JobManager's crash recovery: what a restarted server makes of the jobs its data dir holds.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "ids.h"
#include "job_manager.h"
#include "metrics.h"
#include "siren/fit.h"
#include "siren/wire/convert.h"

namespace siren::server {

std::optional<std::string> JobManager::newest_saved_state(const std::string& job_id) const {
  // A periodic checkpoint (also where a pause or a drain leaves it), else the checkpoint it was submitted
  // to resume from. Either resumes exactly (weights, Adam moments, step, RNG).
  if (auto latest = latest_periodic_checkpoint(store_.checkpoint_dir(job_id))) return latest;
  const std::string original_resume = store_.resume_path(job_id);
  if (std::ifstream(original_resume).good()) return original_resume;
  return std::nullopt;
}

void JobManager::recover() {
  if (fleet_) {  // the fleet's jobs are in the shared database; the replicas' leases look after them
    spdlog::info("replica {} of a fleet: jobs come from {}", fleet_->options().replica_id, store_.database_name());
    return;
  }
  std::vector<v1::Job> saved = store_.load_all();
  std::sort(saved.begin(), saved.end(),
            [](const v1::Job& a, const v1::Job& b) { return a.created_unix_ms() < b.created_unix_ms(); });
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& record : saved) {
    auto job = std::make_shared<Job>();
    job->record = std::move(record);
    job->dir = store_.dir_of(job->record.job_id());
    metrics_.job_state_changed(Metrics::task_label(job->record.spec().task()), v1::JOB_STATE_UNSPECIFIED,
                               job->record.state());
    job->deadline_unix_ms = job->record.deadline_unix_ms();
    request_ids_.add(job->record.options().request_id(), job->record.job_id());
    const v1::JobState state = job->record.state();
    // Finished jobs stay in the database only (find_locked reads them there): memory holds the live ones.
    if (state != v1::JOB_STATE_RUNNING && state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) continue;
    jobs_[job->record.job_id()] = job;
    try {
      job->config = wire::fit_config_from_proto(job->record.spec());
      job->resume_path = newest_saved_state(job->record.job_id());
      if (state == v1::JOB_STATE_RUNNING) {
        // Still RUNNING on disk: the server died mid-fit (kill -9, OOM killer, power loss); a drained job
        // would say INTERRUPTED. Queue it again to continue from its newest checkpoint.
        const std::string from =
            job->resume_path ? std::filesystem::path(*job->resume_path).filename().string() : "its start";
        queue_.push(job);
        transition_locked(*job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED,
                          "the server stopped unexpectedly during this fit; queued again to continue from " + from);
      } else if (state == v1::JOB_STATE_QUEUED) {
        queue_.push(job);
      }
    } catch (const std::exception& e) {
      job->record.set_error(std::string("cannot continue after a restart: ") + e.what());
      job->record.set_finished_unix_ms(now_unix_ms());
      transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
    }
  }
  metrics_.queue_length(queue_.size());
  if (!saved.empty()) spdlog::info("loaded {} job(s), {} queued", saved.size(), queue_.size());
}

}  // namespace siren::server
