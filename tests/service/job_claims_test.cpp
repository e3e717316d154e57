// A fleet's shared queue in a real PostgreSQL (started for the test): claims go by priority then age and
// never hand one job to two replicas however many claim at once; a tenant's quota holds exactly under
// concurrent claims; a replica whose lease ran out loses its jobs to the others, and its later writes
// are fenced off; a job re-queued too often fails saying why; stop requests reach the owner.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fleet_member.h"
#include "job_claims.h"
#include "job_events.h"
#include "postgres_instance.h"
#include "postgres_job_database.h"
#include "replica_leases.h"
#include "test_server.h"

namespace siren::testing {
namespace {

v1::Job queued_job(const std::string& id, int64_t created_ms, v1::Priority priority = v1::PRIORITY_NORMAL,
                   const std::string& tenant = "") {
  v1::Job job;
  job.set_job_id(id);
  job.set_state(v1::JOB_STATE_QUEUED);
  job.set_created_unix_ms(created_ms);
  job.mutable_options()->set_priority(priority);
  job.set_tenant(tenant);
  return job;
}

class JobClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
    url_ = PostgresInstance::shared()->url(PostgresInstance::shared()->create_database());
    records_ = std::make_unique<server::PostgresJobDatabase>(url_, /*exclusive=*/false);
  }
  void enqueue(int count, const std::string& tenant = "", int64_t first_ms = 1000) {
    for (int i = 0; i < count; ++i)
      records_->save(queued_job(tenant + "job-" + std::to_string(i), first_ms + i, v1::PRIORITY_NORMAL, tenant));
  }

  std::string url_;
  std::unique_ptr<server::PostgresJobDatabase> records_;
};

TEST_F(JobClaimsTest, ClaimsGoByPriorityThenAgeAndMakeTheReplicaTheOwner) {
  records_->save(queued_job("job-old-low", 1, v1::PRIORITY_LOW));
  records_->save(queued_job("job-new-normal", 3));
  records_->save(queued_job("job-old-normal", 2));
  records_->save(queued_job("job-newest-high", 4, v1::PRIORITY_HIGH));
  server::JobClaims claims(url_, "replica-a");
  std::vector<std::string> order;
  while (auto job = claims.claim()) {
    EXPECT_EQ(job->state(), v1::JOB_STATE_RUNNING);
    EXPECT_EQ(job->attempt(), 1);
    EXPECT_EQ(job->replica(), "replica-a");
    EXPECT_GT(job->started_unix_ms(), 0);
    order.push_back(job->job_id());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"job-newest-high", "job-old-normal", "job-new-normal", "job-old-low"}));
  EXPECT_EQ(records_->load("job-old-low")->state(), v1::JOB_STATE_RUNNING);  // the record itself says so
  // A filter: jobs this replica cannot run stay queued for others.
  records_->save(queued_job("job-gpu", 5));
  EXPECT_FALSE(claims.claim([](const v1::Job& job) { return job.job_id() != "job-gpu"; }).has_value());
  EXPECT_EQ(claims.claim()->job_id(), "job-gpu");
}

TEST_F(JobClaimsTest, ConcurrentReplicasNeverClaimOneJobTwice) {
  constexpr int kJobs = 300, kReplicas = 8;
  enqueue(kJobs);
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> replicas;
  for (int r = 0; r < kReplicas; ++r) {
    replicas.emplace_back([&, r] {
      server::JobClaims claims(url_, "replica-" + std::to_string(r));
      while (auto job = claims.claim()) {
        std::lock_guard<std::mutex> lock(mu);
        claimed.insert(job->job_id());
      }
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), static_cast<size_t>(kJobs))
      << "a job was claimed twice";
}

TEST_F(JobClaimsTest, ARequestIdMakesOneJobUnderConcurrentSubmissionsToAnyReplicas) {
  constexpr int kReplicas = 8;
  std::mutex mu;
  std::vector<std::string> inserted, answered;
  std::vector<std::thread> replicas;
  for (int r = 0; r < kReplicas; ++r) {
    replicas.emplace_back([&, r] {
      server::JobClaims claims(url_, "replica-" + std::to_string(r));
      v1::Job job = queued_job("job-try-" + std::to_string(r), 1000 + r);
      job.mutable_options()->set_request_id("retried-request");
      const auto event = server::make_job_event(job, v1::JobEvent::TYPE_QUEUED, "queued");
      const auto submitted = claims.submit_once(job, {event}, 100);
      const bool existing = submitted.outcome == server::JobClaims::Submission::Existing;
      std::lock_guard<std::mutex> lock(mu);
      (existing ? answered : inserted).push_back(existing ? submitted.existing.job_id() : job.job_id());
    });
  }
  for (auto& t : replicas) t.join();
  ASSERT_EQ(inserted.size(), 1u) << "one submission made the job";
  for (const auto& id : answered) EXPECT_EQ(id, inserted[0]) << "the others were answered with it";
  EXPECT_EQ(records_->load_all().size(), 1u);
  EXPECT_EQ(records_->events_after(inserted[0], 0, 10).size(), 1u) << "its QUEUED event, once";

  // No request id: every submission is a job of its own, up to the queue's bound.
  using Submission = server::JobClaims::Submission;
  server::JobClaims claims(url_, "replica-0");
  EXPECT_EQ(claims.submit_once(queued_job("job-x", 1), {}, 3).outcome, Submission::Added);
  EXPECT_EQ(claims.submit_once(queued_job("job-y", 2), {}, 3).outcome, Submission::Added);
  const auto full = claims.submit_once(queued_job("job-z", 3), {}, 3);
  EXPECT_EQ(full.outcome, Submission::QueueFull);
  EXPECT_EQ(full.waiting, 3);
  EXPECT_EQ(records_->load_all().size(), 3u);
  v1::Job retry = queued_job("job-retry", 4);
  retry.mutable_options()->set_request_id("retried-request");
  EXPECT_EQ(claims.submit_once(retry, {}, 3).outcome, Submission::Existing) << "a retry is answered when full too";
}

TEST_F(JobClaimsTest, APackIsClaimedTogetherOfOneKeyAndPriorityUpToItsSize) {
  server::JobClaims claims(url_, "replica-a");
  const auto add = [&](const std::string& id, int64_t created, const std::string& key,
                       v1::Priority priority = v1::PRIORITY_NORMAL) {
    ASSERT_EQ(claims.submit_once(queued_job(id, created, priority), {}, 100, key, /*pack_max=*/3).outcome,
              server::JobClaims::Submission::Added);
  };
  for (int i = 1; i <= 4; ++i) add("job-k" + std::to_string(i), i, "key-k");
  add("job-other-key", 5, "key-l");
  add("job-k-low", 6, "key-k", v1::PRIORITY_LOW);
  add("job-alone", 7, "");
  const auto ids = [&] {
    std::vector<std::string> out;
    for (const auto& job : claims.claim_pack({}, /*max_pack=*/64)) out.push_back(job.job_id());
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{"job-k1", "job-k2", "job-k3"})) << "at most the pack's size";
  EXPECT_EQ(ids(), (std::vector<std::string>{"job-k4"})) << "a lower priority waits its turn";
  EXPECT_EQ(ids(), (std::vector<std::string>{"job-other-key"}));
  EXPECT_EQ(ids(), (std::vector<std::string>{"job-alone"})) << "no key: alone";
  EXPECT_EQ(ids(), (std::vector<std::string>{"job-k-low"}));
  EXPECT_TRUE(ids().empty());
  for (const auto& job : records_->load_all()) EXPECT_EQ(job.state(), v1::JOB_STATE_RUNNING) << job.job_id();
}

TEST_F(JobClaimsTest, ATenantsQuotaHoldsExactlyUnderConcurrentClaims) {
  server::JobClaims admin(url_, "admin");
  admin.set_quota("acme", 3);
  enqueue(40, "acme");
  enqueue(5, "", 5000);  // no tenant, no limit: claimed behind acme's
  std::atomic<int> acme_claimed{0}, others{0}, most_seen{0};
  std::vector<std::thread> replicas;
  for (int r = 0; r < 8; ++r) {
    replicas.emplace_back([&, r] {
      server::JobClaims claims(url_, "replica-" + std::to_string(r));
      for (int i = 0; i < 20; ++i) {
        auto job = claims.claim();
        if (!job) continue;
        (job->tenant() == "acme" ? acme_claimed : others)++;
        const int running = claims.running("acme");
        int seen = most_seen.load();
        while (running > seen && !most_seen.compare_exchange_weak(seen, running)) {
        }
      }
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(acme_claimed.load(), 3);
  EXPECT_EQ(others.load(), 5) << "jobs of other tenants are not held up behind a tenant at its quota";
  EXPECT_EQ(most_seen.load(), 3);
  EXPECT_EQ(admin.running("acme"), 3);

  // One of acme's jobs ends (written by the replica running it): exactly one more may start.
  std::optional<v1::Job> running;
  for (const auto& job : records_->load_all())
    if (job.tenant() == "acme" && job.state() == v1::JOB_STATE_RUNNING) running = job;
  ASSERT_TRUE(running.has_value());
  running->set_state(v1::JOB_STATE_SUCCEEDED);
  EXPECT_TRUE(server::JobClaims(url_, running->replica()).save_fenced(*running));
  server::JobClaims a(url_, "replica-a");
  EXPECT_EQ(a.claim()->tenant(), "acme");
  EXPECT_FALSE(a.claim().has_value());
}

TEST_F(JobClaimsTest, AnExpiredLeaseRequeuesTheJobAndFencesTheOldRun) {
  records_->save(queued_job("job-a", 1));
  server::JobClaims a(url_, "replica-a"), b(url_, "replica-b");
  server::ReplicaLeases a_lease(url_, "replica-a"), b_lease(url_, "replica-b");
  a_lease.heartbeat();
  auto first = a.claim();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(b_lease.requeue_orphans(/*lease_seconds=*/60, 3).empty()) << "A's lease is fresh";

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // A falls silent past a 1 s lease
  b_lease.heartbeat();
  const auto requeued = b_lease.requeue_orphans(1.0, 3);
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_EQ(requeued[0].state(), v1::JOB_STATE_QUEUED);
  auto second = b.claim();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->attempt(), 2);
  EXPECT_EQ(second->replica(), "replica-b");

  // A wakes up and writes its progress and a checkpoint event: fenced off, both. B's writes land.
  first->mutable_progress()->set_step(999);
  EXPECT_FALSE(a.owns("job-a", 1)) << "A may not keep a checkpoint now";
  EXPECT_FALSE(a.save_fenced(*first, {server::make_job_event(*first, v1::JobEvent::TYPE_CHECKPOINT_SAVED, "", 999)}));
  EXPECT_TRUE(b.owns("job-a", 2));
  second->mutable_progress()->set_step(10);
  EXPECT_TRUE(b.save_fenced(*second));
  for (const auto& event : records_->events_after("job-a", 0, 100))
    EXPECT_NE(event.checkpoint_step(), 999) << "the superseded run's event is not in the log";
  second->set_state(v1::JOB_STATE_SUCCEEDED);
  EXPECT_TRUE(b.save_fenced(*second));
  EXPECT_FALSE(b.save_fenced(*second)) << "a finished run has no owner left to write";
  const auto saved = records_->load("job-a");
  EXPECT_EQ(saved->state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(saved->progress().step(), 10);
  EXPECT_EQ(saved->attempt(), 2);
}

TEST_F(JobClaimsTest, AJobWhoseReplicasKeepDyingFailsSayingWhy) {
  records_->save(queued_job("job-a", 1));
  server::ReplicaLeases sweeper(url_, "sweeper");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    server::JobClaims dying(url_, "dying-" + std::to_string(attempt));  // never heartbeats
    ASSERT_TRUE(dying.claim().has_value());
    const auto changed = sweeper.requeue_orphans(1.0, 2);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_EQ(changed[0].state(), attempt < 2 ? v1::JOB_STATE_QUEUED : v1::JOB_STATE_FAILED);
  }
  const auto failed = records_->load("job-a");
  EXPECT_EQ(failed->state(), v1::JOB_STATE_FAILED);
  EXPECT_NE(failed->error().find("stopped answering during each of its 2 runs"), std::string::npos) << failed->error();
  EXPECT_NE(failed->error().find("dying-2"), std::string::npos) << failed->error();
}

TEST_F(JobClaimsTest, StopRequestsReachTheOwnerAndModifyChangesQueuedJobsAnywhere) {
  records_->save(queued_job("job-running", 1));
  records_->save(queued_job("job-queued", 2));
  server::JobClaims a(url_, "replica-a"), b(url_, "replica-b");
  ASSERT_EQ(a.claim([](const v1::Job& j) { return j.job_id() == "job-running"; })->job_id(), "job-running");

  EXPECT_FALSE(b.request_stop("job-queued", server::StopRequest::Cancel)) << "not running: nothing to stop";
  EXPECT_TRUE(b.request_stop("job-running", server::StopRequest::Pause));
  const auto asked = a.stop_requests();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].first, "job-running");
  EXPECT_EQ(asked[0].second, server::StopRequest::Pause);
  EXPECT_TRUE(b.stop_requests().empty());

  const auto cancelled = b.modify("job-queued", [](v1::Job& job) -> std::optional<std::string> {
    if (job.state() != v1::JOB_STATE_QUEUED) return std::nullopt;
    job.set_state(v1::JOB_STATE_CANCELLED);
    return "cancelled before it started";
  });
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->state(), v1::JOB_STATE_CANCELLED);
  // The change is in the job's log, numbered after the record's last event.
  const auto logged = records_->events_after("job-queued", 0, 10);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].type(), v1::JobEvent::TYPE_CANCELLED);
  EXPECT_EQ(logged[0].sequence(), 1);
  EXPECT_EQ(logged[0].message(), "cancelled before it started");
  EXPECT_EQ(cancelled->last_event_sequence(), 1);
  EXPECT_FALSE(a.claim().has_value()) << "a cancelled job is never claimed";
  EXPECT_FALSE(b.modify("job-missing", [](v1::Job&) { return std::optional<std::string>("x"); }).has_value());
}

TEST_F(JobClaimsTest, ALoneServerAndFleetReplicasRefuseToShareADatabase) {
  // records_ is a fleet replica's: a lone server is refused...
  try {
    server::PostgresJobDatabase lone(url_);
    FAIL() << "a lone server opened a fleet's database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another siren-server is using the job database"), std::string::npos);
  }
  auto second_replica = std::make_unique<server::PostgresJobDatabase>(url_, false);  // ...another replica is welcome
  records_.reset();
  second_replica.reset();
  server::PostgresJobDatabase lone(url_);  // every replica gone: a lone server may have it
  EXPECT_THROW(server::PostgresJobDatabase(url_, false), std::runtime_error) << "a replica joined a lone server";
}

TEST_F(JobClaimsTest, QueuedAndPausedJobsPastTheirDeadlineFailWhereverTheyWait) {
  const auto with_deadline = [](v1::Job job, int64_t deadline_ms, v1::JobState state = v1::JOB_STATE_QUEUED) {
    job.set_state(state);
    job.mutable_options()->set_deadline_seconds(5);
    job.set_deadline_unix_ms(deadline_ms);
    return job;
  };
  records_->save(with_deadline(queued_job("job-late", 1), 1000));
  records_->save(with_deadline(queued_job("job-paused-late", 2), 1000, v1::JOB_STATE_PAUSED));
  records_->save(with_deadline(queued_job("job-in-time", 3), 9000));
  records_->save(queued_job("job-no-deadline", 4));
  records_->save(with_deadline(queued_job("job-running", 0), 1000));
  server::JobClaims claims(url_, "replica-a");
  ASSERT_EQ(claims.claim([](const v1::Job& j) { return j.job_id() == "job-running"; })->job_id(), "job-running");

  auto failed = claims.expire_overdue(/*now_unix_ms=*/5000);
  std::sort(failed.begin(), failed.end(), [](const v1::Job& a, const v1::Job& b) { return a.job_id() < b.job_id(); });
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].job_id(), "job-late");
  EXPECT_EQ(failed[1].job_id(), "job-paused-late");
  EXPECT_EQ(records_->load("job-late")->state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(records_->load("job-late")->error(), "deadline exceeded: the job's 5 s ran out while it was queued");
  EXPECT_EQ(records_->load("job-paused-late")->error(), "deadline exceeded: the job's 5 s ran out while it was paused");
  EXPECT_EQ(records_->events_after("job-late", 0, 10).back().type(), v1::JobEvent::TYPE_FAILED);
  EXPECT_EQ(records_->load("job-in-time")->state(), v1::JOB_STATE_QUEUED);
  EXPECT_EQ(records_->load("job-running")->state(), v1::JOB_STATE_RUNNING) << "a running fit checks its own deadline";
  EXPECT_TRUE(claims.expire_overdue(5000).empty());
}

TEST_F(JobClaimsTest, AFleetMemberReportsEachJobItTookFromASilentReplica) {
  records_->save(queued_job("job-a", 1));
  {
    server::JobClaims dead(url_, "replica-dead");  // claims, then never heartbeats: no lease at all
    ASSERT_TRUE(dead.claim().has_value());
  }
  std::mutex mu;
  std::vector<v1::Job> requeued;
  server::FleetMember member({url_, "replica-b", /*lease_seconds=*/0.4, 5});
  member.start([](const std::string&, server::StopRequest) {}, {}, [&](const v1::Job& job) {
    std::lock_guard<std::mutex> lock(mu);
    requeued.push_back(job);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!requeued.empty() || std::chrono::steady_clock::now() > deadline) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  member.stop();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(requeued.size(), 1u);
  EXPECT_EQ(requeued[0].job_id(), "job-a");
  EXPECT_EQ(requeued[0].state(), v1::JOB_STATE_QUEUED);
  const auto logged = records_->events_after("job-a", 0, 10);
  ASSERT_FALSE(logged.empty());
  EXPECT_EQ(logged.back().type(), v1::JobEvent::TYPE_QUEUED);
  EXPECT_NE(logged.back().message().find("replica-dead stopped answering"), std::string::npos) << logged.back().message();
}

TEST(FleetMember, ReportsTheDatabaseGoneAndBackForReadiness) {
  if (!PostgresInstance::available()) GTEST_SKIP() << PostgresInstance::kUnavailable;
  PostgresInstance postgres;  // its own: stopped below
  server::FleetMember member({postgres.url(), "replica-a", /*lease_seconds=*/0.4, 5});
  std::mutex mu;
  std::vector<bool> reports;
  member.start([](const std::string&, server::StopRequest) {}, [&](bool reachable) {
    std::lock_guard<std::mutex> lock(mu);
    reports.push_back(reachable);
  });
  const auto wait_for = [&](size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (reports.size() >= count || std::chrono::steady_clock::now() > deadline) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  postgres.stop();
  wait_for(1);
  postgres.start();
  wait_for(2);
  member.stop();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(reports, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace siren::testing
