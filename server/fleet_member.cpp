#include "fleet_member.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace siren::server {

FleetMember::FleetMember(FleetOptions options)
    : options_(std::move(options)),
      claims_(options_.database_url, options_.replica_id),
      leases_(options_.database_url, options_.replica_id) {
  leases_.heartbeat();
  // A previous process under this id died with jobs RUNNING: none of them runs here now.
  for (const auto& job : claims_.release_own_running())
    spdlog::warn("job {}: left running by an earlier run of replica {}; queued again", job, options_.replica_id);
}

FleetMember::~FleetMember() { stop(); }

void FleetMember::start(StopRequestHandler on_stop_request, HealthHandler on_health, RequeueHandler on_requeued) {
  on_stop_request_ = std::move(on_stop_request);
  on_health_ = std::move(on_health);
  on_requeued_ = std::move(on_requeued);
  thread_ = std::thread([this] { loop(); });
}

void FleetMember::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    leases_.leave();
  } catch (const std::exception& e) {
    spdlog::warn("replica {}: could not leave the fleet cleanly ({}); its lease runs out instead", options_.replica_id,
                 e.what());
  }
}

void FleetMember::tick() {
  leases_.heartbeat();
  for (const auto& job : leases_.requeue_orphans(options_.lease_seconds, options_.max_attempts)) {
    if (job.state() == v1::JOB_STATE_FAILED)
      spdlog::warn("job {} failed: {}", job.job_id(), job.error());
    else
      spdlog::warn("job {}: its replica stopped answering; queued again (attempt {} ended)", job.job_id(), job.attempt());
    if (on_requeued_) on_requeued_(job);
  }
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const auto& job : claims_.expire_overdue(now_ms)) spdlog::warn("job {} failed: {}", job.job_id(), job.error());
  for (const auto& [job_id, request] : claims_.stop_requests()) on_stop_request_(job_id, request);
}

void FleetMember::loop() {
  const auto period = std::chrono::duration<double>(options_.lease_seconds / 4);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    bool reachable = true;
    try {
      tick();
    } catch (const std::exception& e) {  // the database is away: try again next time; the lease may lapse
      spdlog::warn("replica {}: {}", options_.replica_id, e.what());
      reachable = false;
    }
    if (reachable != reachable_) {
      reachable_ = reachable;
      if (reachable) spdlog::info("replica {}: the job database is back", options_.replica_id);
      if (on_health_) on_health_(reachable);
    }
    lock.lock();
    wake_.wait_for(lock, period, [&] { return stopping_; });
  }
}

}  // namespace siren::server
