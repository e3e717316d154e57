#include "job_store.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

#include "ids.h"
#include "siren/io/files.h"

namespace fs = std::filesystem;

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
)sql";

}  // namespace

JobStore::JobStore(std::string jobs_dir) : jobs_dir_(std::move(jobs_dir)) {
  fs::create_directories(jobs_dir_);
  if (sqlite3_open_v2(database_path().c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open the job database " + database_path() + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
  // WAL: a reader never blocks the writer; FULL: a committed change survives a power loss, not only
  // a crash of this process.
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec(kSchema);
}

JobStore::~JobStore() { sqlite3_close(db_); }

void JobStore::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error("job database " + database_path() + ": " + message);
  }
}

std::string JobStore::dir_of(const std::string& job_id) const { return (fs::path(jobs_dir_) / job_id).string(); }
std::string JobStore::input_path(const std::string& job_id) const { return dir_of(job_id) + "/input.bin"; }
std::string JobStore::resume_path(const std::string& job_id) const { return dir_of(job_id) + "/resume.ckpt"; }
std::string JobStore::checkpoint_dir(const std::string& job_id) const { return dir_of(job_id) + "/checkpoints"; }
std::string JobStore::database_path() const { return (fs::path(jobs_dir_) / "jobs.db").string(); }

void JobStore::create(const std::string& job_id) { fs::create_directories(checkpoint_dir(job_id)); }

void JobStore::remove(const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Statement del(db_, "DELETE FROM jobs WHERE job_id = ?1");
    del.bind(1, job_id);
    del.step();
  }
  std::error_code ignored;
  fs::remove_all(dir_of(job_id), ignored);
}

void JobStore::save(const v1::Job& job) const {
  std::string bytes;
  if (!job.SerializeToString(&bytes)) throw std::runtime_error("cannot serialize job " + job.job_id());
  std::lock_guard<std::mutex> lock(mu_);
  Statement put(db_, "INSERT OR REPLACE INTO jobs (job_id, state, created_unix_ms, record) VALUES (?1, ?2, ?3, ?4)");
  put.bind(1, job.job_id());
  put.bind(2, static_cast<int64_t>(job.state()));
  put.bind(3, job.created_unix_ms());
  put.bind_blob(4, bytes);
  put.step();
}

void JobStore::import_legacy_json() const {
  for (const auto& entry : fs::directory_iterator(jobs_dir_)) {
    const std::string id = entry.path().filename().string();
    const fs::path legacy = entry.path() / "job.json";
    if (!entry.is_directory() || !is_valid_id(id) || !fs::exists(legacy)) continue;
    v1::Job job;
    auto status = google::protobuf::util::JsonStringToMessage(read_file(legacy.string()), &job);
    if (!status.ok() || job.job_id() != id) {
      spdlog::warn("not importing {}: {}", legacy.string(), status.ok() ? "job_id does not match" : status.ToString());
      continue;
    }
    save(job);
    fs::remove(legacy);
    spdlog::info("imported job {} from {} into {}", id, legacy.string(), database_path());
  }
}

std::vector<v1::Job> JobStore::load_all() const {
  import_legacy_json();
  std::vector<v1::Job> jobs;
  std::lock_guard<std::mutex> lock(mu_);
  Statement all(db_, "SELECT job_id, record FROM jobs ORDER BY created_unix_ms, job_id");
  while (all.step()) {
    v1::Job job;
    const std::string id = all.text(0);
    if (!job.ParseFromString(all.text(1)) || job.job_id() != id) {
      spdlog::warn("skipping job {}: its record in {} does not parse", id, database_path());
      continue;
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::optional<v1::Job> JobStore::load(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  Statement one(db_, "SELECT record FROM jobs WHERE job_id = ?1");
  one.bind(1, job_id);
  if (!one.step()) return std::nullopt;
  v1::Job job;
  if (!job.ParseFromString(one.text(0)) || job.job_id() != job_id) return std::nullopt;
  return job;
}

}  // namespace siren::server
