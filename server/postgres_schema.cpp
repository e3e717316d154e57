#include "postgres_schema.h"

namespace siren::server {

void create_job_schema(PostgresConnection::Session& session) {
  // Two servers connecting at once must not both create the tables: a transaction-level lock orders them.
  session.run("BEGIN");
  session.run("SELECT pg_advisory_xact_lock(7306093811224733294)");
  session.run(R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  job_id          TEXT PRIMARY KEY,
  state           INTEGER NOT NULL,
  created_unix_ms BIGINT NOT NULL,
  record          BYTEA NOT NULL     -- siren.v1.Job, protobuf wire format
))sql");
  session.run(R"sql(
ALTER TABLE jobs
  ADD COLUMN IF NOT EXISTS priority     INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS tenant       TEXT NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS owner        TEXT,
  ADD COLUMN IF NOT EXISTS attempt      INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS stop_request INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS request_id   TEXT NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS deadline_unix_ms BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS pack_key     TEXT NOT NULL DEFAULT '',   -- PackingPlan (fit.h): fits that may share steps
  ADD COLUMN IF NOT EXISTS pack_max     BIGINT NOT NULL DEFAULT 1     -- and the most of them per pack
)sql");
  session.run("CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_unix_ms, job_id)");
  session.run("CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, priority DESC, created_unix_ms, job_id)");
  session.run("CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner) WHERE owner IS NOT NULL");
  session.run("CREATE INDEX IF NOT EXISTS jobs_by_deadline ON jobs (deadline_unix_ms) WHERE deadline_unix_ms > 0");
  // JobOptions.request_id: one job per key across a fleet, whichever replica a retried submission reaches.
  session.run("CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_request_id ON jobs (request_id) WHERE request_id <> ''");
  session.run(R"sql(
CREATE TABLE IF NOT EXISTS job_events (
  job_id    TEXT NOT NULL,
  sequence  BIGINT NOT NULL,
  event     BYTEA NOT NULL,          -- siren.v1.JobEvent, protobuf wire format
  PRIMARY KEY (job_id, sequence)
))sql");
  session.run(R"sql(
CREATE TABLE IF NOT EXISTS replicas (
  replica_id  TEXT PRIMARY KEY,
  heartbeat   TIMESTAMPTZ NOT NULL
))sql");
  session.run(R"sql(
CREATE TABLE IF NOT EXISTS tenants (
  tenant  TEXT PRIMARY KEY,
  quota   INTEGER NOT NULL CHECK (quota >= 0)   -- jobs RUNNING at once
))sql");
  session.run("COMMIT");
}

}  // namespace siren::server
