#include "remote_watches.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "siren/wire/job_states.h"

namespace siren::server {
namespace {

v1::JobEvent::Type event_entering(v1::JobState state) {
  switch (state) {
    case v1::JOB_STATE_QUEUED: return v1::JobEvent::TYPE_QUEUED;
    case v1::JOB_STATE_RUNNING: return v1::JobEvent::TYPE_STARTED;
    case v1::JOB_STATE_SUCCEEDED: return v1::JobEvent::TYPE_FINISHED;
    case v1::JOB_STATE_FAILED: return v1::JobEvent::TYPE_FAILED;
    case v1::JOB_STATE_CANCELLED: return v1::JobEvent::TYPE_CANCELLED;
    case v1::JOB_STATE_INTERRUPTED: return v1::JobEvent::TYPE_INTERRUPTED;
    case v1::JOB_STATE_PAUSED: return v1::JobEvent::TYPE_PAUSED;
    default: return v1::JobEvent::TYPE_UNSPECIFIED;
  }
}

std::string message_entering(const v1::Job& job) {
  switch (job.state()) {
    case v1::JOB_STATE_RUNNING: return "started on replica " + job.replica();
    case v1::JOB_STATE_SUCCEEDED: return "model " + job.model_id();
    case v1::JOB_STATE_FAILED: return job.error();
    default: return "";
  }
}

}  // namespace

RemoteWatches::RemoteWatches(LoadRecord load, std::chrono::milliseconds period)
    : load_(std::move(load)), period_(period), thread_([this] { loop(); }) {}

RemoteWatches::~RemoteWatches() {
  close_all(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; watch again later"));
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::optional<v1::JobEvent> RemoteWatches::event_between(const v1::Job& before, const v1::Job& after) {
  v1::JobEvent event;
  if (after.state() != before.state() || after.attempt() != before.attempt()) {
    event.set_type(event_entering(after.state()));
    event.set_message(message_entering(after));
  } else if (after.last_checkpoint_step() != before.last_checkpoint_step()) {
    event.set_type(v1::JobEvent::TYPE_CHECKPOINT_SAVED);
    event.set_checkpoint_step(after.last_checkpoint_step());
    event.set_message("checkpoint at step " + std::to_string(after.last_checkpoint_step()));
  } else if (after.progress().SerializeAsString() != before.progress().SerializeAsString()) {
    event.set_type(v1::JobEvent::TYPE_PROGRESS);
  } else {
    return std::nullopt;
  }
  *event.mutable_job() = after;
  return event;
}

void RemoteWatches::add(const v1::Job& now, JobWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    watcher->on_closed(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; watch again later"));
    return;
  }
  watches_[watcher] = now;
}

void RemoteWatches::remove(JobWatcher* watcher) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(watcher);
}

void RemoteWatches::close_all(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [watcher, last] : watches_) watcher->on_closed(status);
  watches_.clear();
}

void RemoteWatches::poll() {
  std::map<std::string, std::optional<v1::Job>> current;  // one read per job, however many watch it
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [watcher, last] : watches_) current[last.job_id()];
  }
  for (auto& [job_id, record] : current) {
    try {
      record = load_(job_id);
    } catch (const std::exception& e) {  // the database is away: the watches wait for it
      spdlog::debug("watch of job {}: {}", job_id, e.what());
      return;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = watches_.begin(); it != watches_.end();) {
    auto& [watcher, last] = *it;
    const auto found = current.find(last.job_id());
    if (found == current.end()) {  // added since the read: next time
      ++it;
      continue;
    }
    if (!found->second) {
      watcher->on_closed(grpc::Status(grpc::StatusCode::NOT_FOUND, "job " + last.job_id() + " was deleted"));
      it = watches_.erase(it);
      continue;
    }
    const auto event = event_between(last, *found->second);
    last = *found->second;
    if (event) watcher->on_event(*event);
    if (event && wire::ends_watch(event->type())) {
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
}

void RemoteWatches::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (!watches_.empty()) {
      lock.unlock();
      poll();
      lock.lock();
    }
    wake_.wait_for(lock, period_, [&] { return stopping_; });
  }
}

}  // namespace siren::server
