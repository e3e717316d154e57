#include "watch_reactor.h"

#include <algorithm>
#include <cmath>

#include "ids.h"
#include "job_manager.h"
#include "rpc_error.h"
#include "rpc_guard.h"
#include "siren/wire/job_states.h"

namespace siren::server {
namespace {

// Events queued for one slow client before progress events start being skipped (state changes and
// checkpoints are always kept): bounds a watcher's memory whatever the client's pace.
constexpr size_t kMaxPendingEvents = 64;
constexpr double kMinPreviewSeconds = 1;
constexpr int kMinPreviewSide = 16, kMaxPreviewSide = 1024, kDefaultPreviewSide = 256;

// WatchJobRequest.preview, checked: INVALID_ARGUMENT says what is allowed.
PreviewSchedule preview_schedule_of(const v1::WatchJobRequest& request) {
  if (!request.has_preview()) return {};
  const v1::PreviewRequest& preview = request.preview();
  if (!std::isfinite(preview.every_seconds()) || preview.every_seconds() < kMinPreviewSeconds ||
      preview.every_seconds() > 24 * 3600)
    throw RpcError(grpc::StatusCode::INVALID_ARGUMENT,
                   "preview.every_seconds must be between 1 and 86400, got " + std::to_string(preview.every_seconds()));
  const int side = preview.max_side() == 0 ? kDefaultPreviewSide : preview.max_side();
  if (side < kMinPreviewSide || side > kMaxPreviewSide)
    throw RpcError(grpc::StatusCode::INVALID_ARGUMENT, "preview.max_side must be 0 (256) or between 16 and 1024, got " +
                                                           std::to_string(preview.max_side()));
  return {preview.every_seconds(), side};
}

// Events a slow client may miss: the next one says as much.
bool skippable(const v1::JobEvent& event) {
  return event.type() == v1::JobEvent::TYPE_PROGRESS || event.type() == v1::JobEvent::TYPE_PREVIEW;
}

bool ends_watch(const v1::JobEvent& event) {
  return wire::ends_watch(event.type()) ||
         (event.type() == v1::JobEvent::TYPE_SNAPSHOT && wire::ends_watch(event.job().state()));
}

}  // namespace

WatchReactor::WatchReactor(grpc::CallbackServerContext* context, const v1::WatchJobRequest& request,
                           JobManager& jobs, const RpcGuard& guard)
    : context_(context), jobs_(jobs), guard_(guard), job_id_(request.job_id()) {
  grpc::Status status = guard_.begin("WatchJob", *context_);
  v1::JobEvent snapshot;
  snapshot.set_type(v1::JobEvent::TYPE_SNAPSHOT);
  std::vector<v1::JobEvent> missed;
  if (status.ok()) {
    status = RpcGuard::call([&] {
      require_valid_id(job_id_, "job_id");
      if (request.after_sequence() < 0)
        throw RpcError(grpc::StatusCode::INVALID_ARGUMENT,
                       "after_sequence must be 0 (a new watch) or the sequence of the last event seen, got " +
                           std::to_string(request.after_sequence()));
      preview_ = preview_schedule_of(request);
      // Events from here on are pushed to us.
      JobManager::WatchStart start = jobs_.watch(job_id_, this, request.after_sequence());
      *snapshot.mutable_job() = std::move(start.snapshot);
      snapshot.set_sequence(snapshot.job().last_event_sequence());
      missed = std::move(start.missed);
      return grpc::Status::OK;
    });
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!status.ok()) {
    end_locked(status);
    return;
  }
  // Before any event pushed since watch() returned: what a resumed watch missed, then the job now.
  pending_.push_front(snapshot);
  pending_.insert(pending_.begin(), missed.begin(), missed.end());
  ready_ = true;
  write_next_locked();
}

void WatchReactor::on_event(const v1::JobEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  queue_locked(event);
  write_next_locked();
}

void WatchReactor::on_closed(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!close_status_) close_status_ = status;
  write_next_locked();
}

void WatchReactor::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  writing_ = false;
  if (end_after_write_) {
    end_locked(*end_after_write_);
  } else if (!ok) {
    end_locked(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
  } else if (last_written_ends_watch_) {
    end_locked(grpc::Status::OK);
  } else {
    write_next_locked();
  }
}

void WatchReactor::OnCancel() {
  std::lock_guard<std::mutex> lock(mu_);
  end_locked(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
}

void WatchReactor::OnDone() {
  jobs_.unwatch(job_id_, this);  // after this no event is pushed: safe to go
  guard_.finish("WatchJob", *context_, final_status_, started_);
  delete this;
}

void WatchReactor::queue_locked(const v1::JobEvent& event) {
  if (pending_.size() >= kMaxPendingEvents) {
    auto progress = std::find_if(pending_.begin(), pending_.end(), skippable);
    if (progress != pending_.end()) pending_.erase(progress);
  }
  pending_.push_back(event);
}

void WatchReactor::write_next_locked() {
  if (!ready_ || writing_ || finished_ || end_after_write_) return;
  if (pending_.empty()) {
    if (close_status_) end_locked(*close_status_);
    return;
  }
  writing_event_ = std::move(pending_.front());
  pending_.pop_front();
  last_written_ends_watch_ = ends_watch(writing_event_);
  writing_ = true;
  StartWrite(&writing_event_);
}

void WatchReactor::end_locked(const grpc::Status& status) {
  if (finished_) return;
  if (writing_) {  // Finish waits for the write in flight to complete
    if (!end_after_write_) end_after_write_ = status;
    return;
  }
  finished_ = true;
  final_status_ = RpcGuard::bounded(status);
  Finish(final_status_);
}

}  // namespace siren::server
