#pragma once
// One libpq connection to PostgreSQL, shared by a server's threads: statements with parameters (text, or
// binary for bytea), binary results, transactions, and a new connection when the old one broke (a
// restarted database server). Used by the job database and the fleet's claims and leases.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace siren::server {

// A statement parameter: text (numbers too: PostgreSQL casts them), or bytes for a bytea column.
struct PgParam {
  PgParam(std::string text) : value(std::move(text)) {}  // NOLINT: implicit, for {"a", "b"} lists
  PgParam(const char* text) : value(text) {}            // NOLINT
  PgParam(int64_t number) : value(std::to_string(number)) {}  // NOLINT
  PgParam(int number) : value(std::to_string(number)) {}      // NOLINT
  static PgParam bytes(std::string data) {
    PgParam p(std::move(data));
    p.binary = true;
    return p;
  }
  std::string value;
  bool binary = false;
};
using PgParams = std::vector<PgParam>;

// A statement's rows, in binary form.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  bool ok() const;  // the statement succeeded
  int rows() const;
  bool is_null(int row, int column) const;
  std::string bytes(int row, int column) const;  // text and bytea columns
  int64_t integer(int row, int column) const;    // int2, int4, int8 columns
  bool boolean(int row, int column) const;

 private:
  std::shared_ptr<pg_result> result_;
};

class PostgresConnection {
 public:
  // The statements of one transaction, run while the connection's lock is held.
  class Session {
   public:
    // Throws std::runtime_error (naming the database) when the statement fails.
    PgResult run(const std::string& sql, const PgParams& params = {});

   private:
    friend class PostgresConnection;
    explicit Session(PostgresConnection& connection) : connection_(connection) {}
    PostgresConnection& connection_;
  };

  // Connects now; `on_connect` runs on every new connection (take locks, create tables) and may throw.
  // Throws std::runtime_error naming the database (never its password).
  explicit PostgresConnection(std::string url, std::function<void(Session&)> on_connect = {});
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // One statement on its own (committed when it returns); on a broken connection, once more on a new one.
  PgResult run(const std::string& sql, const PgParams& params = {});
  // `body`'s statements as one transaction: committed when it returns, rolled back when it throws. A
  // connection found broken before the first statement is replaced first.
  template <typename Body>
  auto transaction(Body&& body) -> decltype(body(std::declval<Session&>())) {
    std::lock_guard<std::mutex> lock(mu_);
    ensure_connected();
    Session session(*this);
    session.run("BEGIN");
    try {
      if constexpr (std::is_void_v<decltype(body(session))>) {
        body(session);
        session.run("COMMIT");
      } else {
        auto result = body(session);
        session.run("COMMIT");
        return result;
      }
    } catch (...) {
      rollback_quietly();
      throw;
    }
  }

  const std::string& where() const { return where_; }  // the URL without its password

 private:
  void ensure_connected();
  void connect();
  void rollback_quietly();
  [[noreturn]] void fail(const std::string& what) const;
  PgResult execute(const std::string& sql, const PgParams& params);  // no lock, no retry

  std::string url_;
  std::string where_;
  std::function<void(Session&)> on_connect_;
  pg_conn* conn_ = nullptr;
  std::mutex mu_;
};

// `url` with any password in it replaced by "***", for logs and messages.
std::string redact_database_url(const std::string& url);

}  // namespace siren::server
