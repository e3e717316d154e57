// JobManager: submission, lookup, cancellation, events and watching, drain. The worker side (running
// a fit and recording its outcome) is in job_worker.cpp.
#include "job_manager.h"

#include <fmt/format.h>
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
#include "siren/runtime.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

#include <google/protobuf/util/message_differencer.h>

namespace siren::server {
namespace {

constexpr size_t kMaxEventsPerJob = 4096;

// How late a queued or paused job past its deadline may be noticed.
constexpr auto kDeadlineSweepInterval = std::chrono::milliseconds(500);

// The job's public spec: every setting as resolved, plus the client's labels.
v1::FitSpec resolved_spec(const v1::FitSpec& client_spec, const FitConfig& config) {
  v1::FitSpec spec = wire::fit_spec_to_proto(config);
  spec.set_name(client_spec.name());
  spec.set_input_filename(client_spec.input_filename());
  return spec;
}

}  // namespace

JobManager::JobManager(std::string jobs_dir, std::vector<std::string> worker_devices, int max_queued,
                       ModelStore& models, Metrics& metrics, int threads_per_worker)
    : store_(std::move(jobs_dir)),
      worker_devices_(worker_devices.empty() ? std::vector<std::string>{"cpu"} : std::move(worker_devices)),
      max_queued_(std::max(max_queued, 1)),
      threads_per_worker_(threads_per_worker),
      models_(models),
      metrics_(metrics) {}

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
    job->deadline_unix_ms = job->record.deadline_unix_ms();
    if (!job->record.options().request_id().empty()) request_ids_[job->record.options().request_id()] = job->record.job_id();
    const v1::JobState state = job->record.state();
    if (state != v1::JOB_STATE_RUNNING && state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) continue;
    try {
      job->config = wire::fit_config_from_proto(job->record.spec());
      // The newest state the job saved: a periodic checkpoint (also where a pause leaves it), else the
      // checkpoint it was submitted to resume from. Either resumes exactly (weights, Adam moments, step, RNG).
      const std::string original_resume = store_.resume_path(job->record.job_id());
      if (auto latest = latest_periodic_checkpoint(store_.checkpoint_dir(job->record.job_id()))) {
        job->resume_path = *latest;
      } else if (std::ifstream(original_resume).good()) {
        job->resume_path = original_resume;
      }
      if (state == v1::JOB_STATE_RUNNING) {
        // Still RUNNING on disk: the server died mid-fit (kill -9, OOM killer, power loss); a drained job
        // would say INTERRUPTED. Queue it again to continue from its newest checkpoint.
        const std::string from =
            job->resume_path ? std::filesystem::path(*job->resume_path).filename().string() : "its start";
        queue_.push_back(job->record.job_id());
        transition_locked(*job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED,
                          "the server stopped unexpectedly during this fit; queued again to continue from " + from);
      } else if (state == v1::JOB_STATE_QUEUED) {
        queue_.push_back(job->record.job_id());
      }
    } catch (const std::exception& e) {
      job->record.set_error(std::string("cannot continue after a restart: ") + e.what());
      job->record.set_finished_unix_ms(now_unix_ms());
      transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
    }
  }
  metrics_.queue_length(queue_.size());
  if (!saved.empty()) spdlog::info("loaded {} job(s), {} queued", saved.size(), queue_.size());
  for (const std::string& device : worker_devices_)
    workers_.emplace_back([this, device] { worker_loop(device); });
}

namespace {

// The job `request_id` names, if it asks for the same fit; ALREADY_EXISTS if it asks for another.
std::optional<v1::Job> idempotent_match(const std::map<std::string, std::string>& request_ids,
                                        const std::map<std::string, std::shared_ptr<Job>>& jobs,
                                        const std::string& request_id, const v1::FitSpec& spec) {
  if (request_id.empty()) return std::nullopt;
  auto it = request_ids.find(request_id);
  if (it == request_ids.end()) return std::nullopt;
  const v1::Job& existing = jobs.at(it->second)->record;
  if (!google::protobuf::util::MessageDifferencer::Equals(existing.spec(), spec)) {
    throw RpcError(grpc::StatusCode::ALREADY_EXISTS,
                   "request_id '" + request_id + "' was used for job " + existing.job_id() +
                       " with different settings; use a new request_id for a different fit");
  }
  return existing;
}

}  // namespace

v1::Job JobManager::submit(const v1::FitSpec& client_spec, const FitConfig& config, const v1::JobOptions& options,
                           const std::string& input, const std::string& resume_checkpoint) {
  if (draining_) throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
  const v1::FitSpec spec = resolved_spec(client_spec, config);
  check_device_served(config.train.device);
  {
    // Answer retries and refuse a full queue before writing and decoding anything.
    std::lock_guard<std::mutex> lock(mu_);
    if (auto existing = idempotent_match(request_ids_, jobs_, options.request_id(), spec)) return *existing;
    check_queue_space_locked();
  }

  auto job = std::make_shared<Job>();
  job->config = config;
  auto& record = job->record;
  record.set_job_id(new_id("job"));
  record.set_state(v1::JOB_STATE_QUEUED);
  *record.mutable_spec() = spec;
  *record.mutable_options() = options;
  record.mutable_options()->set_priority(wire::resolved_priority(options.priority()));
  record.set_created_unix_ms(now_unix_ms());
  if (options.deadline_seconds() > 0) {
    record.set_deadline_unix_ms(record.created_unix_ms() + static_cast<int64_t>(options.deadline_seconds() * 1000.0));
  }
  job->deadline_unix_ms = record.deadline_unix_ms();
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
  try {
    if (draining_) {
      throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
    }
    // A retry that raced this one while both uploaded: the first to get here wins.
    if (auto existing = idempotent_match(request_ids_, jobs_, options.request_id(), spec)) {
      store_.remove(record.job_id());
      return *existing;
    }
    check_queue_space_locked();
  } catch (...) {
    store_.remove(record.job_id());
    throw;
  }
  jobs_[record.job_id()] = job;
  if (!options.request_id().empty()) request_ids_[options.request_id()] = record.job_id();
  metrics_.job_submitted(config.task.kind);
  metrics_.job_state_changed(config.task.kind, v1::JOB_STATE_UNSPECIFIED, v1::JOB_STATE_QUEUED);
  emit_locked(*job, v1::JobEvent::TYPE_QUEUED, "queued");
  persist_locked(*job);
  spdlog::info("job {} queued ({}, {} steps, {} priority{})", record.job_id(), config.task.kind, config.train.steps,
               wire::priority_name(record.options().priority()), job->resume_path ? ", resuming" : "");
  enqueue_locked(*job);
  return record;
}

void JobManager::check_queue_space_locked() const {
  if (static_cast<int>(queue_.size()) >= max_queued_) {
    throw RpcError(grpc::StatusCode::RESOURCE_EXHAUSTED,
                   "the queue is full (" + std::to_string(queue_.size()) +
                       " jobs waiting; server flag --max-queued); retry once some have started");
  }
}

void JobManager::enqueue_locked(Job& job) {
  queue_.push_back(job.record.job_id());
  metrics_.queue_length(queue_.size());
  changed_.notify_all();
}

void JobManager::check_device_served(const std::string& requested) const {
  std::string served;
  for (const std::string& device : worker_devices_) {
    if (worker_accepts(device, requested)) return;
    served += (served.empty() ? "" : ", ") + device;
  }
  throw InvalidInput("device \"" + requested + "\" is not among this server's devices (" + served +
                     "; siren-server --devices); ask for one of them or for auto");
}

std::shared_ptr<Job> JobManager::take_next_locked(const std::string& device) {
  auto best = queue_.end();
  int best_priority = -1;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    const Job& candidate = *jobs_.at(*it);
    if (!worker_accepts(device, candidate.config.train.device)) continue;
    const int priority = candidate.record.options().priority();
    if (priority > best_priority) {  // strictly greater: the oldest wins among equals
      best_priority = priority;
      best = it;
    }
  }
  if (best == queue_.end()) return nullptr;
  auto job = jobs_.at(*best);
  queue_.erase(best);
  metrics_.queue_length(queue_.size());
  return job;
}

bool JobManager::deadline_passed(const Job& job) {
  return job.deadline_unix_ms > 0 && now_unix_ms() >= job.deadline_unix_ms;
}

void JobManager::expire_overdue_locked() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_deadline_sweep_ < kDeadlineSweepInterval) return;
  last_deadline_sweep_ = now;
  for (auto& [id, job] : jobs_) {
    const v1::JobState state = job->record.state();
    if ((state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) || !deadline_passed(*job)) continue;
    queue_.erase(std::remove(queue_.begin(), queue_.end(), id), queue_.end());
    job->record.set_error(fmt::format("deadline exceeded: the job's {:g} s ran out while it was {}",
                                      job->record.options().deadline_seconds(), wire::job_state_name(state)));
    job->record.set_finished_unix_ms(now_unix_ms());
    transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
  }
  metrics_.queue_length(queue_.size());
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
    case v1::JOB_STATE_PAUSED: {
      const bool queued = job->record.state() == v1::JOB_STATE_QUEUED;
      queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
      metrics_.queue_length(queue_.size());
      job->record.set_finished_unix_ms(now_unix_ms());
      transition_locked(*job, v1::JOB_STATE_CANCELLED, v1::JobEvent::TYPE_CANCELLED,
                        queued ? "cancelled before it started" : "cancelled while paused");
      break;
    }
    case v1::JOB_STATE_RUNNING:
      if (!job->cancel_requested.exchange(true)) spdlog::info("job {} cancel requested", job_id);
      break;
    default:
      break;  // already finished: nothing to do, the job is returned as it is
  }
  return job->record;
}

namespace {
std::string finished_job_message(const v1::Job& job, const std::string& action, const std::string& allowed) {
  return "job " + job.job_id() + " is " + wire::job_state_name(job.state()) + "; only " + allowed + " can be " + action;
}
}  // namespace

v1::Job JobManager::pause(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_QUEUED:
      queue_.erase(std::remove(queue_.begin(), queue_.end(), job_id), queue_.end());
      metrics_.queue_length(queue_.size());
      transition_locked(*job, v1::JOB_STATE_PAUSED, v1::JobEvent::TYPE_PAUSED, "paused while queued");
      break;
    case v1::JOB_STATE_RUNNING:
      if (!job->pause_requested.exchange(true)) spdlog::info("job {} pause requested", job_id);
      break;
    case v1::JOB_STATE_PAUSED:
      break;
    default:
      throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                     finished_job_message(job->record, "paused", "a queued or running job"));
  }
  return job->record;
}

v1::Job JobManager::resume(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_PAUSED: {
      if (draining_) throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; resume it after the restart");
      check_queue_space_locked();
      job->pause_requested = false;
      const std::string from = job->resume_path ? "step " + std::to_string(job->record.progress().step()) : "its start";
      transition_locked(*job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED, "resumed; continues from " + from);
      enqueue_locked(*job);
      break;
    }
    case v1::JOB_STATE_QUEUED:
      break;
    case v1::JOB_STATE_RUNNING:
      if (job->pause_requested) {
        throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                       "job " + job_id + " is pausing (it stops at its next step); resume it once it is paused");
      }
      break;
    default:
      throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                     finished_job_message(job->record, "resumed", "a paused job") +
                         " (to continue a finished fit, submit it again with its model's checkpoint: siren fit ... --resume)");
  }
  return job->record;
}

void JobManager::remove(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  const v1::JobState state = job->record.state();
  if (state == v1::JOB_STATE_QUEUED || state == v1::JOB_STATE_RUNNING) {
    throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                   "job " + job_id + " is " + wire::job_state_name(state) + "; cancel it first (siren cancel " + job_id + ")");
  }
  jobs_.erase(job_id);
  const std::string& request_id = job->record.options().request_id();
  if (!request_id.empty() && request_ids_.count(request_id) && request_ids_[request_id] == job_id) request_ids_.erase(request_id);
  metrics_.job_state_changed(Metrics::task_label(job->record.spec().task()), state, v1::JOB_STATE_UNSPECIFIED);
  store_.remove(job_id);
  spdlog::info("job {} deleted", job_id);
  changed_.notify_all();
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
  if (wire::is_final_state(state)) {
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
