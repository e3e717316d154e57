// Zero lost under faults: small fits go through a fleet of three replicas while, for a while, replicas
// are killed (kill -9) and restarted, frozen (SIGSTOP) for longer than the lease, and cut from the
// database (one replica reaches PostgreSQL through a proxy that is cut and restored). Then every job has
// SUCCEEDED with exactly one model, no other model names one of the jobs, and a tenant's running count
// never went over its quota in any sample. SIREN_FLEET_FAULT_SECONDS sets how long the faults go on and
// SIREN_FLEET_FAULT_FITS how many fits go through them (defaults 30 and 30; the soak: 300 and 100).
#include <signal.h>

#include <cstdlib>
#include <random>
#include <set>
#include <sstream>

#include "fleet_fixture.h"
#include "tcp_proxy.h"

namespace siren::e2e {
namespace {

constexpr const char* kAcmeToken = "acme-token-0123456789";
constexpr int kAcmeQuota = 2;

class FleetFaultsTest : public FleetTest {
 protected:
  void SetUp() override {
    if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
    proxy_ = std::make_unique<TcpProxy>(PostgresInstance::shared()->port());
    FleetTest::SetUp();
  }
  void before_server_starts() override {
    more_replica_args_ = {"--tenants", write_file("tenants", "acme " + std::to_string(kAcmeQuota) + " " + kAcmeToken +
                                                                 "\n"),
                          "--token", kAdminToken};
  }
  void TearDown() override {
    for (const auto& name : stopped_)
      if (Subprocess* process = process_of(name)) process->send_signal(SIGCONT);
    FleetTest::TearDown();
  }
  // r2 reaches the database through the proxy.
  std::string database_url_for(const std::string& name) const override {
    if (name != "r2") return url_;
    std::string url = url_;
    const std::string port = ":" + std::to_string(PostgresInstance::shared()->port()) + "/";
    url.replace(url.find(port), port.size(), ":" + std::to_string(proxy_->port()) + "/");
    return url;
  }
  // A replica that answers now (not frozen).
  std::string live_replica(std::mt19937& random) {
    std::vector<std::string> live;
    for (const auto& [name, address] : replicas_)
      if (!stopped_.count(name)) live.push_back(name);
    return live[random() % live.size()];
  }
  ProcessResult as_admin(const std::string& replica, std::vector<std::string> args) {
    args.push_back("--token");
    args.push_back(kAdminToken);
    return on(replica, args);
  }

  static constexpr const char* kAdminToken = "admin-token-0123456789";
  std::unique_ptr<TcpProxy> proxy_;
  std::set<std::string> stopped_;
};

TEST_F(FleetFaultsTest, EveryJobSucceedsOnceThroughKillsFreezesAndACutDatabase) {
  const char* seconds_env = std::getenv("SIREN_FLEET_FAULT_SECONDS");
  const int fault_seconds = seconds_env ? std::atoi(seconds_env) : 30;
  const char* fits_env = std::getenv("SIREN_FLEET_FAULT_FITS");
  const int fits = fits_env ? std::atoi(fits_env) : 30;
  std::mt19937 random(7);
  const std::string image = write_image("gradient.png", synthetic_image());

  std::vector<std::string> jobs;
  for (int i = 0; i < fits; ++i) {
    std::vector<std::string> fit = {"fit", "image", image, "--hidden", "16", "--steps", std::to_string(400 + 20 * (i % 30)),
                                    "--checkpoint-every", "50", "--seed", std::to_string(i), "--no-watch",
                                    "--token", i % 2 ? kAcmeToken : kAdminToken};
    const ProcessResult submitted = on(replicas_.begin()->first, fit);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
    jobs.push_back(last_json_line(submitted)["job_id"]);
  }

  int most_acme_running = 0, samples = 0, kills = 0, freezes = 0, cuts = 0;
  const auto sample_quota = [&](const std::string& replica) {
    const ProcessResult listed = as_admin(replica, {"jobs"});
    if (listed.exit_code != 0) return;  // a replica killed under the sampler
    int running = 0;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line[0] == '{') {
        const json job = json::parse(line);
        running += job.value("tenant", "") == "acme" && job["state"] == "running";
      }
    most_acme_running = std::max(most_acme_running, running);
    ++samples;
  };
  const auto faults_end = std::chrono::steady_clock::now() + std::chrono::seconds(fault_seconds);
  while (std::chrono::steady_clock::now() < faults_end) {
    const std::vector<std::string> names = {"r0", "r1", "r2"};
    const std::string victim = names[random() % names.size()];
    switch (random() % 3) {
      case 0:  // kill -9, then the same replica comes back
        kill_replica(victim);
        ++kills;
        restart_replica(victim);
        break;
      case 1:  // frozen past its lease (2 s), then woken
        process_of(victim)->send_signal(SIGSTOP);
        stopped_.insert(victim);
        sample_quota(live_replica(random));
        std::this_thread::sleep_for(std::chrono::milliseconds(3000));
        process_of(victim)->send_signal(SIGCONT);
        stopped_.erase(victim);
        ++freezes;
        break;
      default:  // r2 cut from the database for longer than the lease
        proxy_->cut();
        sample_quota(live_replica(random));
        std::this_thread::sleep_for(std::chrono::milliseconds(3000));
        proxy_->restore();
        ++cuts;
        break;
    }
    sample_quota(live_replica(random));
  }

  // The faults stop: everything finishes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  std::map<std::string, json> final_jobs;
  for (;;) {
    final_jobs.clear();
    const ProcessResult listed = as_admin(live_replica(random), {"jobs"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line[0] == '{') {
        const json job = json::parse(line);
        final_jobs[job["job_id"]] = job;
      }
    int done = 0;
    for (const auto& id : jobs) done += final_jobs.count(id) && final_jobs[id]["state"] != "queued" &&
                                        final_jobs[id]["state"] != "running";
    if (done == fits || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the CLI's start takes CPU from the fits
  }
  std::map<std::string, std::string> model_of;
  for (const auto& id : jobs) {
    ASSERT_TRUE(final_jobs.count(id)) << id;
    EXPECT_EQ(final_jobs[id]["state"], "succeeded") << final_jobs[id].dump() << "\n" << logs();
    model_of[id] = final_jobs[id]["model_id"];
  }
  // Exactly one model per job, the one its record names: no superseded attempt left one behind.
  const ProcessResult models = as_admin(live_replica(random), {"models"});
  ASSERT_EQ(models.exit_code, 0) << models.err;
  std::map<std::string, int> models_per_job;
  std::istringstream lines(models.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{') {
      const json model = json::parse(line);
      const std::string job = model.value("job_id", "");
      if (!model_of.count(job)) continue;
      ++models_per_job[job];
      EXPECT_EQ(model["model_id"], model_of[job]) << "job " << job << " has a model its record does not name";
    }
  for (const auto& id : jobs) EXPECT_EQ(models_per_job[id], 1) << id;
  EXPECT_LE(most_acme_running, kAcmeQuota) << samples << " samples";
  EXPECT_GT(samples, 0);
  std::cerr << "fleet faults: " << kills << " kills, " << freezes << " freezes, " << cuts << " database cuts in "
            << fault_seconds << " s; " << samples << " quota samples, at most " << most_acme_running
            << " of acme's jobs running\n";
}

}  // namespace
}  // namespace siren::e2e
