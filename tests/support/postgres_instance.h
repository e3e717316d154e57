#pragma once
// A throw-away PostgreSQL server for tests: a cluster made by initdb in a temp dir, listening on a free
// loopback port (and a socket in the same dir), stopped and deleted with the object. Uses Debian's
// packaged server (/usr/lib/postgresql/<version>/bin, or $SIREN_TEST_POSTGRES_BIN); where there is none,
// available() is false and the tests skip, saying why. As root (CI, containers) the server runs as the
// `postgres` user the package made: PostgreSQL refuses to run as root.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace siren::testing {

class PostgresInstance {
 public:
  // The directory holding initdb, pg_ctl and postgres; "" when none is installed.
  static std::string binaries() {
    if (const char* dir = std::getenv("SIREN_TEST_POSTGRES_BIN")) return dir;
    std::string best;
    int best_version = -1;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const std::string name = entry.path().filename().string();
      const int version = std::atoi(name.c_str());
      if (version > best_version && std::filesystem::exists(entry.path() / "bin" / "initdb")) {
        best_version = version;
        best = (entry.path() / "bin").string();
      }
    }
    return best;
  }
  static bool available() { return !binaries().empty(); }
  static constexpr const char* kUnavailable =
      "no PostgreSQL server installed (Debian's postgresql package; scripts/install-deps.sh installs it)";

  PostgresInstance() : bin_(binaries()) {
    if (bin_.empty()) throw std::runtime_error(kUnavailable);
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / ("siren-postgres-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    as_user_ = geteuid() == 0 ? "runuser -u postgres -- " : "";
    if (geteuid() == 0) run("chown postgres " + dir_.string());
    port_ = free_port();
    run(as_user_ + bin_ + "/initdb --no-sync --auth=trust --username=siren --encoding=UTF8 -D " + data() +
        " > " + (dir_ / "initdb.log").string() + " 2>&1");
    start();
  }
  ~PostgresInstance() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  PostgresInstance(const PostgresInstance&) = delete;
  PostgresInstance& operator=(const PostgresInstance&) = delete;

  // One server for every test of this process that needs no server of its own (initdb takes seconds);
  // nullptr where none is installed. Each test makes its own database in it (create_database).
  static PostgresInstance* shared() {
    static const std::unique_ptr<PostgresInstance> instance =
        available() ? std::make_unique<PostgresInstance>() : nullptr;
    return instance.get();
  }

  // A URL for database `name` (made by create_database; "postgres" always exists).
  std::string url(const std::string& name = "postgres") const {
    return "postgresql://siren@127.0.0.1:" + std::to_string(port_) + "/" + name;
  }
  // A new, empty database; its name.
  std::string create_database() {
    const std::string name = "jobs_" + std::to_string(++databases_);
    run(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U siren " + name);
    return name;
  }
  // Runs SQL through psql, for tests that look under the job database.
  void psql(const std::string& database, const std::string& sql) const {
    const auto file = dir_ / "statement.sql";
    std::ofstream(file) << sql;
    run(bin_ + "/psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(port_) + " -U siren -d " + database +
        " -f " + file.string() + " > /dev/null");
  }
  // `immediate`: as a crash (no shutdown checkpoint, connections cut).
  void stop() {
    if (running_) run(as_user_ + bin_ + "/pg_ctl -D " + data() + " -m immediate -w stop > /dev/null 2>&1", false);
    running_ = false;
  }
  void start() {
    // fsync off: these servers hold test data only, and the tests run faster.
    run(as_user_ + bin_ + "/pg_ctl -D " + data() + " -l " + (dir_ / "server.log").string() + " -w -o \"-p " +
        std::to_string(port_) + " -k " + dir_.string() + " -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null");
    running_ = true;
  }
  int port() const { return port_; }

 private:
  std::string data() const { return (dir_ / "data").string(); }
  void run(const std::string& command, bool must_succeed = true) const {
    if (std::system(command.c_str()) != 0 && must_succeed) {
      std::ifstream log(dir_ / "server.log");
      std::ostringstream tail;
      tail << log.rdbuf();
      throw std::runtime_error("failed: " + command + "\n" + tail.str());
    }
  }
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
      throw std::runtime_error("cannot find a free port");
    const int port = ntohs(address.sin_port);
    close(fd);
    return port;
  }

  std::string bin_;
  std::filesystem::path dir_;
  std::string as_user_;
  int port_ = 0;
  bool running_ = false;
  int databases_ = 0;
};

}  // namespace siren::testing
