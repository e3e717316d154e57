#include "remote_watches.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "siren/wire/job_states.h"

namespace siren::server {
namespace {

std::string message_entering(const v1::Job& job) {
  switch (job.state()) {
    case v1::JOB_STATE_RUNNING: return "started on replica " + job.replica();
    case v1::JOB_STATE_SUCCEEDED: return "model " + job.model_id();
    case v1::JOB_STATE_FAILED: return job.error();
    default: return "";
  }
}

}  // namespace

RemoteWatches::RemoteWatches(LoadRecord load, LoadEvents events, std::chrono::milliseconds period)
    : load_(std::move(load)), load_events_(std::move(events)), period_(period), thread_([this] { loop(); }) {}

RemoteWatches::~RemoteWatches() {
  close_all(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down; watch again later"));
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::vector<v1::JobEvent> RemoteWatches::events_between(const v1::Job& before, const v1::Job& after,
                                                        const std::vector<v1::JobEvent>& logged) {
  std::vector<v1::JobEvent> events;
  for (const v1::JobEvent& event : logged) {
    if (event.sequence() <= before.last_event_sequence() || event.sequence() > after.last_event_sequence()) continue;
    events.push_back(event);
    if (wire::ends_watch(event.type())) return events;  // nothing follows the end of a watch
  }
  const v1::Job& last = events.empty() ? before : events.back().job();
  v1::JobEvent event;
  if (events.empty() && (after.state() != before.state() || after.attempt() != before.attempt())) {
    event.set_type(wire::event_entering(after.state()));  // a change the log does not have
    event.set_message(message_entering(after));
  } else if (after.progress().SerializeAsString() != last.progress().SerializeAsString()) {
    event.set_type(v1::JobEvent::TYPE_PROGRESS);
  } else {
    return events;
  }
  event.set_sequence(after.last_event_sequence());
  *event.mutable_job() = after;
  events.push_back(std::move(event));
  return events;
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
  struct Seen {
    std::optional<v1::Job> record;
    int64_t oldest = -1;  // the lowest event number a watcher of the job has seen
    std::vector<v1::JobEvent> logged;
  };
  std::map<std::string, Seen> current;  // one read per job, however many watch it
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [watcher, last] : watches_) {
      Seen& seen = current[last.job_id()];
      seen.oldest = seen.oldest < 0 ? last.last_event_sequence() : std::min(seen.oldest, last.last_event_sequence());
    }
  }
  for (auto& [job_id, seen] : current) {
    try {
      seen.record = load_(job_id);
      if (seen.record && seen.record->last_event_sequence() > seen.oldest)
        seen.logged = load_events_(job_id, seen.oldest);
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
    const Seen& seen = found->second;
    if (!seen.record) {
      watcher->on_closed(grpc::Status(grpc::StatusCode::NOT_FOUND, "job " + last.job_id() + " was deleted"));
      it = watches_.erase(it);
      continue;
    }
    bool ended = false;
    for (const v1::JobEvent& event : events_between(last, *seen.record, seen.logged)) {
      watcher->on_event(event);
      ended = ended || wire::ends_watch(event.type());
    }
    last = *seen.record;
    it = ended ? watches_.erase(it) : std::next(it);
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
