#pragma once
// How a fleet's replicas share one queue in PostgreSQL (siren-server --database postgresql://… --fleet):
// a replica claims the next QUEUED job in one transaction (highest priority, then oldest; rows another
// replica is claiming are skipped, FOR UPDATE SKIP LOCKED), holding its tenant under quota exactly; the
// claim makes it the job's owner for one attempt, and every later write of that run is fenced by
// (owner, attempt): once the job was given to another replica (its lease ran out, replica_leases.h),
// the old run's writes change nothing.
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "postgres_connection.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

// What another replica asked of a job this one runs.
enum class StopRequest { None = 0, Cancel = 1, Pause = 2 };

class JobClaims {
 public:
  // `replica_id`: this server's name in the fleet, unique among live replicas.
  JobClaims(const std::string& url, std::string replica_id);

  // Adds a new QUEUED job with its first events, unless its options.request_id names a job already there
  // (then that job, nothing written; exact under concurrent submissions to any replicas) or `max_queued`
  // jobs wait already (a bound, not exact: submissions at the same instant may pass it by a few).
  struct Submission {
    enum Outcome { Added, Existing, QueueFull } outcome = Added;
    v1::Job existing;     // Existing: the job of the request_id
    int64_t waiting = 0;  // QueueFull: the jobs waiting
  };
  // `pack_key`, `pack_max`: the job's PackingPlan (fit.h), for claim_pack.
  Submission submit_once(const v1::Job& job, const std::vector<v1::JobEvent>& events, int max_queued,
                         const std::string& pack_key = "", int64_t pack_max = 1);
  // The next QUEUED job `accepts` (e.g. this replica's devices serve it) whose tenant is under quota,
  // now RUNNING, owned by this replica, its attempt one more (record.attempt(), record.replica() set);
  // nullopt when there is none.
  std::optional<v1::Job> claim(const std::function<bool(const v1::Job&)>& accepts = {});
  // claim(), and with the job, when it was submitted packable (a pack key) and never ran, up to
  // min(its pack's size, `max_pack`) - 1 more QUEUED jobs of its key and priority that never ran either,
  // each under its tenant's quota, in the same transaction: a pack to train in one batched step
  // (packed_fit.h). The jobs claimed, first the one claim() would give; empty when there is none.
  std::vector<v1::Job> claim_pack(const std::function<bool(const v1::Job&)>& accepts, int max_pack);
  // Writes a record of a run this replica owns, with its new kept events; false (and nothing written) when
  // the run was superseded. A state other than RUNNING gives the job up (owner cleared): a QUEUED job may
  // be claimed again.
  bool save_fenced(const v1::Job& job, const std::vector<v1::JobEvent>& events = {});
  // Queued and paused jobs whose deadline passed by `now_unix_ms`: FAILED now, saying so (as a lone server's
  // deadline sweep does), whichever replica finds them. The jobs failed.
  std::vector<v1::Job> expire_overdue(int64_t now_unix_ms);
  // Whether this replica still runs `attempt` of the job (no other replica took it over).
  bool owns(const std::string& job_id, int attempt);
  // Changes one job under its row lock, whoever owns it: `change` sees the current record and returns
  // the message of the event entering its new state (kept in the job's log), or nullopt to leave it as it
  // is. The job after the call; nullopt when there is no such job.
  using Change = std::function<std::optional<std::string>(v1::Job&)>;
  std::optional<v1::Job> modify(const std::string& job_id, const Change& change);
  // Asks the replica running `job_id` to stop it; false when the job is not RUNNING.
  bool request_stop(const std::string& job_id, StopRequest request);
  // Jobs this replica id owns in the database though none runs here (a crash, then a restart under the
  // same id): QUEUED again for any replica. Their ids.
  std::vector<std::string> release_own_running();
  // What was asked of the jobs this replica runs.
  std::vector<std::pair<std::string, StopRequest>> stop_requests();

  // Tenants: at most `quota` jobs RUNNING at once (held exactly under concurrent claims); no row, no limit.
  void set_quota(const std::string& tenant, int quota);
  int running(const std::string& tenant);

  const std::string& replica_id() const { return replica_id_; }

 private:
  // Whether `tenant` may start one more job now; takes its row lock until the transaction ends, so that
  // concurrent claims of one tenant count one after the other.
  static bool under_quota(PostgresConnection::Session& session, const std::string& tenant);

  PostgresConnection db_;
  std::string replica_id_;
};

}  // namespace siren::server
