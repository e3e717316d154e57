#include "sqlite_job_database.h"

#include <sqlite3.h>

#include <stdexcept>

#include "job_record_codec.h"

namespace siren::server {
namespace {

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
      fail("bind");
  }
  void bind_blob(int index, const std::string& bytes) {
    if (sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
      fail("bind");
  }
  void bind(int index, int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail("bind");
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail("step");
    return false;
  }
  std::string text(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return data ? std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string("job database: ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  job_id          TEXT PRIMARY KEY,
  state           INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  record          BLOB NOT NULL     -- siren.v1.Job, protobuf wire format
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_unix_ms, job_id);
CREATE TABLE IF NOT EXISTS job_events (
  job_id   TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  event    BLOB NOT NULL,           -- siren.v1.JobEvent, protobuf wire format
  PRIMARY KEY (job_id, sequence)
);
)sql";

}  // namespace

SqliteJobDatabase::SqliteJobDatabase(std::string path) : path_(std::move(path)) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the job database " + path_ + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  // WAL: a reader never blocks the writer; FULL: a committed change survives a power loss, not only
  // a crash of this process.
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec(kSchema);
}

SqliteJobDatabase::~SqliteJobDatabase() { sqlite3_close(db_); }

void SqliteJobDatabase::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("job database " + path_ + ": " + message);
  }
}

void SqliteJobDatabase::save(const v1::Job& job, const std::vector<v1::JobEvent>& events) {
  const std::string bytes = encode_job_record(job);
  std::lock_guard<std::mutex> lock(mu_);
  exec("BEGIN IMMEDIATE");
  try {
    for (const v1::JobEvent& event : events) {
      Statement append(db_, "INSERT OR IGNORE INTO job_events (job_id, sequence, event) VALUES (?1, ?2, ?3)");
      append.bind(1, job.job_id());
      append.bind(2, event.sequence());
      append.bind_blob(3, encode_job_event(event));
      append.step();
    }
    Statement put(db_, "INSERT OR REPLACE INTO jobs (job_id, state, created_unix_ms, record) VALUES (?1, ?2, ?3, ?4)");
    put.bind(1, job.job_id());
    put.bind(2, static_cast<int64_t>(job.state()));
    put.bind(3, job.created_unix_ms());
    put.bind_blob(4, bytes);
    put.step();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<v1::JobEvent> SqliteJobDatabase::events_after(const std::string& job_id, int64_t after, int limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  Statement newest(db_,
                   "SELECT event FROM (SELECT sequence, event FROM job_events WHERE job_id = ?1 AND sequence > ?2 "
                   "ORDER BY sequence DESC LIMIT ?3) ORDER BY sequence");
  newest.bind(1, job_id);
  newest.bind(2, after);
  newest.bind(3, static_cast<int64_t>(limit));
  std::vector<v1::JobEvent> events;
  while (newest.step())
    if (auto event = decode_job_event(job_id, newest.text(0), path_)) events.push_back(std::move(*event));
  return events;
}

std::vector<v1::Job> SqliteJobDatabase::load_all() const {
  std::vector<v1::Job> jobs;
  std::lock_guard<std::mutex> lock(mu_);
  Statement all(db_, "SELECT job_id, record FROM jobs ORDER BY created_unix_ms, job_id");
  while (all.step())
    if (auto job = decode_job_record(all.text(0), all.text(1), path_)) jobs.push_back(std::move(*job));
  return jobs;
}

std::optional<v1::Job> SqliteJobDatabase::load(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  Statement one(db_, "SELECT record FROM jobs WHERE job_id = ?1");
  one.bind(1, job_id);
  if (!one.step()) return std::nullopt;
  return decode_job_record(job_id, one.text(0), path_);
}

void SqliteJobDatabase::remove(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const char* sql : {"DELETE FROM job_events WHERE job_id = ?1", "DELETE FROM jobs WHERE job_id = ?1"}) {
    Statement del(db_, sql);
    del.bind(1, job_id);
    del.step();
  }
}

}  // namespace siren::server
