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
#include "job_events.h"
#include "metrics.h"
#include "rpc_error.h"
#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/runtime.h"
#include "siren/wire/convert.h"
#include "siren/image_size.h"
#include "siren/wire/job_states.h"

#include <google/protobuf/util/message_differencer.h>

namespace siren::server {
namespace {

// The job's public spec: every setting as resolved, plus the client's labels.
v1::FitSpec resolved_spec(const v1::FitSpec& client_spec, const FitConfig& config) {
  v1::FitSpec spec = wire::fit_spec_to_proto(config);
  spec.set_name(client_spec.name());
  spec.set_input_filename(client_spec.input_filename());
  return spec;
}

}  // namespace

JobManager::JobManager(std::string jobs_dir, const std::string& database_url, std::vector<std::string> worker_devices,
                       int max_queued, ModelStore& models, Metrics& metrics, int threads_per_worker, int max_pack,
                       std::optional<FleetOptions> fleet)
    : store_(std::move(jobs_dir), database_url, /*exclusive=*/!fleet),
      records_([this](const v1::Job& job, const std::vector<v1::JobEvent>& events) { write_record(job, events); }),
      worker_devices_(worker_devices.empty() ? std::vector<std::string>{"cpu"} : std::move(worker_devices)),
      threads_per_worker_(threads_per_worker),
      models_(models),
      metrics_(metrics),
      queue_(max_queued, max_pack),
      deadline_sweeper_(mu_, [this] { return next_deadline_locked(); }, [this] { expire_overdue_locked(); }) {
  if (fleet) {
    fleet_ = std::make_unique<FleetMember>(std::move(*fleet));
    remote_watches_ = std::make_unique<RemoteWatches>(
        [this](const std::string& id) { return store_.load(id); },
        [this](const std::string& id, int64_t after) { return store_.events_after(id, after); });
  }
}

JobManager::~JobManager() {
  stop();
  for (auto& worker : workers_) worker.join();
  deadline_sweeper_.stop();
  records_.stop();  // writes what the last transitions queued
  if (fleet_) fleet_->stop();  // leaves the fleet once its jobs are given back
}

void JobManager::start(std::function<void(bool)> on_database_health) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    saving_ = true;
    for (const std::string& id : recovered_unsaved_)
      if (auto it = jobs_.find(id); it != jobs_.end()) persist_locked(*it->second);
    recovered_unsaved_.clear();
  }
  records_.start();
  records_.flush();  // a crashed fit is QUEUED on disk before anything runs
  for (const std::string& device : worker_devices_)
    workers_.emplace_back([this, device] { worker_loop(device); });
  deadline_sweeper_.start();
  if (fleet_)
    fleet_->start([this](const std::string& id, StopRequest request) { on_stop_request(id, request); },
                  [this, report = std::move(on_database_health)](bool reachable) {
                    metrics_.fleet_database_reachable(reachable);
                    if (report) report(reachable);
                  },
                  [this](const v1::Job& job) { metrics_.fleet_requeued(job.state()); });
}

std::optional<v1::Job> JobManager::idempotent_match_locked(const std::string& request_id,
                                                           const v1::FitSpec& spec) const {
  const auto job_id = request_ids_.find(request_id);
  if (!job_id) return std::nullopt;
  const v1::Job existing = find_locked(*job_id)->record;
  require_same_fit(existing, spec);
  return existing;
}

void JobManager::require_same_fit(const v1::Job& existing, const v1::FitSpec& spec) {
  if (google::protobuf::util::MessageDifferencer::Equals(existing.spec(), spec)) return;
  throw RpcError(grpc::StatusCode::ALREADY_EXISTS,
                 "request_id '" + existing.options().request_id() + "' was used for job " + existing.job_id() +
                     " with different settings; use a new request_id for a different fit");
}

v1::Job JobManager::submit(const v1::FitSpec& client_spec, const FitConfig& config, const v1::JobOptions& options,
                           const std::string& input, const std::string& resume_checkpoint,
                           const PreparedCheck& check_prepared, const std::string& tenant) {
  if (draining_) throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
  const v1::FitSpec spec = resolved_spec(client_spec, config);
  check_device_served(config.train.device);
  {
    // Answer retries and refuse a full queue before writing and decoding anything.
    std::lock_guard<std::mutex> lock(mu_);
    if (auto existing = idempotent_match_locked(options.request_id(), spec)) return *existing;
    queue_.check_space();
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
  record.set_tenant(tenant);
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
    // The steps the fit will run (a fit counted in epochs has them only now that the task knows its points).
    const FitConfig prepared = validate_fit(config, input, job->resume_path, &job->packing);
    if (check_prepared) check_prepared(prepared);
    record.mutable_progress()->set_total_steps(prepared.train.steps);
    if (prepared.train.epochs > 0) record.mutable_progress()->set_total_epochs(prepared.train.epochs);
  } catch (...) {
    store_.remove(record.job_id());
    throw;
  }

  std::unique_lock<std::mutex> lock(mu_);
  try {
    if (draining_) {
      throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
    }
    // A retry that raced this one while both uploaded: the first to get here wins.
    if (auto existing = idempotent_match_locked(options.request_id(), spec)) {
      store_.remove(record.job_id());
      return *existing;
    }
    queue_.check_space();
  } catch (...) {
    store_.remove(record.job_id());
    throw;
  }
  if (fleet_) {  // a fleet's queue is the database: any replica may claim it
    lock.unlock();
    return submit_to_fleet(*job);
  }
  jobs_[record.job_id()] = job;
  request_ids_.add(options.request_id(), record.job_id());
  metrics_.job_submitted(config.task.kind);
  metrics_.job_state_changed(config.task.kind, v1::JOB_STATE_UNSPECIFIED, v1::JOB_STATE_QUEUED);
  emit_locked(*job, v1::JobEvent::TYPE_QUEUED, "queued");
  persist_locked(*job);
  spdlog::info("job {} queued ({}, {} steps, {} priority{})", record.job_id(), config.task.kind,
               record.progress().total_steps(),
               wire::priority_name(record.options().priority()), job->resume_path ? ", resuming" : "");
  enqueue_locked(job);
  const v1::Job accepted = record;
  lock.unlock();
  records_.flush();  // durable before the client hears "accepted"
  return accepted;
}

void JobManager::set_tenant_quotas(const std::map<std::string, int>& quotas) {
  if (fleet_) {
    for (const auto& [tenant, quota] : quotas) fleet_->claims().set_quota(tenant, quota);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  tenant_quotas_ = quotas;
}

bool JobManager::may_start_locked(const std::string& tenant) const {
  const auto quota = tenant_quotas_.find(tenant);
  if (tenant.empty() || quota == tenant_quotas_.end()) return true;
  const auto running = std::count_if(jobs_.begin(), jobs_.end(), [&](const auto& entry) {
    return entry.second->record.tenant() == tenant && entry.second->record.state() == v1::JOB_STATE_RUNNING;
  });
  return running < quota->second;
}

void JobManager::enqueue_locked(const std::shared_ptr<Job>& job) {
  queue_.push(job);
  metrics_.queue_length(queue_.size());
  changed_.notify_all();
  if (job->deadline_unix_ms > 0) deadline_sweeper_.deadlines_changed();
}

void JobManager::dequeue_locked(const std::string& job_id) {
  queue_.erase(job_id);
  metrics_.queue_length(queue_.size());
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

bool JobManager::deadline_passed(const Job& job) {
  return job.deadline_unix_ms > 0 && now_unix_ms() >= job.deadline_unix_ms;
}

void JobManager::expire_overdue_locked() {
  std::vector<std::shared_ptr<Job>> live;  // transition_locked may retire a job from jobs_
  for (const auto& [id, job] : jobs_) live.push_back(job);
  for (const auto& job : live) {
    const std::string& id = job->record.job_id();
    const v1::JobState state = job->record.state();
    if ((state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) || !deadline_passed(*job)) continue;
    queue_.erase(id);
    job->record.set_error(deadline_exceeded_message(job->record));
    job->record.set_finished_unix_ms(now_unix_ms());
    transition_locked(*job, v1::JOB_STATE_FAILED, v1::JobEvent::TYPE_FAILED, job->record.error());
  }
  metrics_.queue_length(queue_.size());
}

std::chrono::system_clock::time_point JobManager::next_deadline_locked() const {
  int64_t next = 0;
  for (const auto& [id, job] : jobs_) {
    const v1::JobState state = job->record.state();
    if ((state != v1::JOB_STATE_QUEUED && state != v1::JOB_STATE_PAUSED) || job->deadline_unix_ms <= 0) continue;
    if (next == 0 || job->deadline_unix_ms < next) next = job->deadline_unix_ms;
  }
  if (next == 0) return std::chrono::system_clock::time_point::max();
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(next));
}

std::shared_ptr<Job> JobManager::find_locked(const std::string& job_id) const {
  auto it = jobs_.find(job_id);
  if (it != jobs_.end()) return it->second;
  if (deleting_.count(job_id)) throw NotFound("job '" + job_id + "' not found (it is being deleted)");
  auto record = records_.pending(job_id);  // finished, not written yet
  if (!record) record = store_.load(job_id);
  if (record) {
    auto finished = std::make_shared<Job>();
    finished->record = std::move(*record);
    finished->dir = store_.dir_of(job_id);
    return finished;
  }
  throw NotFound("job '" + job_id + "' not found (ListJobs shows the jobs this server has)");
}

void JobManager::retire_locked(const Job& job) {
  auto it = jobs_.find(job.record.job_id());
  if (it == jobs_.end() || it->second.get() != &job) return;
  // In a fleet the job may go on elsewhere (queued again, resumed): its watchers follow its record.
  if (remote_watches_ && !wire::ends_watch(job.record.state())) {
    for (JobWatcher* watcher : it->second->watchers) remote_watches_->add(job.record, watcher);
    it->second->watchers.clear();
  }
  jobs_.erase(it);
}

v1::Job JobManager::get(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return find_locked(job_id)->record;
}

std::vector<v1::Job> JobManager::list() const {
  std::vector<v1::Job> out = store_.load_all();  // finished jobs live there only; live ones are newer in memory
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::vector<v1::Job> queued = records_.all_pending();  // newer than the database's
    std::map<std::string, const v1::Job*> live;
    for (const auto& record : queued) live[record.job_id()] = &record;
    for (const auto& [id, job] : jobs_) live[id] = &job->record;
    for (auto& record : out) {
      if (auto it = live.find(record.job_id()); it != live.end()) {
        record = *it->second;
        live.erase(it);
      }
    }
    for (const auto& [id, record] : live) out.push_back(*record);  // not saved yet (a failing disk)
    out.erase(std::remove_if(out.begin(), out.end(), [&](const v1::Job& job) { return deleting_.count(job.job_id()); }),
              out.end());
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const v1::Job& a, const v1::Job& b) { return a.created_unix_ms() < b.created_unix_ms(); });
  return out;
}

v1::Job JobManager::cancel(const std::string& job_id) {
  if (fleet_)
    if (auto elsewhere = control_in_fleet(job_id, FleetControl::Cancel)) return *elsewhere;
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_QUEUED:
    case v1::JOB_STATE_PAUSED: {
      const bool queued = job->record.state() == v1::JOB_STATE_QUEUED;
      dequeue_locked(job_id);
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

std::string JobManager::finished_job_message(const v1::Job& job, const std::string& action, const std::string& allowed) {
  return "job " + job.job_id() + " is " + wire::job_state_name(job.state()) + "; only " + allowed + " can be " + action;
}

v1::Job JobManager::pause(const std::string& job_id) {
  if (fleet_)
    if (auto elsewhere = control_in_fleet(job_id, FleetControl::Pause)) return *elsewhere;
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_QUEUED:
      dequeue_locked(job_id);
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
  if (fleet_)
    if (auto elsewhere = control_in_fleet(job_id, FleetControl::Resume)) return *elsewhere;
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  switch (job->record.state()) {
    case v1::JOB_STATE_PAUSED: {
      if (draining_) throw RpcError(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; resume it after the restart");
      queue_.check_space();
      job->pause_requested = false;
      const std::string from = job->resume_path ? "step " + std::to_string(job->record.progress().step()) : "its start";
      transition_locked(*job, v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED, "resumed; continues from " + from);
      enqueue_locked(job);
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
  std::unique_lock<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  const v1::JobState state = job->record.state();
  if (state == v1::JOB_STATE_QUEUED || state == v1::JOB_STATE_RUNNING) {
    throw RpcError(grpc::StatusCode::FAILED_PRECONDITION,
                   "job " + job_id + " is " + wire::job_state_name(state) + "; cancel it first (siren cancel " + job_id + ")");
  }
  close_watchers_locked(*job, grpc::Status(grpc::StatusCode::NOT_FOUND, "job " + job_id + " was deleted"));
  jobs_.erase(job_id);
  const std::string& request_id = job->record.options().request_id();
  request_ids_.remove(request_id, job_id);
  metrics_.job_state_changed(Metrics::task_label(job->record.spec().task()), state, v1::JOB_STATE_UNSPECIFIED);
  // The record and the directory (checkpoints: maybe gigabytes) go without the lock held, so that every
  // other call goes on meanwhile; the id is gone for them from here on.
  deleting_.insert(job_id);
  lock.unlock();
  records_.forget(job_id);  // a queued record must not bring it back
  store_.remove(job_id);
  lock.lock();
  deleting_.erase(job_id);
  spdlog::info("job {} deleted", job_id);
}

JobManager::WatchStart JobManager::watch(const std::string& job_id, JobWatcher* watcher, int64_t after_sequence) {
  WatchStart start{register_watcher(job_id, watcher), {}};
  const int64_t now = start.snapshot.last_event_sequence();
  if (after_sequence <= 0 || after_sequence >= now) return start;
  // The kept events up to the snapshot's are in the database once what was queued is written; the later
  // ones are pushed to the watcher live.
  records_.flush();
  for (v1::JobEvent& event : store_.events_after(job_id, after_sequence))
    if (event.sequence() <= now) start.missed.push_back(std::move(event));
  return start;
}

v1::Job JobManager::register_watcher(const std::string& job_id, JobWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = find_locked(job_id);
  if (remote_watches_ && !jobs_.count(job_id)) {  // a fleet's job that does not run here
    if (!wire::ends_watch(job->record.state()) && !stopped_) remote_watches_->add(job->record, watcher);
    return job->record;
  }
  if (!wire::ends_watch(job->record.state()) && !stopped_) {
    job->watchers.push_back(watcher);
    watchers_changed_locked(*job);
  }
  return job->record;
}

void JobManager::unwatch(const std::string& job_id, JobWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  if (remote_watches_) remote_watches_->remove(watcher);
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  auto& watchers = it->second->watchers;
  watchers.erase(std::remove(watchers.begin(), watchers.end(), watcher), watchers.end());
  watchers_changed_locked(*it->second);
}

void JobManager::watchers_changed_locked(Job& job) {
  job.preview_watchers = static_cast<int>(std::count_if(job.watchers.begin(), job.watchers.end(), [](const JobWatcher* w) {
    return w->preview_schedule().every_seconds > 0;
  }));
}

int JobManager::preview_side_due(Job& job) {
  if (job.preview_watchers.load(std::memory_order_relaxed) == 0) return 0;  // the common case: no lock
  std::lock_guard<std::mutex> lock(mu_);
  double every = 0;
  int side = 0;
  for (const JobWatcher* watcher : job.watchers) {
    const PreviewSchedule schedule = watcher->preview_schedule();
    if (schedule.every_seconds <= 0) continue;
    every = every > 0 ? std::min(every, schedule.every_seconds) : schedule.every_seconds;
    side = std::max(side, schedule.max_side);
  }
  const auto now = std::chrono::steady_clock::now();
  if (every <= 0 || now - job.last_preview < std::chrono::duration<double>(every)) return 0;
  job.last_preview = now;
  return side;
}

void JobManager::publish_preview(Job& job, int64_t step, const std::string& png) {
  std::lock_guard<std::mutex> lock(mu_);
  v1::JobEvent event;
  event.set_type(v1::JobEvent::TYPE_PREVIEW);
  *event.mutable_job() = job.record;
  v1::Preview* preview = event.mutable_preview();
  preview->set_step(step);
  preview->set_png(png);
  const ImageSize size = png_image_size(png);
  preview->set_width(size.width);
  preview->set_height(size.height);
  for (JobWatcher* watcher : job.watchers)
    if (watcher->preview_schedule().every_seconds > 0) watcher->on_event(event);
}

void JobManager::close_watchers_locked(Job& job, const grpc::Status& status) {
  for (JobWatcher* watcher : job.watchers) watcher->on_closed(status);
  job.watchers.clear();
  watchers_changed_locked(job);
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
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_ = true;
    stopped_ = true;
    const grpc::Status stopping(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; watch again later");
    for (auto& [id, job] : jobs_) close_watchers_locked(*job, stopping);
    if (remote_watches_) remote_watches_->close_all(stopping);
    changed_.notify_all();
  }
  records_.flush();  // the drain's last states (QUEUED to continue) are on disk before the process ends
}

bool JobManager::stopped() const { return stopped_; }

void JobManager::emit_locked(Job& job, v1::JobEvent::Type type, const std::string& message, int64_t checkpoint_step) {
  const v1::JobEvent event = make_job_event(job.record, type, message, checkpoint_step);
  if (wire::is_kept_event(type)) job.unsaved_events.push_back(event);  // persist_locked writes it with the record
  for (JobWatcher* watcher : job.watchers) watcher->on_event(event);
  // A watch ends with the job's final (or paused) state: its watchers are done.
  if (wire::ends_watch(type)) {
    job.watchers.clear();
    watchers_changed_locked(job);
  }
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
  // From memory; records_ has it till it is written. A fleet keeps in memory only what runs here.
  if (saving_ && (wire::is_final_state(state) || (fleet_ && state != v1::JOB_STATE_RUNNING))) retire_locked(job);
}

void JobManager::persist_locked(Job& job) {
  if (!saving_) {  // recover(): the server may not listen yet, and then must leave the data dir as it was
    recovered_unsaved_.push_back(job.record.job_id());
    return;
  }
  records_.save(job.record, job.unsaved_events);  // written off the lock, by records_' thread
  job.unsaved_events.clear();
}

}  // namespace siren::server
