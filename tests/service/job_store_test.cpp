// The job store's files around its database (job_database_test.cpp tests the records themselves): remove
// takes the directory too, old job.json directories are imported, an unopenable database names its path.
#include <gtest/gtest.h>

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

TEST_F(JobStoreTest, RemoveDeletesTheRecordAndTheJobDirectory) {
  server::JobStore store(dir_);
  store.create("job-a");
  store.save(job_record("job-a", v1::JOB_STATE_FAILED, 1));
  ASSERT_TRUE(fs::is_directory(store.checkpoint_dir("job-a")));
  store.remove("job-a");
  EXPECT_TRUE(store.load_all().empty());
  EXPECT_FALSE(fs::exists(store.dir_of("job-a")));
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
