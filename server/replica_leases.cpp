#include "replica_leases.h"

#include <fmt/format.h>

#include <chrono>

#include "job_events.h"
#include "job_record_codec.h"
#include "postgres_job_events.h"
#include "postgres_schema.h"

namespace siren::server {

ReplicaLeases::ReplicaLeases(const std::string& url, std::string replica_id)
    : db_(url, [](PostgresConnection::Session& session) { create_job_schema(session); }),
      replica_id_(std::move(replica_id)) {}

void ReplicaLeases::heartbeat() {
  db_.run("INSERT INTO replicas (replica_id, heartbeat) VALUES ($1, clock_timestamp()) "
          "ON CONFLICT (replica_id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat",
          {replica_id_});
}

void ReplicaLeases::leave() { db_.run("DELETE FROM replicas WHERE replica_id = $1", {replica_id_}); }

std::vector<v1::Job> ReplicaLeases::requeue_orphans(double lease_seconds, int max_attempts) {
  return db_.transaction([&](PostgresConnection::Session& session) {
    // A replica with no row (it never heartbeat, or left) has no lease either.
    const PgResult orphans = session.run(
        "SELECT job_id, owner, attempt, record FROM jobs WHERE state = $1 AND (owner IS NULL OR owner NOT IN "
        "(SELECT replica_id FROM replicas WHERE heartbeat > clock_timestamp() - make_interval(secs => $2))) "
        "FOR UPDATE SKIP LOCKED",
        {static_cast<int>(v1::JOB_STATE_RUNNING), std::to_string(lease_seconds)});
    std::vector<v1::Job> changed;
    for (int row = 0; row < orphans.rows(); ++row) {
      auto job = decode_job_record(orphans.bytes(row, 0), orphans.bytes(row, 3), db_.where());
      if (!job) continue;
      const std::string owner = orphans.is_null(row, 1) ? "(none)" : orphans.bytes(row, 1);
      const int attempt = static_cast<int>(orphans.integer(row, 2));
      job->set_replica("");
      v1::JobEvent event;
      if (attempt >= max_attempts) {
        job->set_state(v1::JOB_STATE_FAILED);
        job->set_error(fmt::format("its replica stopped answering during each of its {} runs (the last: {}); "
                                   "not retried again",
                                   attempt, owner));
        job->set_finished_unix_ms(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
        event = make_job_event(*job, v1::JobEvent::TYPE_FAILED, job->error());
      } else {
        job->set_state(v1::JOB_STATE_QUEUED);
        event = make_job_event(*job, v1::JobEvent::TYPE_QUEUED,
                               fmt::format("replica {} stopped answering (attempt {}); queued again, to continue from "
                                           "its newest checkpoint",
                                           owner, attempt));
      }
      insert_job_events(session, job->job_id(), {event});
      session.run("UPDATE jobs SET state = $2, owner = NULL, stop_request = 0, record = $3 WHERE job_id = $1",
                  {job->job_id(), static_cast<int>(job->state()), PgParam::bytes(encode_job_record(*job))});
      changed.push_back(std::move(*job));
    }
    return changed;
  });
}

}  // namespace siren::server
