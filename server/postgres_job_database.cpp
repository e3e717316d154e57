#include "postgres_job_database.h"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "job_record_codec.h"
#include "postgres_job_events.h"
#include "postgres_schema.h"

namespace siren::server {
namespace {

// Any constant works: it names "the siren-servers using this job database" among advisory locks.
constexpr int64_t kExclusiveServerLock = 7306093811224733293;

// How long a server waits for the lock before it says another holds it: a server that just stopped (a
// restart) holds it until the database notices its connection closed, a moment later.
constexpr auto kLockGrace = std::chrono::seconds(3);

// A lone server holds the lock exclusively, fleet replicas share it: either kind refuses the other.
void take_server_lock(PostgresConnection::Session& session, const std::string& where, bool exclusive) {
  const char* take = exclusive ? "SELECT pg_try_advisory_lock($1::bigint)" : "SELECT pg_try_advisory_lock_shared($1::bigint)";
  const auto give_up = std::chrono::steady_clock::now() + kLockGrace;
  while (!session.run(take, {kExclusiveServerLock}).boolean(0, 0)) {
    if (std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (exclusive)
      throw std::runtime_error("another siren-server is using the job database " + where +
                               ": one server per database (stop the other, or give this one a database of its own; "
                               "replicas of a fleet share one with --fleet)");
    throw std::runtime_error("a siren-server without --fleet is using the job database " + where +
                             ": stop it, or restart it with --fleet, before replicas join");
  }
}

}  // namespace

PostgresJobDatabase::PostgresJobDatabase(const std::string& url, bool exclusive) {
  const std::string where = redact_database_url(url);
  db_ = std::make_unique<PostgresConnection>(url, [exclusive, where](PostgresConnection::Session& session) {
    take_server_lock(session, where, exclusive);
    create_job_schema(session);
  });
}

void PostgresJobDatabase::save(const v1::Job& job, const std::vector<v1::JobEvent>& events) {
  // The claim columns (owner, attempt, stop_request) are the fleet's: a plain save leaves them alone.
  db_->transaction([&](PostgresConnection::Session& session) {
    insert_job_events(session, job.job_id(), events);
    session.run(
        "INSERT INTO jobs (job_id, state, created_unix_ms, priority, tenant, record, request_id, deadline_unix_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT (job_id) DO UPDATE SET state = EXCLUDED.state, created_unix_ms = EXCLUDED.created_unix_ms, "
        "priority = EXCLUDED.priority, tenant = EXCLUDED.tenant, record = EXCLUDED.record",
        {job.job_id(), static_cast<int>(job.state()), job.created_unix_ms(), static_cast<int>(job.options().priority()),
         job.tenant(), PgParam::bytes(encode_job_record(job)), job.options().request_id(), job.deadline_unix_ms()});
  });
}

std::vector<v1::JobEvent> PostgresJobDatabase::events_after(const std::string& job_id, int64_t after, int limit) const {
  return select_job_events(*db_, job_id, after, limit);
}

std::vector<v1::Job> PostgresJobDatabase::load_all() const {
  const PgResult all = db_->run("SELECT job_id, record FROM jobs ORDER BY created_unix_ms, job_id");
  std::vector<v1::Job> jobs;
  for (int row = 0; row < all.rows(); ++row)
    if (auto job = decode_job_record(all.bytes(row, 0), all.bytes(row, 1), describe())) jobs.push_back(std::move(*job));
  return jobs;
}

std::optional<v1::Job> PostgresJobDatabase::load(const std::string& job_id) const {
  const PgResult one = db_->run("SELECT record FROM jobs WHERE job_id = $1", {job_id});
  if (one.rows() == 0) return std::nullopt;
  return decode_job_record(job_id, one.bytes(0, 0), describe());
}

void PostgresJobDatabase::remove(const std::string& job_id) {
  db_->transaction([&](PostgresConnection::Session& session) {
    session.run("DELETE FROM job_events WHERE job_id = $1", {job_id});
    session.run("DELETE FROM jobs WHERE job_id = $1", {job_id});
  });
}

}  // namespace siren::server
