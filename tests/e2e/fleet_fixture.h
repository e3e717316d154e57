#pragma once
// Three siren-server replicas of one fleet (--fleet), sharing a PostgreSQL database (a fresh one in the
// PostgreSQL the tests start, tests/support/postgres_instance.h) and the test's data directory, each on
// its own port; helpers run the CLI against any of them, kill and restart them.
#include <signal.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e_fixture.h"
#include "postgres_instance.h"

namespace siren::e2e {

using testing::PostgresInstance;

constexpr const char* kLeaseSeconds = "2";

class FleetTest : public E2ETest {
 protected:
  void SetUp() override {
    if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
    url_ = PostgresInstance::shared()->url(PostgresInstance::shared()->create_database());
    E2ETest::SetUp();  // replica r0, at address_
    replicas_["r0"] = address_;
    for (const std::string name : {"r1", "r2"}) start_replica(name);
  }
  void TearDown() override {
    for (auto& [name, process] : others_) {
      process->send_signal(SIGTERM);
      process->wait(std::chrono::seconds(30));
    }
    E2ETest::TearDown();
  }
  // The job database a replica is given: the shared one (a subclass may route one through a proxy).
  virtual std::string database_url_for(const std::string& /*name*/) const { return url_; }
  std::vector<std::string> replica_args(const std::string& name) const {
    // --max-attempts above the kills of the tests: the tenth kill must not fail the job.
    std::vector<std::string> args = {"--database", database_url_for(name), "--fleet", "--replica-id", name,
                                     "--lease-seconds", kLeaseSeconds, "--max-attempts", "20"};
    args.insert(args.end(), more_replica_args_.begin(), more_replica_args_.end());
    return args;
  }
  std::vector<std::string> extra_server_args() const override { return replica_args("r0"); }

  void start_replica(const std::string& name) {
    const std::string port_file = path(name + ".port");
    std::filesystem::remove(port_file);
    std::vector<std::string> argv = {SIREN_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                                     "--data-dir", path("data"), "--threads", "2", "--log-level", "info"};
    for (const auto& arg : replica_args(name)) argv.push_back(arg);
    others_[name] = std::make_unique<Subprocess>(argv, path(name + ".log"), true);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string port;
    while ((port = read_text(port_file)).empty() && std::chrono::steady_clock::now() < deadline) {
      ASSERT_TRUE(others_[name]->running()) << read_text(path(name + ".log"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_FALSE(port.empty()) << read_text(path(name + ".log"));
    if (port.back() == '\n') port.pop_back();
    replicas_[name] = "127.0.0.1:" + port;
  }
  // `siren ARGS` against one replica.
  ProcessResult on(const std::string& replica, const std::vector<std::string>& args) {
    const std::string saved = address_;
    address_ = replicas_.at(replica);
    ProcessResult result = siren(args);
    address_ = saved;
    return result;
  }
  json job_on(const std::string& replica, const std::string& job_id) {
    const ProcessResult shown = on(replica, {"job", job_id});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    return last_json_line(shown);
  }
  std::string submit(const std::string& replica, std::vector<std::string> fit) {
    fit.push_back("--no-watch");
    const ProcessResult submitted = on(replica, fit);
    EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
    return last_json_line(submitted)["job_id"];
  }
  json wait_for_state(const std::string& replica, const std::string& job_id, const std::string& state,
                      std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json job = job_on(replica, job_id);
    while (job["state"] != state && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      job = job_on(replica, job_id);
    }
    return job;
  }
  // The process of a replica (r0 is the fixture's own server).
  Subprocess* process_of(const std::string& name) {
    if (name == "r0") return server_.get();
    auto it = others_.find(name);
    return it == others_.end() ? nullptr : it->second.get();
  }
  void kill_replica(const std::string& name) {
    Subprocess* process = process_of(name);
    process->send_signal(SIGKILL);
    process->wait(std::chrono::seconds(10));
    if (name == "r0") server_.reset();
    else others_.erase(name);
    replicas_.erase(name);
  }
  // Starts a replica again under its old name (r0 through the fixture's start_server).
  void restart_replica(const std::string& name) {
    if (name != "r0") return start_replica(name);
    start_server();
    replicas_["r0"] = address_;
  }
  std::string logs() {
    std::string all = "r0:\n" + server_log();
    for (const auto& [name, process] : others_) all += "\n" + name + ":\n" + read_text(path(name + ".log"));
    return all;
  }

  std::string url_;
  std::vector<std::string> more_replica_args_;   // a subclass's, set before SetUp
  std::map<std::string, std::string> replicas_;  // name -> address
  std::map<std::string, std::unique_ptr<Subprocess>> others_;
};

}  // namespace siren::e2e
