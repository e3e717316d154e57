#pragma once
// The job database on a PostgreSQL server (`siren-server --database postgresql://user@host/db`), through
// libpq. One connection, re-opened when it breaks (a restarted database server): the record writer
// retries a save that failed, so a database restart loses nothing.
//
// One siren-server per database for now: the server takes a session-level advisory lock when it
// connects (and again after a reconnect), and a second server on the same database is refused, as a
// second one on the same --data-dir is. Several servers sharing one database need claims, leases and
// fencing first.
#include <mutex>

#include "job_database.h"

struct pg_conn;

namespace siren::server {

class PostgresJobDatabase : public JobDatabase {
 public:
  // Connects, takes the lock and creates the table if needed; throws std::runtime_error naming the
  // database (never its password) when it cannot.
  explicit PostgresJobDatabase(std::string url);
  ~PostgresJobDatabase() override;
  PostgresJobDatabase(const PostgresJobDatabase&) = delete;
  PostgresJobDatabase& operator=(const PostgresJobDatabase&) = delete;

  void save(const v1::Job& job) override;
  std::vector<v1::Job> load_all() const override;
  std::optional<v1::Job> load(const std::string& job_id) const override;
  void remove(const std::string& job_id) override;
  std::string describe() const override { return where_; }

 private:
  class Result;
  // Runs one statement with text parameters (and `record` as a binary one when given); reconnects once
  // and tries again when the connection was lost. Binary results. Throws std::runtime_error.
  Result run(const char* sql, const std::vector<std::string>& params, const std::string* record = nullptr) const;
  void connect() const;  // (re)opens conn_, takes the lock, creates the schema
  [[noreturn]] void fail(const std::string& what) const;

  std::string url_;
  std::string where_;  // url_ without its password
  mutable pg_conn* conn_ = nullptr;
  mutable std::mutex mu_;
};

// `url` with any password in it replaced by "***", for logs and messages.
std::string redact_database_url(const std::string& url);

}  // namespace siren::server
