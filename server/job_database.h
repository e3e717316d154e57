#pragma once
// Where job records live: the state, settings, options, progress, model id and last checkpoint step of
// every job, one siren.v1.Job per row. Two backends: an embedded SQLite file (the default: one server, no
// database server to run) and PostgreSQL (`siren-server --database postgresql://…`). The bulky files of a
// job (input, checkpoints) are not here: JobStore keeps them in the data directory.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

class JobDatabase {
 public:
  virtual ~JobDatabase() = default;

  // Insert or replace the record and append `events` to the job's log (each numbered: JobEvent.sequence;
  // one whose number is there already is left as it was), in one transaction; durable when it returns
  // (committed, fsync'd). Throws std::runtime_error.
  virtual void save(const v1::Job& job, const std::vector<v1::JobEvent>& events = {}) = 0;
  // The job's kept events numbered above `after`, oldest first; at most `limit`, the newest.
  virtual std::vector<v1::JobEvent> events_after(const std::string& job_id, int64_t after, int limit) const = 0;
  // Every readable record, oldest first (created_unix_ms, then job_id). Records that do not parse are
  // logged and skipped.
  virtual std::vector<v1::Job> load_all() const = 0;
  // One record; nullopt when there is none (or it does not parse).
  virtual std::optional<v1::Job> load(const std::string& job_id) const = 0;
  virtual void remove(const std::string& job_id) = 0;  // the record and its events
  // Where the records are, for logs and messages: a file path, or a URL without its password.
  virtual std::string describe() const = 0;
};

// "" opens the embedded database, `sqlite_path`; a postgresql:// or postgres:// URL (libpq's connection
// URI, https://www.postgresql.org/docs/current/libpq-connect.html) opens that database. Throws
// std::runtime_error naming the database when it cannot be opened.
// `exclusive` (PostgreSQL): one server per database; false for the replicas of a fleet, which share it.
std::unique_ptr<JobDatabase> open_job_database(const std::string& url, const std::string& sqlite_path,
                                               bool exclusive = true);

// True for the URLs open_job_database gives to PostgreSQL.
bool is_postgres_url(const std::string& url);

}  // namespace siren::server
