#include "job_database.h"

#include "postgres_connection.h"
#include "postgres_job_database.h"
#include "sqlite_job_database.h"

namespace siren::server {

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::unique_ptr<JobDatabase> open_job_database(const std::string& url, const std::string& sqlite_path,
                                               bool exclusive) {
  if (url.empty()) return std::make_unique<SqliteJobDatabase>(sqlite_path);
  if (is_postgres_url(url)) return std::make_unique<PostgresJobDatabase>(url, exclusive);
  throw std::runtime_error("unknown job database " + redact_database_url(url) +
                           ": expected a postgresql:// URL, or none for the embedded database");
}

}  // namespace siren::server
