// The SQLite job store on its own: records round-trip, replace, survive reopening, disappear on
// remove; a record that does not parse is skipped, not fatal; old job.json directories are imported.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "job_store.h"
#include "test_server.h"

namespace siren::testing {
namespace {

namespace fs = std::filesystem;

v1::Job job_record(const std::string& id, v1::JobState state, int64_t created_ms) {
  v1::Job job;
  job.set_job_id(id);
  job.set_state(state);
  job.set_created_unix_ms(created_ms);
  job.mutable_spec()->set_name("store test " + id);
  job.mutable_progress()->set_step(7);
  job.mutable_options()->set_request_id("req-" + id);
  return job;
}

class JobStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_ = make_temp_dir();
};

TEST_F(JobStoreTest, RecordsRoundTripInCreationOrderAndSurviveReopening) {
  {
    server::JobStore store(dir_);
    store.save(job_record("job-b", v1::JOB_STATE_RUNNING, 2000));
    store.save(job_record("job-a", v1::JOB_STATE_QUEUED, 1000));
    v1::Job updated = job_record("job-b", v1::JOB_STATE_SUCCEEDED, 2000);
    updated.set_model_id("model-x");
    store.save(updated);  // replaces, never duplicates
  }
  server::JobStore reopened(dir_);
  const auto jobs = reopened.load_all();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].job_id(), "job-a");
  EXPECT_EQ(jobs[0].state(), v1::JOB_STATE_QUEUED);
  EXPECT_EQ(jobs[0].options().request_id(), "req-job-a");
  EXPECT_EQ(jobs[1].job_id(), "job-b");
  EXPECT_EQ(jobs[1].state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(jobs[1].model_id(), "model-x");
  EXPECT_EQ(jobs[1].progress().step(), 7);
  EXPECT_TRUE(fs::exists(reopened.database_path()));
}

TEST_F(JobStoreTest, RemoveDeletesTheRecordAndTheJobDirectory) {
  server::JobStore store(dir_);
  store.create("job-a");
  store.save(job_record("job-a", v1::JOB_STATE_FAILED, 1));
  ASSERT_TRUE(fs::is_directory(store.checkpoint_dir("job-a")));
  store.remove("job-a");
  EXPECT_TRUE(store.load_all().empty());
  EXPECT_FALSE(fs::exists(store.dir_of("job-a")));
}

TEST_F(JobStoreTest, ARecordThatDoesNotParseIsSkipped) {
  {
    server::JobStore store(dir_);
    store.save(job_record("job-good", v1::JOB_STATE_QUEUED, 1));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((fs::path(dir_) / "jobs.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO jobs VALUES ('job-bad', 1, 2, x'ffffffff0a')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  server::JobStore store(dir_);
  const auto jobs = store.load_all();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_id(), "job-good");
}

TEST_F(JobStoreTest, ImportsJobJsonFromDataDirectoriesWrittenBeforeTheDatabase) {
  fs::create_directories(fs::path(dir_) / "job-old");
  std::ofstream(fs::path(dir_) / "job-old" / "job.json")
      << R"({"jobId": "job-old", "state": "JOB_STATE_SUCCEEDED", "modelId": "model-old", "createdUnixMs": "5"})";
  fs::create_directories(fs::path(dir_) / "job-mismatch");
  std::ofstream(fs::path(dir_) / "job-mismatch" / "job.json") << R"({"jobId": "job-other"})";

  server::JobStore store(dir_);
  const auto jobs = store.load_all();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_id(), "job-old");
  EXPECT_EQ(jobs[0].model_id(), "model-old");
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "job-old" / "job.json"));  // imported once
  EXPECT_EQ(server::JobStore(dir_).load_all().size(), 1u);
}

TEST_F(JobStoreTest, AnUnwritableDatabaseFailsWithItsPath) {
  fs::create_directories(fs::path(dir_) / "jobs.db");  // a directory where the file should be
  try {
    server::JobStore store(dir_);
    FAIL() << "opened a database over a directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("jobs.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace siren::testing
