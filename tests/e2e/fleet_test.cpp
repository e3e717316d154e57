// A fleet: three siren-server replicas with one PostgreSQL (started for the test) and one shared data
// directory. A job submitted to one is visible, watchable, cancellable and, once done, queryable on the
// others with identical answers; a replica killed mid-fit (ten times over) has the fit continued by another
// from its newest checkpoint, ending with the model an uninterrupted fit gives; a replica frozen past its
// lease loses the job, and what it writes when it wakes changes nothing.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

#include "fleet_fixture.h"

namespace siren::e2e {
namespace {

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

TEST_F(FleetTest, TenKillsInARowEachTimeAnotherReplicaContinuesTheFitFromItsNewestCheckpoint) {
  constexpr int kKills = 10;
  constexpr int64_t kCheckpointEvery = 200;
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "32", "--steps", "20000",
                                        "--checkpoint-every", std::to_string(kCheckpointEvery), "--seed", "9"};
  const std::string job_id = submit("r0", fit);
  int next_name = 3;
  double slowest_takeover_s = 0;
  for (int kill = 0; kill < kKills; ++kill) {
    const json running = wait_for_state(replicas_.begin()->first, job_id, "running");
    ASSERT_EQ(running["state"], "running") << "kill " << kill << ": " << running.dump() << logs();
    const std::string runner = running["replica"];
    // Kill the runner right after it saved a checkpoint of this run (later than any before).
    const int64_t before = running["last_checkpoint_step"];
    json seen = running;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while ((seen["last_checkpoint_step"].get<int64_t>() <= before || seen.value("replica", "") != runner) &&
           std::chrono::steady_clock::now() < deadline)
      seen = job_on(replicas_.begin()->first, job_id);
    ASSERT_EQ(seen.value("replica", ""), runner) << seen.dump();
    const int64_t checkpoint_at_kill = seen["last_checkpoint_step"];
    const auto killed_at = std::chrono::steady_clock::now();
    kill_replica(runner);
    start_replica("r" + std::to_string(next_name++));  // the fleet keeps three replicas
    const std::string survivor = replicas_.begin()->first;

    // Another replica runs it within 30 s, from the checkpoint the killed one saved last: at most one
    // checkpoint interval of steps was lost.
    json taken = job_on(survivor, job_id);
    const auto taken_deadline = killed_at + std::chrono::seconds(30);
    while ((taken["state"] != "running" || taken.value("replica", "") == runner ||
            taken["step"].get<int64_t>() < checkpoint_at_kill) &&
           taken["state"] != "succeeded" && std::chrono::steady_clock::now() < taken_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      taken = job_on(survivor, job_id);
    }
    const double takeover_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    slowest_takeover_s = std::max(slowest_takeover_s, takeover_s);
    ASSERT_NE(taken.value("replica", ""), runner) << "kill " << kill << ": " << taken.dump() << logs();
    ASSERT_LT(takeover_s, 30.0) << "kill " << kill;
    EXPECT_GE(taken["step"].get<int64_t>(), checkpoint_at_kill) << "kill " << kill << ": not from the newest checkpoint";
  }
  const std::string survivor = replicas_.begin()->first;
  const ProcessResult watched = on(survivor, {"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << watched.err << logs();
  const json recovered = last_json_line(watched);
  EXPECT_EQ(recovered["state"], "succeeded");
  EXPECT_EQ(recovered["step"], 20000);
  // One attempt per kill at least (a replica starved of CPU past its lease on a busy machine may add one).
  EXPECT_GE(job_on(survivor, job_id)["attempt"].get<int>(), kKills + 1);

  const ProcessResult uninterrupted = on(survivor, fit);  // the same fit, never cut off
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  EXPECT_EQ(recovered["loss"], last_json_line(uninterrupted)["loss"]);
  std::cerr << "fleet: " << kKills << " kills; the slowest takeover took " << slowest_takeover_s << " s\n";
}

TEST_F(FleetTest, AReplicaStoppedPastItsLeaseLosesTheJobAndItsLateWritesChangeNothing) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string job_id =
      submit("r0", {"fit", "image", image, "--hidden", "32", "--steps", "8000", "--checkpoint-every", "200"});
  const json running = wait_for_state("r0", job_id, "running");
  ASSERT_EQ(running["state"], "running") << logs();
  const std::string runner = running["replica"];
  Subprocess& stopped = runner == "r0" ? *server_ : *others_[runner];
  stopped.send_signal(SIGSTOP);  // frozen, as by a long GC pause or a VM migration: its lease runs out
  const std::string other = runner == "r1" ? "r2" : "r1";
  json taken = job_on(other, job_id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (taken.value("replica", runner) == runner && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    taken = job_on(other, job_id);
  }
  ASSERT_NE(taken.value("replica", runner), runner) << taken.dump() << logs();
  stopped.send_signal(SIGCONT);  // it wakes up mid-fit, still believing the job is its own

  const ProcessResult watched = on(other, {"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << watched.err << logs();
  const json done = last_json_line(watched);
  EXPECT_EQ(done["state"], "succeeded");
  // The woken replica learns at its next write that the run is no longer its own, and stops it.
  const std::string runner_log = runner == "r0" ? path("server.log") : path(runner + ".log");
  const auto noticed_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_text(runner_log).find("was superseded") == std::string::npos &&
         std::chrono::steady_clock::now() < noticed_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_NE(read_text(runner_log).find("was superseded"), std::string::npos) << logs();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const json after = job_on(runner, job_id);
  EXPECT_EQ(after["state"], "succeeded");
  EXPECT_GE(after["attempt"].get<int>(), 2);
  EXPECT_EQ(after["model_id"], done["model_id"]);
  // Exactly one model came of the job: the superseded run's never shows.
  const ProcessResult models = on(runner, {"models"});
  ASSERT_EQ(models.exit_code, 0);
  size_t of_this_job = 0;
  for (size_t at = models.out.find(job_id); at != std::string::npos; at = models.out.find(job_id, at + 1)) ++of_this_job;
  EXPECT_EQ(of_this_job, 1u) << models.out;
}

TEST_F(FleetTest, ARetriedSubmissionMakesOneJobWhicheverReplicaItReaches) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "16", "--steps", "50", "--request-id",
                                        "nightly-0001"};
  const std::string first = submit("r0", fit);
  EXPECT_EQ(submit("r1", fit), first);
  EXPECT_EQ(submit("r2", fit), first);
  // The same key for another fit is refused, on any replica.
  std::vector<std::string> other = fit;
  other[6] = "60";  // --steps
  other.push_back("--no-watch");
  const ProcessResult refused = on("r2", other);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("request_id"), std::string::npos) << refused.err;
  EXPECT_EQ(wait_for_state("r1", first, "succeeded")["state"], "succeeded") << logs();
  const ProcessResult listed = on("r0", {"jobs"});
  int jobs = 0;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) jobs += !line.empty() && line[0] == '{';
  EXPECT_EQ(jobs, 1) << listed.out;
}

TEST_F(FleetTest, AWatchOutlivesTheReplicaServingIt) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string job_id = submit(
      "r1", {"fit", "image", image, "--hidden", "32", "--steps", "3000", "--checkpoint-every", "100", "--seed", "5"});
  ASSERT_EQ(wait_for_state("r1", job_id, "running")["state"], "running") << logs();
  // One address for the three replicas, as a Service gives: gRPC connects to the first that answers.
  std::string everyone = "ipv4:";
  for (const std::string name : {"r0", "r1", "r2"}) everyone += (name == "r0" ? "" : ",") + replicas_.at(name);
  Subprocess watch({SIREN_CLI_BIN, "watch", job_id, "--server", everyone, "--json"});
  ASSERT_TRUE(watch.wait_for_stdout([](const std::string& out) { return out.find("\"step\"") != std::string::npos; },
                                    std::chrono::seconds(60)))
      << watch.out();
  // The replica serving the watch (the first address) goes while the client is frozen: the job logs events
  // meanwhile (checkpoints; or, if it ran on r0, its re-queue and new start), which the client must get.
  watch.send_signal(SIGSTOP);
  kill_replica("r0");
  std::this_thread::sleep_for(std::chrono::seconds(4));  // past the 2 s lease
  watch.send_signal(SIGCONT);
  const ProcessResult watched = watch.wait(std::chrono::seconds(120));
  ASSERT_EQ(watched.exit_code, 0) << watched.out << watched.err << logs();
  std::string last;
  std::vector<int64_t> kept;  // the numbers of the kept events the watch showed (checkpoints, state changes)
  int64_t first_snapshot = -1;
  std::string last_kept_type;
  std::istringstream lines(watched.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    last = line;
    const json event = json::parse(line);
    const std::string type = event.value("event", "");
    if (type == "snapshot" && first_snapshot < 0) first_snapshot = event.value("sequence", 0);
    if (type.empty() || type == "snapshot" || type == "progress" || type == "result") continue;
    kept.push_back(event.value("sequence", 0));
    last_kept_type = type;
  }
  const json done = json::parse(last);
  EXPECT_EQ(done["state"], "succeeded");
  EXPECT_EQ(done["step"], 3000);
  // The watch started again after the last event it saw: those logged meanwhile (checkpoints every 100
  // steps) came then, none twice, none lost.
  ASSERT_FALSE(kept.empty()) << watched.out;
  EXPECT_EQ(kept.front(), first_snapshot + 1) << watched.out;
  for (size_t i = 1; i < kept.size(); ++i) EXPECT_EQ(kept[i], kept[i - 1] + 1) << watched.out;
  EXPECT_EQ(last_kept_type, "finished") << watched.out;
}

constexpr const char* kAcmeToken = "acme-token-0123456789";

class FleetTenantsTest : public FleetTest {
 protected:
  void before_server_starts() override {
    more_replica_args_ = {"--tenants", write_file("tenants", std::string("acme 1 ") + kAcmeToken + "\n")};
  }
};

TEST_F(FleetTenantsTest, ATenantsQuotaHoldsAcrossTheReplicas) {
  const std::string image = write_image("gradient.png", synthetic_image());
  std::vector<std::string> jobs;
  for (const std::string replica : {"r0", "r1", "r2"})  // one each: every replica would run one at once
    jobs.push_back(submit(replica, {"fit", "image", image, "--hidden", "32", "--steps", "1500", "--token", kAcmeToken}));
  int most_running = 0, samples = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    const ProcessResult listed = on("r1", {"jobs", "--token", kAcmeToken});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    int running = 0, succeeded = 0;
    std::istringstream lines(listed.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] != '{') continue;
      const json job = json::parse(line);
      EXPECT_EQ(job.value("tenant", ""), "acme");
      running += job["state"] == "running";
      succeeded += job["state"] == "succeeded";
    }
    most_running = std::max(most_running, running);
    ++samples;
    if (succeeded == 3 || std::chrono::steady_clock::now() > deadline) {
      EXPECT_EQ(succeeded, 3) << listed.out << logs();
      break;
    }
  }
  EXPECT_EQ(most_running, 1) << "acme's quota is 1 across the fleet (" << samples << " samples)";
}

}  // namespace
}  // namespace siren::e2e
