#pragma once
// The embedded job database: an SQLite file (WAL, synchronous=FULL), one transaction per change, so a
// kill -9 or a power loss never leaves a half-written record.
#include <mutex>

#include "job_database.h"

struct sqlite3;

namespace siren::server {

class SqliteJobDatabase : public JobDatabase {
 public:
  // Opens (or creates) the file; throws std::runtime_error with its path and SQLite's message if it can't.
  explicit SqliteJobDatabase(std::string path);
  ~SqliteJobDatabase() override;
  SqliteJobDatabase(const SqliteJobDatabase&) = delete;
  SqliteJobDatabase& operator=(const SqliteJobDatabase&) = delete;

  void save(const v1::Job& job, const std::vector<v1::JobEvent>& events = {}) override;
  std::vector<v1::JobEvent> events_after(const std::string& job_id, int64_t after, int limit) const override;
  std::vector<v1::Job> load_all() const override;
  std::optional<v1::Job> load(const std::string& job_id) const override;
  void remove(const std::string& job_id) override;
  std::string describe() const override { return path_; }

 private:
  void exec(const char* sql) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;  // one connection; statements are short
};

}  // namespace siren::server
