// JobManager as one replica of a fleet (fleet_member.h): claiming work from the shared database, fencing
// the records of the runs it owns, and reaching jobs that run on other replicas.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "ids.h"
#include "job_events.h"
#include "job_manager.h"
#include "metrics.h"
#include "model_store.h"
#include "rpc_error.h"
#include "siren/errors.h"
#include "siren/runtime.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

namespace siren::server {

std::vector<std::shared_ptr<Job>> JobManager::claim_from_fleet(std::unique_lock<std::mutex>& lock,
                                                                const std::string& device) {
  lock.unlock();
  std::vector<v1::Job> claimed;
  try {
    // A job's spec is the resolved one: it names its device, no conversion per candidate needed.
    claimed = fleet_->claims().claim_pack(
        [&](const v1::Job& job) { return worker_accepts(device, job.spec().train().device()); }, queue_.max_pack());
  } catch (const std::exception& e) {  // the database is away: the worker asks again later
    spdlog::warn("replica {}: cannot claim work: {}", fleet_->options().replica_id, e.what());
  }
  lock.lock();
  std::vector<std::shared_ptr<Job>> work;
  for (v1::Job& record : claimed)
    if (auto job = adopt_claimed_locked(std::move(record))) work.push_back(std::move(job));
  return work;
}

std::shared_ptr<Job> JobManager::adopt_claimed_locked(v1::Job claimed) {
  auto job = std::make_shared<Job>();
  job->record = std::move(claimed);
  const std::string& id = job->record.job_id();
  job->dir = store_.dir_of(id);
  job->deadline_unix_ms = job->record.deadline_unix_ms();
  // Here the claim is where the job starts: take_work moves it to RUNNING as it does a local queue's.
  job->record.set_state(v1::JOB_STATE_QUEUED);
  metrics_.job_state_changed(Metrics::task_label(job->record.spec().task()), v1::JOB_STATE_UNSPECIFIED,
                             v1::JOB_STATE_QUEUED);
  jobs_[id] = job;
  try {
    job->config = wire::fit_config_from_proto(job->record.spec());
    job->resume_path = newest_saved_state(id);
  } catch (const std::exception& e) {
    job->record.set_error(std::string("cannot run on replica ") + fleet_->options().replica_id + ": " + e.what());
    job->record.set_finished_unix_ms(now_unix_ms());
    transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
    return nullptr;
  }
  metrics_.fleet_claimed();
  spdlog::info("job {}: claimed by replica {} (attempt {}){}", id, fleet_->options().replica_id,
               job->record.attempt(), job->resume_path ? ", continuing from its newest checkpoint" : "");
  return job;
}

v1::Job JobManager::submit_to_fleet(Job& job) {
  v1::Job& record = job.record;
  const std::string& id = record.job_id();
  const v1::JobEvent queued = make_job_event(record, v1::JobEvent::TYPE_QUEUED, "queued");
  JobClaims::Submission submitted;
  try {
    // Durable before the client hears "accepted".
    submitted = fleet_->claims().submit_once(record, {queued}, queue_.max_queued(), job.packing.key,
                                             job.packing.max_members);
  } catch (const std::exception& e) {
    store_.remove(id);
    throw RpcError(grpc::StatusCode::UNAVAILABLE, std::string("cannot reach the fleet's job database: ") + e.what());
  }
  if (submitted.outcome != JobClaims::Submission::Added) store_.remove(id);
  if (submitted.outcome == JobClaims::Submission::QueueFull) throw JobQueue::full(submitted.waiting);
  if (submitted.outcome == JobClaims::Submission::Existing) {
    // A retry, which reached this replica: the job its request_id made (anywhere) answers it.
    require_same_fit(submitted.existing, record.spec());
    return submitted.existing;
  }
  const std::string task = Metrics::task_label(record.spec().task());
  metrics_.job_submitted(task);
  metrics_.job_state_changed(task, v1::JOB_STATE_UNSPECIFIED, v1::JOB_STATE_QUEUED);
  spdlog::info("job {} queued in the fleet ({}, {} steps, {} priority{})", id, task, record.progress().total_steps(),
               wire::priority_name(record.options().priority()), job.resume_path ? ", resuming" : "");
  changed_.notify_all();  // this replica's idle workers claim it first, if they can
  return record;
}

std::optional<v1::Job> JobManager::control_in_fleet(const std::string& job_id, FleetControl action) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (jobs_.count(job_id)) return std::nullopt;
  }
  bool running = false;
  auto after = fleet_->claims().modify(job_id, [&](v1::Job& job) -> std::optional<std::string> {
    const v1::JobState state = job.state();
    running = state == v1::JOB_STATE_RUNNING;
    switch (action) {
      case FleetControl::Cancel:
        if (state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) return std::nullopt;
        job.set_state(v1::JOB_STATE_CANCELLED);
        job.set_finished_unix_ms(now_unix_ms());
        return state == v1::JOB_STATE_QUEUED ? "cancelled before it started" : "cancelled while paused";
      case FleetControl::Pause:
        if (state == v1::JOB_STATE_QUEUED) {
          job.set_state(v1::JOB_STATE_PAUSED);
          return "paused while queued";
        }
        if (state == v1::JOB_STATE_RUNNING || state == v1::JOB_STATE_PAUSED) return std::nullopt;
        throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                       finished_job_message(job, "paused", "a queued or running job"));
      case FleetControl::Resume:
        if (state == v1::JOB_STATE_PAUSED) {
          job.set_state(v1::JOB_STATE_QUEUED);
          return job.last_checkpoint_step() > 0 ? "resumed; continues from its newest checkpoint"
                                                : "resumed; continues from its start";
        }
        if (state == v1::JOB_STATE_QUEUED || state == v1::JOB_STATE_RUNNING) return std::nullopt;
        throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                       finished_job_message(job, "resumed", "a paused job") +
                           " (to continue a finished fit, submit it again with its model's checkpoint: siren fit ... "
                           "--resume)");
    }
    return std::nullopt;
  });
  if (!after) throw NotFound("job '" + job_id + "' not found (ListJobs shows the fleet's jobs)");
  if (running && action != FleetControl::Resume) {
    // It runs on another replica (or started there since we looked): that replica stops it within a lease/4.
    fleet_->claims().request_stop(job_id, action == FleetControl::Cancel ? StopRequest::Cancel : StopRequest::Pause);
    spdlog::info("job {}: {} asked of replica {}", job_id, action == FleetControl::Cancel ? "cancel" : "pause",
                 after->replica());
  } else if (action == FleetControl::Resume && after->state() == v1::JOB_STATE_QUEUED) {
    changed_.notify_all();
  }
  return after;
}

void JobManager::on_stop_request(const std::string& job_id, StopRequest request) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  std::atomic<bool>& flag = request == StopRequest::Cancel ? it->second->cancel_requested : it->second->pause_requested;
  if (!flag.exchange(true))
    spdlog::info("job {}: {} requested by another replica", job_id, request == StopRequest::Cancel ? "cancel" : "pause");
}

void JobManager::write_record(const v1::Job& record, const std::vector<v1::JobEvent>& events) {
  if (!fleet_ || record.attempt() == 0 || record.replica() != fleet_->options().replica_id) {
    store_.save(record, events);
    return;
  }
  if (fleet_->claims().save_fenced(record, events)) return;
  // Another replica runs this job now (this one's lease ran out): nothing of this run may show.
  note_superseded(record);
}

void JobManager::note_superseded(const v1::Job& record) {
  {
    std::lock_guard<std::mutex> lock(superseded_mu_);
    int& attempt = superseded_[record.job_id()];
    if (attempt == record.attempt()) return;  // said already
    attempt = record.attempt();
  }
  // Nothing to undo: a finished run's model is published only after this write (publish_after_record).
  metrics_.fleet_superseded();
  spdlog::warn("job {}: attempt {} on replica {} was superseded (its lease ran out); stopping it", record.job_id(),
               record.attempt(), record.replica());
}

bool JobManager::may_keep_checkpoint(Job& job, int64_t step) {
  v1::Job record;
  {
    std::lock_guard<std::mutex> lock(mu_);
    record = job.record;
  }
  try {
    if (fleet_->claims().owns(record.job_id(), record.attempt())) return true;
    note_superseded(record);
  } catch (const std::exception& e) {
    spdlog::warn("job {}: checkpoint at step {} not kept: cannot tell whether this replica still runs it: {}",
                 record.job_id(), step, e.what());
  }
  return false;
}

bool JobManager::superseded(const v1::Job& record) const {
  if (!fleet_) return false;
  std::lock_guard<std::mutex> lock(superseded_mu_);
  auto it = superseded_.find(record.job_id());
  return it != superseded_.end() && it->second == record.attempt();
}

void JobManager::drop_superseded(const std::shared_ptr<Job>& job, const std::string& model_id) {
  if (!model_id.empty()) models_.discard(model_id);
  std::lock_guard<std::mutex> lock(mu_);
  metrics_.job_state_changed(Metrics::task_label(job->record.spec().task()), job->record.state(),
                             v1::JOB_STATE_UNSPECIFIED);
  job->record.set_state(v1::JOB_STATE_QUEUED);  // as far as this replica knows; its watchers read the database
  retire_locked(*job);
}

}  // namespace siren::server
