// The job database's contract, on both backends (the embedded SQLite file and a real PostgreSQL server
// started for the test): records round-trip, replace, survive reopening, come back oldest first, go on
// remove; a record that does not parse is skipped. Then what only PostgreSQL has: one server per database,
// a restarted database server, an unreachable one, and passwords kept out of messages.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "job_database.h"
#include "job_events.h"
#include "postgres_instance.h"
#include "postgres_job_database.h"
#include "test_server.h"

namespace siren::testing {
namespace {

namespace fs = std::filesystem;

v1::Job job_record(const std::string& id, v1::JobState state, int64_t created_ms) {
  v1::Job job;
  job.set_job_id(id);
  job.set_state(state);
  job.set_created_unix_ms(created_ms);
  job.mutable_spec()->set_name("database test " + id);
  job.mutable_progress()->set_step(7);
  return job;
}

std::string fresh_database() { return PostgresInstance::shared()->create_database(); }

// "sqlite" or "postgres": the same tests on both.
class JobDatabaseContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
      url_ = PostgresInstance::shared()->url(fresh_database());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<server::JobDatabase> open() const {
    return server::open_job_database(url_, (fs::path(dir_) / "jobs.db").string());
  }

  std::string dir_ = make_temp_dir();
  std::string url_;  // "" = SQLite
};

TEST_P(JobDatabaseContract, RecordsRoundTripOldestFirstReplaceAndSurviveReopening) {
  {
    auto db = open();
    db->save(job_record("job-b", v1::JOB_STATE_RUNNING, 2000));
    db->save(job_record("job-a", v1::JOB_STATE_QUEUED, 1000));
    db->save(job_record("job-c", v1::JOB_STATE_QUEUED, 1000));  // same time: by id
    v1::Job updated = job_record("job-b", v1::JOB_STATE_SUCCEEDED, 2000);
    updated.set_model_id("model-x");
    db->save(updated);  // replaces, never duplicates
  }
  auto reopened = open();
  const auto jobs = reopened->load_all();
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].job_id(), "job-a");
  EXPECT_EQ(jobs[1].job_id(), "job-c");
  EXPECT_EQ(jobs[2].job_id(), "job-b");
  EXPECT_EQ(jobs[2].state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(jobs[2].model_id(), "model-x");
  EXPECT_EQ(jobs[2].progress().step(), 7);
  const auto one = reopened->load("job-b");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->model_id(), "model-x");
  EXPECT_FALSE(reopened->load("job-missing").has_value());
}

TEST_P(JobDatabaseContract, EventsAreLoggedWithTheirRecordNumberedAndForgottenWithIt) {
  v1::Job job = job_record("job-a", v1::JOB_STATE_QUEUED, 1);
  std::vector<v1::JobEvent> events = {server::make_job_event(job, v1::JobEvent::TYPE_QUEUED, "queued")};
  {
    auto db = open();
    db->save(job, events);
    job.set_state(v1::JOB_STATE_RUNNING);
    events = {server::make_job_event(job, v1::JobEvent::TYPE_STARTED, "started")};
    for (int step = 100; step <= 300; step += 100) {
      job.set_last_checkpoint_step(step);
      events.push_back(server::make_job_event(job, v1::JobEvent::TYPE_CHECKPOINT_SAVED, "checkpoint", step));
    }
    db->save(job, events);
    db->save(job, events);  // a retried write (its reply lost) adds nothing
    db->save(job_record("job-b", v1::JOB_STATE_QUEUED, 2), {});
  }
  auto db = open();
  EXPECT_EQ(db->load("job-a")->last_event_sequence(), 5);
  const auto all = db->events_after("job-a", 0, 100);
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].sequence(), static_cast<int64_t>(i + 1));
  EXPECT_EQ(all[0].type(), v1::JobEvent::TYPE_QUEUED);
  EXPECT_EQ(all[0].job().state(), v1::JOB_STATE_QUEUED) << "each event holds the job as it was after it";
  EXPECT_EQ(all[4].checkpoint_step(), 300);
  const auto missed = db->events_after("job-a", 2, 100);
  ASSERT_EQ(missed.size(), 3u);
  EXPECT_EQ(missed.front().sequence(), 3);
  const auto newest = db->events_after("job-a", 0, 2);
  ASSERT_EQ(newest.size(), 2u) << "a limit keeps the newest";
  EXPECT_EQ(newest[0].sequence(), 4);
  EXPECT_EQ(newest[1].sequence(), 5);
  EXPECT_TRUE(db->events_after("job-a", 5, 100).empty());
  EXPECT_TRUE(db->events_after("job-b", 0, 100).empty());
  db->remove("job-a");
  EXPECT_TRUE(db->events_after("job-a", 0, 100).empty());
}

TEST_P(JobDatabaseContract, RemoveForgetsOneRecord) {
  auto db = open();
  db->save(job_record("job-a", v1::JOB_STATE_FAILED, 1));
  db->save(job_record("job-b", v1::JOB_STATE_FAILED, 2));
  db->remove("job-a");
  db->remove("job-never-saved");  // not an error
  const auto jobs = db->load_all();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_id(), "job-b");
  EXPECT_FALSE(db->load("job-a").has_value());
}

TEST_P(JobDatabaseContract, LargeRecordsWithAnyBytesRoundTrip) {
  auto db = open();
  v1::Job job = job_record("job-big", v1::JOB_STATE_QUEUED, 1);
  std::string name;  // NUL bytes and multi-byte characters, in a record of 1 MB
  while (name.size() < 1'000'000) name += std::string("\xc3\xa9\0\xe6\xbc\xa2x", 7) + std::to_string(name.size());
  job.set_error(name);
  db->save(job);
  const auto back = db->load("job-big");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->error(), name);
}

TEST_P(JobDatabaseContract, ARecordThatDoesNotParseIsSkipped) {
  {
    auto db = open();
    db->save(job_record("job-good", v1::JOB_STATE_QUEUED, 1));
  }
  if (url_.empty()) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((fs::path(dir_) / "jobs.db").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "INSERT INTO jobs VALUES ('job-bad', 1, 2, x'ffffffff0a')", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  } else {
    PostgresInstance::shared()->psql(url_.substr(url_.rfind('/') + 1),
                                     "INSERT INTO jobs VALUES ('job-bad', 1, 2, '\\xffffffff0a'::bytea);");
  }
  auto db = open();
  const auto jobs = db->load_all();
  ASSERT_GE(jobs.size(), 1u);
  EXPECT_EQ(jobs.back().job_id(), "job-good");
  EXPECT_FALSE(db->load("job-bad").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, JobDatabaseContract, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

class PostgresJobDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresInstance::available()) GTEST_SKIP() << PostgresInstance::kUnavailable;
  }
};

TEST_F(PostgresJobDatabaseTest, ASecondServerOnTheSameDatabaseIsRefusedUntilTheFirstCloses) {
  const std::string url = PostgresInstance::shared()->url(fresh_database());
  auto first = std::make_unique<server::PostgresJobDatabase>(url);
  try {
    server::PostgresJobDatabase second(url);
    FAIL() << "two servers opened one database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("another siren-server is using the job database"), std::string::npos)
        << e.what();
  }
  // Another database on the same PostgreSQL server is fine.
  server::PostgresJobDatabase other(PostgresInstance::shared()->url(fresh_database()));
  first.reset();
  server::PostgresJobDatabase second(url);  // the lock went with the first's connection
  second.save(job_record("job-a", v1::JOB_STATE_QUEUED, 1));
  EXPECT_TRUE(second.load("job-a").has_value());
}

TEST_F(PostgresJobDatabaseTest, ARestartedDatabaseServerLosesNothingAndTheConnectionComesBack) {
  PostgresInstance postgres;  // its own: this test restarts it
  server::PostgresJobDatabase db(postgres.url());
  db.save(job_record("job-before", v1::JOB_STATE_RUNNING, 1));
  postgres.stop();  // as a crash
  EXPECT_THROW(db.save(job_record("job-during", v1::JOB_STATE_RUNNING, 2)), std::runtime_error);
  postgres.start();
  db.save(job_record("job-after", v1::JOB_STATE_RUNNING, 3));  // reconnects, takes the lock again
  const auto jobs = db.load_all();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].job_id(), "job-before");
  EXPECT_EQ(jobs[1].job_id(), "job-after");
  // Still the only server: the lock was taken again on the new connection.
  EXPECT_THROW(server::PostgresJobDatabase second(postgres.url()), std::runtime_error);
}

TEST_F(PostgresJobDatabaseTest, AnUnreachableDatabaseFailsNamingItWithoutItsPassword) {
  const int port = PostgresInstance::shared()->port();
  const std::string url = "postgresql://siren:hunter2@127.0.0.1:1/jobs?connect_timeout=2";
  try {
    server::PostgresJobDatabase db(url);
    FAIL() << "connected to port 1";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:1/jobs"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
  // A database that does not exist on a running server: PostgreSQL's own words.
  try {
    server::PostgresJobDatabase db("postgresql://siren@127.0.0.1:" + std::to_string(port) + "/no_such_database");
    FAIL() << "opened a database that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_database"), std::string::npos) << e.what();
  }
}

TEST(DatabaseUrl, PasswordsAreRedactedWhereverTheyAre) {
  EXPECT_EQ(server::redact_database_url("postgresql://siren:s3cret@db:5432/jobs"), "postgresql://siren:***@db:5432/jobs");
  EXPECT_EQ(server::redact_database_url("postgres://siren@db/jobs?sslmode=require&password=s3cret"),
            "postgres://siren@db/jobs?sslmode=require&password=***");
  EXPECT_EQ(server::redact_database_url("postgresql://db/jobs"), "postgresql://db/jobs");
  EXPECT_TRUE(server::is_postgres_url("postgresql://db/jobs"));
  EXPECT_TRUE(server::is_postgres_url("postgres://db/jobs"));
  EXPECT_FALSE(server::is_postgres_url("mysql://db/jobs"));
  EXPECT_THROW(server::open_job_database("mysql://u:p@db/jobs", "/unused"), std::runtime_error);
}

}  // namespace
}  // namespace siren::testing
