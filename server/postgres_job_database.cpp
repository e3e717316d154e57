#include "postgres_job_database.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <regex>
#include <stdexcept>

#include "job_record_codec.h"

namespace siren::server {
namespace {

// Any constant works: it names "siren-server's job database" among the database's advisory locks.
constexpr const char* kServerLockKey = "7306093811224733293";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  job_id          TEXT PRIMARY KEY,
  state           INTEGER NOT NULL,
  created_unix_ms BIGINT NOT NULL,
  record          BYTEA NOT NULL     -- siren.v1.Job, protobuf wire format
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created_unix_ms, job_id);
)sql";

}  // namespace

std::string redact_database_url(const std::string& url) {
  // postgresql://user:PASSWORD@host/db and ...?password=PASSWORD&...
  static const std::regex in_user_info(R"(^([a-z]+://[^/?@:]*):[^/?@]*@)");
  static const std::regex in_query(R"(([?&]password=)[^&]*)");
  return std::regex_replace(std::regex_replace(url, in_user_info, "$1:***@"), in_query, "$1***");
}

// A query's result, cleared when it goes.
class PostgresJobDatabase::Result {
 public:
  explicit Result(PGresult* result) : result_(result, PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  std::string bytes(int row, int column) const {
    return std::string(PQgetvalue(result_.get(), row, column),
                       static_cast<size_t>(PQgetlength(result_.get(), row, column)));
  }
  bool ok() const {
    const ExecStatusType status = PQresultStatus(result_.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }
  bool boolean(int row, int column) const {  // a binary bool is one byte
    return PQgetlength(result_.get(), row, column) == 1 && PQgetvalue(result_.get(), row, column)[0] != 0;
  }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

PostgresJobDatabase::PostgresJobDatabase(std::string url) : url_(std::move(url)), where_(redact_database_url(url_)) {
  std::lock_guard<std::mutex> lock(mu_);
  connect();
}

PostgresJobDatabase::~PostgresJobDatabase() {
  if (conn_) PQfinish(conn_);
}

void PostgresJobDatabase::fail(const std::string& what) const {
  std::string why = conn_ ? PQerrorMessage(conn_) : "cannot allocate a connection";
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  throw std::runtime_error("job database " + where_ + ": " + what + (why.empty() ? "" : ": " + why));
}

void PostgresJobDatabase::connect() const {
  if (conn_) PQfinish(conn_);
  // Our defaults first: the URL's own parameters, expanded from "dbname", override them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "siren-server", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  try {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) fail("cannot connect");
    const char* key[] = {kServerLockKey};
    const Result locked(PQexecParams(conn_, "SELECT pg_try_advisory_lock($1::bigint)", 1, nullptr, key, nullptr,
                                     nullptr, /*binary results=*/1));
    if (!locked.ok() || locked.rows() != 1) fail("cannot take the server lock");
    if (!locked.boolean(0, 0))
      throw std::runtime_error("another siren-server is using the job database " + where_ +
                               ": one server per database (stop the other, or give this one a database of its own)");
    if (!Result(PQexec(conn_, kSchema)).ok()) fail("cannot create the jobs table");
  } catch (...) {
    // Never keep a connection that does not hold the lock: a later statement would write without it.
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

PostgresJobDatabase::Result PostgresJobDatabase::run(const char* sql, const std::vector<std::string>& params,
                                                     const std::string* record) const {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(static_cast<int>(p.size()));
    formats.push_back(0);
  }
  if (record) {
    values.push_back(record->data());
    lengths.push_back(static_cast<int>(record->size()));
    formats.push_back(1);
  }
  for (int attempt = 0;; ++attempt) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) connect();
    Result result(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), lengths.data(),
                               formats.data(), /*binary results=*/1));
    if (result.ok()) return result;
    // A broken connection (the database server restarted): once more on a new one.
    if (PQstatus(conn_) != CONNECTION_OK && attempt == 0) {
      spdlog::warn("job database {}: connection lost, reconnecting", where_);
      continue;
    }
    fail(std::string("statement failed (") + sql + ")");
  }
}

void PostgresJobDatabase::save(const v1::Job& job) {
  const std::string bytes = encode_job_record(job);
  std::lock_guard<std::mutex> lock(mu_);
  run("INSERT INTO jobs (job_id, state, created_unix_ms, record) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (job_id) DO UPDATE SET state = EXCLUDED.state, created_unix_ms = EXCLUDED.created_unix_ms, "
      "record = EXCLUDED.record",
      {job.job_id(), std::to_string(static_cast<int>(job.state())), std::to_string(job.created_unix_ms())}, &bytes);
}

std::vector<v1::Job> PostgresJobDatabase::load_all() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Result all = run("SELECT job_id, record FROM jobs ORDER BY created_unix_ms, job_id", {});
  std::vector<v1::Job> jobs;
  for (int row = 0; row < all.rows(); ++row)
    if (auto job = decode_job_record(all.bytes(row, 0), all.bytes(row, 1), where_)) jobs.push_back(std::move(*job));
  return jobs;
}

std::optional<v1::Job> PostgresJobDatabase::load(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Result one = run("SELECT record FROM jobs WHERE job_id = $1", {job_id});
  if (one.rows() == 0) return std::nullopt;
  return decode_job_record(job_id, one.bytes(0, 0), where_);
}

void PostgresJobDatabase::remove(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  run("DELETE FROM jobs WHERE job_id = $1", {job_id});
}

}  // namespace siren::server
