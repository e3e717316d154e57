// JobManager: submission, lookup, cancellation, events and watching, drain. The worker side (running
// a fit and recording its outcome) is in job_worker.cpp.
#include "job_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "siren/io/files.h"
#include "ids.h"
#include "metrics.h"
#include "rpc_error.h"
#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/wire/convert.h"

namespace siren::server {
namespace {

constexpr size_t kMaxEventsPerJob = 4096;

// The job's public spec: every setting as resolved, plus the client's labels.
v1::FitSpec resolved_spec(const v1::FitSpec& client_spec, const FitConfig& config) {
  v1::FitSpec spec = wire::fit_spec_to_proto(config);
  spec.set_name(client_spec.name());
  spec.set_input_filename(client_spec.input_filename());
  return spec;
}

}  // namespace

JobManager::JobManager(std::string jobs_dir, int workers, ModelStore& models, Metrics& metrics)
    : store_(std::move(jobs_dir)), worker_count_(std::max(workers, 1)), models_(models), metrics_(metrics) {}

JobManager::~JobManager() {
  stop();
  for (auto& worker : workers_) worker.join();
}

void JobManager::start() {
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
    jobs_[job->record.job_id()] = job;
    if (job->record.state() == v1::JOB_STATE_RUNNING) {
      // Still RUNNING on disk: the server died mid-fit (kill -9, OOM killer, power loss); a drained job
      // would say INTERRUPTED. Queue it again to continue from its newest checkpoint, which resumes
      // exactly (weights, Adam moments, step, RNG).
      try {
        job->config = wire::fit_config_from_proto(job->record.spec());
        const std::string original_resume = store_.resume_path(job->record.job_id());
        if (auto latest = latest_periodic_checkpoint(store_.checkpoint_dir(job->record.job_id()))) {
          job->resume_path = *latest;
        } else if (std::ifstream(original_resume).good()) {
          job->resume_path = original_resume;
        }
        const std::string from =
            job->resume_path ? std::filesystem::path(*job->resume_path).filename().string() : "its start";
        queue_.push_back(job->record.job_id());
        transition_locked(*job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED,
                          "the server stopped unexpectedly during this fit; queued again to continue from " + from);
      } catch (const std::exception& e) {
        job->record.set_error(std::string("cannot requeue after a crash: ") + e.what());
        job->record.set_finished_unix_ms(now_unix_ms());
        transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
      }
    } else if (job->record.state() == v1::JOB_STATE_QUEUED) {
      try {
        job->config = wire::fit_config_from_proto(job->record.spec());
        const std::string resume = store_.resume_path(job->record.job_id());
        if (std::ifstream(resume).good()) job->resume_path = resume;
        queue_.push_back(job->record.job_id());
      } catch (const std::exception& e) {
        job->record.set_error(std::string("cannot requeue after restart: ") + e.what());
        transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
      }
    }
  }
  metrics_.queue_length(queue_.size());
  if (!saved.empty()) spdlog::info("loaded {} job(s), {} queued", saved.size(), queue_.size());
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { worker_loop(); });
}

v1::Job JobManager::submit(const v1::FitSpec& spec, const FitConfig& config, const std::string& input,
                           const std::string& resume_checkpoint) {
  if (draining_) throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");

  auto job = std::make_shared<Job>();
  job->config = config;
  auto& record = job->record;
  record.set_job_id(new_id("job"));
  record.set_state(v1::JOB_STATE_QUEUED);
  *record.mutable_spec() = resolved_spec(spec, config);
  record.set_created_unix_ms(now_unix_ms());
  record.mutable_progress()->set_total_steps(config.train.steps);
  job->dir = store_.dir_of(record.job_id());

  store_.create(record.job_id());
  try {
    write_file_atomically(store_.input_path(record.job_id()), input);
    if (!resume_checkpoint.empty()) {
      job->resume_path = store_.resume_path(record.job_id());
      write_file_atomically(*job->resume_path, resume_checkpoint);
      try {
        FieldModel::read_info(*job->resume_path);
      } catch (const InvalidInput&) {  // core's message names the server's file path: say it plainly
        throw InvalidInput("the resume checkpoint is not a siren checkpoint; send the bytes DownloadCheckpoint returns");
      }
    }
    // Decodes the input, builds the task and checks the resume checkpoint against the requested network
    // now, so bad input fails this RPC instead of the job.
    validate_fit(config, input, job->resume_path);
  } catch (...) {
    store_.remove(record.job_id());
    throw;
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (draining_) {
    store_.remove(record.job_id());
    throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
  }
  jobs_[record.job_id()] = job;
  metrics_.job_submitted(config.task.kind);
  metrics_.job_state_changed(config.task.kind, v1::JOB_STATE_UNSPECIFIED, v1::JOB_STATE_QUEUED);
  emit_locked(*job, v1::JobEvent::TYPE_QUEUED, "queued");
  persist_locked(*job);
  spdlog::info("job {} queued ({}, {} steps{})", record.job_id(), config.task.kind, config.train.steps,
               job->resume_path ? ", resuming" : "");
  queue_.push_back(record.job_id());
  metrics_.queue_length(queue_.size());
  changed_.notify_all();
  return record;
}

std::shared_ptr<Job> JobManager::find_locked(const std::string& job_id) const {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) throw NotFound("job '" + job_id + "' not found (ListJobs shows the jobs this server has)");
  return it->second;
}

v1::Job JobManager::get(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find_locked(job_id)->record;
}

std::vector<v1::Job> JobManager::list() const {
  std::vector<v1::Job> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, job] : jobs_) out.push_back(job->record);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const v1::Job& a, const v1::Job& b) { return a.created_unix_ms() < b.created_unix_ms(); });
  return out;
}

v1::Job JobManager::cancel(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_QUEUED:
      queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
      metrics_.queue_length(queue_.size());
      job->record.set_finished_unix_ms(now_unix_ms());
      transition_locked(*job, v1::JOB_STATE_CANCELLED, v1::JobEvent::TYPE_CANCELLED, "cancelled before it started");
      break;
    case v1::JOB_STATE_RUNNING:
      if (!job->cancel_requested.exchange(true)) spdlog::info("job {} cancel requested", job_id);
      break;
    default:
      break;  // already finished: nothing to do, the job is returned as it is
  }
  return job->record;
}

v1::Job JobManager::snapshot(const std::string& job_id, int64_t* next_seq) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  *next_seq = job->next_seq();
  return job->record;
}

std::vector<v1::JobEvent> JobManager::wait_events(const std::string& job_id, int64_t* next_seq,
                                                  std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  changed_.wait_for(lock, timeout, [&] { return stopped_ || job->next_seq() > *next_seq; });
  std::vector<v1::JobEvent> out;
  const int64_t from = std::max(*next_seq, job->first_seq);
  for (int64_t seq = from; seq < job->next_seq(); ++seq) out.push_back(job->events[seq - job->first_seq]);
  *next_seq = job->next_seq();
  return out;
}

void JobManager::begin_drain() {
  std::lock_guard<std::mutex> lock(mu_);
  if (draining_.exchange(true)) return;
  spdlog::info("draining: {} running fit(s) asked to stop, {} queued job(s) kept for the next start", running_,
               queue_.size());
  changed_.notify_all();
}

bool JobManager::draining() const { return draining_; }

bool JobManager::wait_until_idle(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_until(lock, deadline, [&] { return running_ == 0; });
}

void JobManager::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  draining_ = true;
  stopped_ = true;
  changed_.notify_all();
}

bool JobManager::stopped() const { return stopped_; }

void JobManager::emit_locked(Job& job, v1::JobEvent::Type type, const std::string& message, int64_t checkpoint_step) {
  v1::JobEvent event;
  event.set_type(type);
  *event.mutable_job() = job.record;
  event.set_message(message);
  event.set_checkpoint_step(checkpoint_step);
  job.events.push_back(std::move(event));
  if (job.events.size() > kMaxEventsPerJob) {
    job.events.pop_front();
    ++job.first_seq;
  }
  changed_.notify_all();
}

void JobManager::transition_locked(Job& job, v1::JobState state, v1::JobEvent::Type type, const std::string& message) {
  const v1::JobState from = job.record.state();
  job.record.set_state(state);
  const std::string task = Metrics::task_label(job.record.spec().task());
  metrics_.job_state_changed(task, from, state);
  if (is_terminal(state)) {
    const int64_t started = job.record.started_unix_ms(), finished = job.record.finished_unix_ms();
    metrics_.job_finished(task, state, started > 0 && finished >= started ? (finished - started) / 1000.0 : -1.0);
  }
  auto log_level = state == v1::JOB_STATE_FAILED ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(log_level, "job {} {} -> {}{}{}", job.record.job_id(), wire::job_state_name(from),
              wire::job_state_name(state), message.empty() ? "" : ": ", message);
  emit_locked(job, type, message);
  persist_locked(job);
}

void JobManager::persist_locked(const Job& job) const {
  try {
    store_.save(job.record);
  } catch (const std::exception& e) {
    // The job itself is fine in memory; only its survival across a restart is at risk.
    spdlog::error("cannot save job {}: {}", job.record.job_id(), e.what());
  }
}

}  // namespace siren::server
