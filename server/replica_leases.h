#pragma once
// A fleet replica's lease on its running jobs: it heartbeats into the database (the database's clock, so
// replicas' clocks need not agree), and any replica re-queues the RUNNING jobs of a replica silent for
// longer than the lease, for another to claim and continue from their newest checkpoint (job_claims.h
// fences the silent one's later writes). A job re-queued `max_attempts` times fails, saying why.
#include <string>
#include <vector>

#include "postgres_connection.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

class ReplicaLeases {
 public:
  ReplicaLeases(const std::string& url, std::string replica_id);

  // "I am alive" (every lease / 3 or so).
  void heartbeat();
  // This replica leaves the fleet (a clean shutdown, after giving its jobs back): its row goes.
  void leave();
  // The jobs of replicas silent for more than `lease_seconds`: QUEUED again (owner cleared), or FAILED
  // once they have run `max_attempts` times. Returns them as saved.
  std::vector<v1::Job> requeue_orphans(double lease_seconds, int max_attempts);

 private:
  PostgresConnection db_;
  std::string replica_id_;
};

}  // namespace siren::server
