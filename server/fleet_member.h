#pragma once
// This server as one replica of a fleet (siren-server --fleet): the replicas share one PostgreSQL job
// database and one data directory, claim queued jobs from the database (job_claims.h) and hold a lease
// on what they run (replica_leases.h). A thread of its own heartbeats, re-queues the jobs of replicas
// that went silent, and passes on what other replicas asked of this one's jobs (cancel, pause).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "job_claims.h"
#include "replica_leases.h"

namespace siren::server {

struct FleetOptions {
  std::string database_url;
  std::string replica_id;      // unique among the live replicas
  double lease_seconds = 10;   // silent this long, a replica's running jobs go to the others
  int max_attempts = 5;        // runs of one job before it fails instead of being re-queued
};

class FleetMember {
 public:
  using StopRequestHandler = std::function<void(const std::string& job_id, StopRequest request)>;
  // Called when the database becomes reachable (true) or not (false): readiness follows it, so that a
  // load balancer sends no work to a replica cut off from the fleet.
  using HealthHandler = std::function<void(bool database_reachable)>;
  // Each job of a silent replica this one gave back to the queue (or failed, past max_attempts), as saved.
  using RequeueHandler = std::function<void(const v1::Job& job)>;

  // Connects (claims and leases each have a connection) and heartbeats once, so the replica is alive
  // from the start; jobs a previous life of this replica id left RUNNING are re-queued at once.
  explicit FleetMember(FleetOptions options);
  ~FleetMember();  // stop()

  // Starts the lease thread: every lease / 4, heartbeat, re-queue orphans, fail queued jobs past their
  // deadline, deliver stop requests.
  void start(StopRequestHandler on_stop_request, HealthHandler on_health = {}, RequeueHandler on_requeued = {});
  // Ends the thread and leaves the fleet (this replica's row goes; call it once its jobs are given back).
  void stop();

  JobClaims& claims() { return claims_; }
  const FleetOptions& options() const { return options_; }

 private:
  void loop();
  void tick();

  FleetOptions options_;
  JobClaims claims_;
  ReplicaLeases leases_;
  StopRequestHandler on_stop_request_;
  HealthHandler on_health_;
  RequeueHandler on_requeued_;
  bool reachable_ = true;  // as last reported
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace siren::server
