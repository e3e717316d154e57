#pragma once
// The job database on a PostgreSQL server (`siren-server --database postgresql://user@host/db`), through
// libpq (postgres_connection.h): a restarted database server costs a reconnect, and the record writer
// retries a save that failed in between, so it loses nothing.
//
// Exclusive (the default): one siren-server per database, held by a session-level advisory lock taken on
// every connection; a second server is refused, as a second one on the same --data-dir is. A fleet's
// replicas share the database instead (exclusive = false) and coordinate through claims and leases.
#include <memory>

#include "job_database.h"
#include "postgres_connection.h"

namespace siren::server {

class PostgresJobDatabase : public JobDatabase {
 public:
  // Connects, takes the lock (exclusive, or shared with other replicas) and creates the tables if needed;
  // throws std::runtime_error naming the database (never its password) when it cannot.
  explicit PostgresJobDatabase(const std::string& url, bool exclusive = true);

  void save(const v1::Job& job, const std::vector<v1::JobEvent>& events = {}) override;
  std::vector<v1::JobEvent> events_after(const std::string& job_id, int64_t after, int limit) const override;
  std::vector<v1::Job> load_all() const override;
  std::optional<v1::Job> load(const std::string& job_id) const override;
  void remove(const std::string& job_id) override;
  std::string describe() const override { return db_->where(); }

 private:
  std::unique_ptr<PostgresConnection> db_;
};

}  // namespace siren::server
