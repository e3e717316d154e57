#include "job_claims.h"

#include <algorithm>
#include <chrono>

#include "job_events.h"
#include "job_record_codec.h"
#include "postgres_job_events.h"
#include "siren/wire/job_states.h"
#include "postgres_schema.h"

namespace siren::server {
namespace {

// Enough candidates that jobs of tenants at their quota, or for devices this replica lacks, do not hide
// the claimable ones behind them.
constexpr int kCandidates = 256;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

JobClaims::JobClaims(const std::string& url, std::string replica_id)
    : db_(url, [](PostgresConnection::Session& session) { create_job_schema(session); }),
      replica_id_(std::move(replica_id)) {}

bool JobClaims::under_quota(PostgresConnection::Session& session, const std::string& tenant) {
  if (tenant.empty()) return true;
  const PgResult quota = session.run("SELECT quota FROM tenants WHERE tenant = $1 FOR UPDATE", {tenant});
  if (quota.rows() == 0) return true;
  // Under the tenant's row lock: a claim of this tenant that committed before we got it is counted (each
  // statement of a READ COMMITTED transaction sees what committed before it began).
  const PgResult running = session.run("SELECT count(*) FROM jobs WHERE tenant = $1 AND state = $2",
                                       {tenant, static_cast<int>(v1::JOB_STATE_RUNNING)});
  return running.integer(0, 0) < quota.integer(0, 0);
}

JobClaims::Submission JobClaims::submit_once(const v1::Job& job, const std::vector<v1::JobEvent>& events,
                                             int max_queued, const std::string& pack_key, int64_t pack_max) {
  return db_.transaction([&](PostgresConnection::Session& session) {
    Submission submission;
    const auto find_existing = [&] {
      const std::string& key = job.options().request_id();
      if (key.empty()) return false;
      const PgResult existing = session.run("SELECT job_id, record FROM jobs WHERE request_id = $1", {key});
      if (existing.rows() == 0) return false;
      auto found = decode_job_record(existing.bytes(0, 0), existing.bytes(0, 1), db_.where());
      if (!found) throw std::runtime_error("the job of request_id " + key + " does not parse");
      submission.outcome = Submission::Existing;
      submission.existing = std::move(*found);
      return true;
    };
    if (find_existing()) return submission;  // a retry is answered, full queue or not
    submission.waiting = session.run("SELECT count(*) FROM jobs WHERE state = $1", {static_cast<int>(v1::JOB_STATE_QUEUED)})
                             .integer(0, 0);
    if (submission.waiting >= max_queued) {
      submission.outcome = Submission::QueueFull;
      return submission;
    }
    // ON CONFLICT without a target: a clash on the request id's unique index (a retry committed since we
    // looked) inserts nothing either.
    const PgResult inserted = session.run(
        "INSERT INTO jobs (job_id, state, created_unix_ms, priority, tenant, record, request_id, deadline_unix_ms, "
        "pack_key, pack_max) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING job_id",
        {job.job_id(), static_cast<int>(job.state()), job.created_unix_ms(), static_cast<int>(job.options().priority()),
         job.tenant(), PgParam::bytes(encode_job_record(job)), job.options().request_id(), job.deadline_unix_ms(),
         pack_key, pack_max});
    if (inserted.rows() == 1) {
      insert_job_events(session, job.job_id(), events);
      return submission;
    }
    if (find_existing()) return submission;
    throw std::runtime_error("job " + job.job_id() + " exists already in " + db_.where());
  });
}

std::optional<v1::Job> JobClaims::claim(const std::function<bool(const v1::Job&)>& accepts) {
  std::vector<v1::Job> claimed = claim_pack(accepts, 1);
  if (claimed.empty()) return std::nullopt;
  return std::move(claimed.front());
}

std::vector<v1::Job> JobClaims::claim_pack(const std::function<bool(const v1::Job&)>& accepts, int max_pack) {
  return db_.transaction([&](PostgresConnection::Session& session) {
    std::vector<v1::Job> claimed;
    // This replica's run of one candidate row (job_id, tenant, attempt, record), if it may take it.
    const auto take = [&](const PgResult& rows, int row) {
      auto job = decode_job_record(rows.bytes(row, 0), rows.bytes(row, 3), db_.where());
      if (!job || (accepts && !accepts(*job))) return false;
      if (!under_quota(session, rows.bytes(row, 1))) return false;  // counts what this transaction claimed too
      const int attempt = static_cast<int>(rows.integer(row, 2)) + 1;
      job->set_state(v1::JOB_STATE_RUNNING);
      job->set_attempt(attempt);
      job->set_replica(replica_id_);
      if (job->started_unix_ms() == 0) job->set_started_unix_ms(now_ms());
      session.run("UPDATE jobs SET state = $2, owner = $3, attempt = $4, stop_request = 0, record = $5 WHERE job_id = $1",
                  {job->job_id(), static_cast<int>(v1::JOB_STATE_RUNNING), replica_id_, attempt,
                   PgParam::bytes(encode_job_record(*job))});
      claimed.push_back(std::move(*job));
      return true;
    };
    const PgResult candidates = session.run(
        "SELECT job_id, tenant, attempt, record, pack_key, pack_max, priority FROM jobs WHERE state = $1 "
        "ORDER BY priority DESC, created_unix_ms, job_id LIMIT $2 FOR UPDATE SKIP LOCKED",
        {static_cast<int>(v1::JOB_STATE_QUEUED), kCandidates});
    int first = 0;
    while (first < candidates.rows() && !take(candidates, first)) ++first;
    if (first == candidates.rows()) return claimed;
    // Small fits that can share its steps (packed_fit.h): never run before (no checkpoint to continue), of
    // its priority (higher ones would wait for the pack; lower ones run after it, as without packing).
    const std::string pack_key = candidates.bytes(first, 4);
    const int64_t mates = std::min<int64_t>(candidates.integer(first, 5), max_pack) - 1;
    if (pack_key.empty() || candidates.integer(first, 2) != 0 || mates <= 0) return claimed;
    const PgResult same_pack = session.run(
        "SELECT job_id, tenant, attempt, record FROM jobs WHERE state = $1 AND pack_key = $2 AND priority = $3 "
        "AND attempt = 0 ORDER BY created_unix_ms, job_id LIMIT $4 FOR UPDATE SKIP LOCKED",
        {static_cast<int>(v1::JOB_STATE_QUEUED), pack_key, candidates.integer(first, 6), mates});
    for (int row = 0; row < same_pack.rows(); ++row) take(same_pack, row);
    return claimed;
  });
}

bool JobClaims::save_fenced(const v1::Job& job, const std::vector<v1::JobEvent>& events) {
  return db_.transaction([&](PostgresConnection::Session& session) {
    const PgResult saved = session.run(
        "UPDATE jobs SET state = $4::integer, priority = $5, record = $6, "
        "owner = CASE WHEN $4::integer = $7::integer THEN owner ELSE NULL END "
        "WHERE job_id = $1 AND owner = $2 AND attempt = $3 RETURNING job_id",
        {job.job_id(), replica_id_, job.attempt(), static_cast<int>(job.state()),
         static_cast<int>(job.options().priority()), PgParam::bytes(encode_job_record(job)),
         static_cast<int>(v1::JOB_STATE_RUNNING)});
    if (saved.rows() != 1) return false;
    insert_job_events(session, job.job_id(), events);
    return true;
  });
}

std::vector<v1::Job> JobClaims::expire_overdue(int64_t now_unix_ms) {
  return db_.transaction([&](PostgresConnection::Session& session) {
    const PgResult overdue = session.run(
        "SELECT job_id, record FROM jobs WHERE state IN ($1, $2) AND deadline_unix_ms > 0 AND deadline_unix_ms <= $3 "
        "FOR UPDATE SKIP LOCKED",
        {static_cast<int>(v1::JOB_STATE_QUEUED), static_cast<int>(v1::JOB_STATE_PAUSED), now_unix_ms});
    std::vector<v1::Job> failed;
    for (int row = 0; row < overdue.rows(); ++row) {
      auto job = decode_job_record(overdue.bytes(row, 0), overdue.bytes(row, 1), db_.where());
      if (!job) continue;
      job->set_error(deadline_exceeded_message(*job));
      job->set_state(v1::JOB_STATE_FAILED);
      job->set_finished_unix_ms(now_unix_ms);
      insert_job_events(session, job->job_id(), {make_job_event(*job, v1::JobEvent::TYPE_FAILED, job->error())});
      session.run("UPDATE jobs SET state = $2, record = $3 WHERE job_id = $1",
                  {job->job_id(), static_cast<int>(v1::JOB_STATE_FAILED), PgParam::bytes(encode_job_record(*job))});
      failed.push_back(std::move(*job));
    }
    return failed;
  });
}

bool JobClaims::owns(const std::string& job_id, int attempt) {
  return db_.run("SELECT 1 FROM jobs WHERE job_id = $1 AND owner = $2 AND attempt = $3", {job_id, replica_id_, attempt})
             .rows() == 1;
}

std::optional<v1::Job> JobClaims::modify(const std::string& job_id, const Change& change) {
  return db_.transaction([&](PostgresConnection::Session& session) -> std::optional<v1::Job> {
    const PgResult current = session.run("SELECT record FROM jobs WHERE job_id = $1 FOR UPDATE", {job_id});
    if (current.rows() == 0) return std::nullopt;
    auto job = decode_job_record(job_id, current.bytes(0, 0), db_.where());
    if (!job) return job;
    const std::optional<std::string> message = change(*job);
    if (!message) return job;
    insert_job_events(session, job_id, {make_job_event(*job, wire::event_entering(job->state()), *message)});
    session.run("UPDATE jobs SET state = $2::integer, priority = $3, record = $4, "
                "owner = CASE WHEN $2::integer = $5::integer THEN owner ELSE NULL END WHERE job_id = $1",
                {job_id, static_cast<int>(job->state()), static_cast<int>(job->options().priority()),
                 PgParam::bytes(encode_job_record(*job)), static_cast<int>(v1::JOB_STATE_RUNNING)});
    return job;
  });
}

bool JobClaims::request_stop(const std::string& job_id, StopRequest request) {
  return db_.run("UPDATE jobs SET stop_request = $2 WHERE job_id = $1 AND state = $3 RETURNING job_id",
                 {job_id, static_cast<int>(request), static_cast<int>(v1::JOB_STATE_RUNNING)})
             .rows() == 1;
}

std::vector<std::string> JobClaims::release_own_running() {
  return db_.transaction([&](PostgresConnection::Session& session) {
    const PgResult own = session.run("SELECT job_id, record FROM jobs WHERE owner = $1 AND state = $2 FOR UPDATE",
                                     {replica_id_, static_cast<int>(v1::JOB_STATE_RUNNING)});
    std::vector<std::string> released;
    for (int row = 0; row < own.rows(); ++row) {
      auto job = decode_job_record(own.bytes(row, 0), own.bytes(row, 1), db_.where());
      if (!job) continue;
      job->set_state(v1::JOB_STATE_QUEUED);
      job->set_replica("");
      insert_job_events(session, job->job_id(),
                        {make_job_event(*job, v1::JobEvent::TYPE_QUEUED,
                                        "replica " + replica_id_ + " restarted; queued again, to continue from its newest checkpoint")});
      session.run("UPDATE jobs SET state = $2, owner = NULL, stop_request = 0, record = $3 WHERE job_id = $1",
                  {job->job_id(), static_cast<int>(v1::JOB_STATE_QUEUED), PgParam::bytes(encode_job_record(*job))});
      released.push_back(job->job_id());
    }
    return released;
  });
}

std::vector<std::pair<std::string, StopRequest>> JobClaims::stop_requests() {
  const PgResult asked = db_.run("SELECT job_id, stop_request FROM jobs WHERE owner = $1 AND state = $2 AND stop_request <> 0",
                                 {replica_id_, static_cast<int>(v1::JOB_STATE_RUNNING)});
  std::vector<std::pair<std::string, StopRequest>> out;
  for (int row = 0; row < asked.rows(); ++row)
    out.emplace_back(asked.bytes(row, 0), static_cast<StopRequest>(asked.integer(row, 1)));
  return out;
}

void JobClaims::set_quota(const std::string& tenant, int quota) {
  db_.run("INSERT INTO tenants (tenant, quota) VALUES ($1, $2) ON CONFLICT (tenant) DO UPDATE SET quota = EXCLUDED.quota",
          {tenant, quota});
}

int JobClaims::running(const std::string& tenant) {
  return static_cast<int>(db_.run("SELECT count(*) FROM jobs WHERE tenant = $1 AND state = $2",
                                  {tenant, static_cast<int>(v1::JOB_STATE_RUNNING)})
                              .integer(0, 0));
}

}  // namespace siren::server
