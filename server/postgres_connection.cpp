#include "postgres_connection.h"

#include <endian.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <regex>
#include <stdexcept>

namespace siren::server {

std::string redact_database_url(const std::string& url) {
  // postgresql://user:PASSWORD@host/db and ...?password=PASSWORD&...
  static const std::regex in_user_info(R"(^([a-z]+://[^/?@:]*):[^/?@]*@)");
  static const std::regex in_query(R"(([?&]password=)[^&]*)");
  return std::regex_replace(std::regex_replace(url, in_user_info, "$1:***@"), in_query, "$1***");
}

PgResult::PgResult(pg_result* result) : result_(result, PQclear) {}

bool PgResult::ok() const {
  const ExecStatusType status = PQresultStatus(result_.get());
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}
int PgResult::rows() const { return PQntuples(result_.get()); }
bool PgResult::is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }

std::string PgResult::bytes(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PgResult::integer(int row, int column) const {
  const char* value = PQgetvalue(result_.get(), row, column);
  switch (PQgetlength(result_.get(), row, column)) {  // binary integers are big-endian
    case 2: {
      uint16_t v;
      std::memcpy(&v, value, 2);
      return static_cast<int16_t>(be16toh(v));
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, value, 4);
      return static_cast<int32_t>(be32toh(v));
    }
    case 8: {
      uint64_t v;
      std::memcpy(&v, value, 8);
      return static_cast<int64_t>(be64toh(v));
    }
    default:
      throw std::runtime_error("job database: column " + std::to_string(column) + " is not an integer");
  }
}

bool PgResult::boolean(int row, int column) const {  // a binary bool is one byte
  return PQgetlength(result_.get(), row, column) == 1 && PQgetvalue(result_.get(), row, column)[0] != 0;
}

PostgresConnection::PostgresConnection(std::string url, std::function<void(Session&)> on_connect)
    : url_(std::move(url)), where_(redact_database_url(url_)), on_connect_(std::move(on_connect)) {
  std::lock_guard<std::mutex> lock(mu_);
  connect();
}

PostgresConnection::~PostgresConnection() {
  if (conn_) PQfinish(conn_);
}

void PostgresConnection::fail(const std::string& what) const {
  std::string why = conn_ ? PQerrorMessage(conn_) : "cannot allocate a connection";
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  throw std::runtime_error("job database " + where_ + ": " + what + (why.empty() ? "" : ": " + why));
}

void PostgresConnection::connect() {
  if (conn_) PQfinish(conn_);
  // Our defaults first: the URL's own parameters, expanded from "dbname", override them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "siren-server", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  try {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) fail("cannot connect");
    // The server's notices ("relation already exists, skipping") are for debugging, not stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char* message) { spdlog::debug("job database: {}", message); }, nullptr);
    if (on_connect_) {
      Session session(*this);
      on_connect_(session);
    }
  } catch (...) {
    // Never keep a connection that on_connect refused: a later statement would run without its locks.
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

void PostgresConnection::ensure_connected() {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    if (conn_) spdlog::warn("job database {}: connection lost, reconnecting", where_);
    connect();
  }
}

void PostgresConnection::rollback_quietly() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) PgResult(PQexec(conn_, "ROLLBACK"));
}

PgResult PostgresConnection::execute(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  return PgResult(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               lengths.data(), formats.data(), /*binary results=*/1));
}

PgResult PostgresConnection::Session::run(const std::string& sql, const PgParams& params) {
  PgResult result = connection_.execute(sql, params);
  if (!result.ok()) connection_.fail("statement failed (" + sql.substr(0, 120) + ")");
  return result;
}

PgResult PostgresConnection::run(const std::string& sql, const PgParams& params) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int attempt = 0;; ++attempt) {
    ensure_connected();
    PgResult result = execute(sql, params);
    if (result.ok()) return result;
    if (PQstatus(conn_) != CONNECTION_OK && attempt == 0) continue;  // the server restarted: a new connection
    fail("statement failed (" + sql.substr(0, 120) + ")");
  }
}

}  // namespace siren::server
