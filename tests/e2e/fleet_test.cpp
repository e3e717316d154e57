// A fleet: three siren-server replicas with one PostgreSQL (started for the test) and one shared data
// directory. A job submitted to one is visible, watchable, cancellable and, once done, queryable on the
// others with identical answers; a replica killed mid-fit has the fit continued by another from its
// newest checkpoint, ending with the model an uninterrupted fit gives.
#include <signal.h>

#include <filesystem>
#include <thread>

#include "e2e_fixture.h"
#include "postgres_instance.h"

namespace siren::e2e {
namespace {

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
  std::vector<std::string> replica_args(const std::string& name) const {
    return {"--database", url_, "--fleet", "--replica-id", name, "--lease-seconds", kLeaseSeconds};
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
  std::string logs() {
    std::string all = "r0:\n" + server_log();
    for (const auto& [name, process] : others_) all += "\n" + name + ":\n" + read_text(path(name + ".log"));
    return all;
  }

  std::string url_;
  std::map<std::string, std::string> replicas_;  // name -> address
  std::map<std::string, std::unique_ptr<Subprocess>> others_;
};

TEST_F(FleetTest, AJobSubmittedToOneReplicaIsWatchableAndQueryableOnEveryOther) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string job_id = submit("r1", {"fit", "image", image, "--hidden", "32", "--steps", "150", "--seed", "3"});
  ASSERT_FALSE(job_id.empty());
  const json seen = job_on("r2", job_id);  // at once, on another replica
  EXPECT_EQ(seen["job_id"], job_id);

  const ProcessResult watched = on("r2", {"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << watched.out << watched.err << logs();
  const json done = last_json_line(watched);
  EXPECT_EQ(done["state"], "succeeded") << watched.out;
  EXPECT_EQ(done["step"], 150);
  const std::string model_id = done["model_id"];
  ASSERT_FALSE(model_id.empty());

  std::map<std::string, std::string> renders;
  for (const auto& [name, address] : replicas_) {
    EXPECT_EQ(job_on(name, job_id)["state"], "succeeded") << name;
    const ProcessResult jobs = on(name, {"jobs"});
    EXPECT_NE(jobs.out.find(job_id), std::string::npos) << name << ": " << jobs.out;
    const std::string out = path("render-" + name + ".png");
    const ProcessResult rendered = on(name, {"render", model_id, "-o", out});
    ASSERT_EQ(rendered.exit_code, 0) << name << ": " << rendered.err;
    renders[name] = read_text(out);
  }
  EXPECT_EQ(renders["r0"], renders["r1"]);
  EXPECT_EQ(renders["r0"], renders["r2"]);
}

TEST_F(FleetTest, ACancelSentToAnotherReplicaStopsTheFitWhereItRuns) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string job_id = submit("r0", {"fit", "image", image, "--hidden", "32", "--steps", "1000000"});
  const json running = wait_for_state("r1", job_id, "running");
  ASSERT_EQ(running["state"], "running") << logs();
  const std::string runner = running["replica"];
  const std::string other = runner == "r2" ? "r1" : "r2";
  ASSERT_EQ(on(other, {"cancel", job_id}).exit_code, 0);
  const json cancelled = wait_for_state(other, job_id, "cancelled", std::chrono::seconds(30));
  EXPECT_EQ(cancelled["state"], "cancelled") << logs();
  EXPECT_LT(cancelled["step"].get<int64_t>(), 1000000);
}

TEST_F(FleetTest, AKilledReplicasFitContinuesOnAnotherFromItsCheckpoint) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "32", "--steps", "3000",
                                        "--checkpoint-every", "100", "--seed", "9"};
  const std::string job_id = submit("r0", fit);
  const json running = wait_for_state("r1", job_id, "running");
  ASSERT_EQ(running["state"], "running") << logs();
  const std::string runner = running["replica"];
  // Kill it once it has a checkpoint, long before step 3000.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (job_on(runner, job_id)["last_checkpoint_step"].get<int64_t>() == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto killed_at = std::chrono::steady_clock::now();
  if (runner == "r0") {
    server_->send_signal(SIGKILL);
    server_->wait(std::chrono::seconds(10));
    server_.reset();
  } else {
    others_[runner]->send_signal(SIGKILL);
    others_[runner]->wait(std::chrono::seconds(10));
    others_.erase(runner);
  }
  replicas_.erase(runner);
  const std::string survivor = replicas_.begin()->first;

  // Another replica takes it over within the lease and a few polls, and finishes it.
  const auto taken_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json job = job_on(survivor, job_id);
  while ((job["state"] != "running" || job.value("replica", "") == runner) && job["state"] != "succeeded" &&
         std::chrono::steady_clock::now() < taken_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    job = job_on(survivor, job_id);
  }
  const double takeover_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  EXPECT_NE(job.value("replica", ""), runner) << job.dump() << logs();
  EXPECT_LT(takeover_s, 30.0);
  const ProcessResult watched = on(survivor, {"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << watched.err << logs();
  const json recovered = last_json_line(watched);
  EXPECT_EQ(recovered["state"], "succeeded");
  EXPECT_EQ(recovered["step"], 3000);
  EXPECT_EQ(job_on(survivor, job_id)["attempt"], 2);

  const ProcessResult uninterrupted = on(survivor, fit);  // the same fit, never cut off
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  EXPECT_EQ(recovered["loss"], last_json_line(uninterrupted)["loss"]);
  std::cerr << "fleet: the fit was running again on another replica " << takeover_s << " s after the kill\n";
}

}  // namespace
}  // namespace siren::e2e
