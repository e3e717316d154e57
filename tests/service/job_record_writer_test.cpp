// The write-behind for job records: a saved record is visible at once (pending) and on disk after flush;
// the newest record of a job wins; a failed write keeps the record and retries it; forget drops it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "job_record_writer.h"
#include "job_store.h"
#include "test_server.h"

namespace siren::testing {
namespace {

namespace fs = std::filesystem;

v1::Job record(const std::string& id, v1::JobState state) {
  v1::Job job;
  job.set_job_id(id);
  job.set_state(state);
  job.set_created_unix_ms(1000);
  return job;
}

class JobRecordWriterTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_ = make_temp_dir();
};

TEST_F(JobRecordWriterTest, NewestRecordIsPendingThenWritten) {
  server::JobStore store(dir_);
  server::JobRecordWriter writer([&](const v1::Job& job, const std::vector<v1::JobEvent>& events) { store.save(job, events); });
  writer.start();
  writer.save(record("job-a", v1::JOB_STATE_QUEUED));
  writer.save(record("job-a", v1::JOB_STATE_SUCCEEDED));
  const auto pending = writer.pending("job-a");
  if (pending) EXPECT_EQ(pending->state(), v1::JOB_STATE_SUCCEEDED);  // unless already written
  writer.flush();
  EXPECT_FALSE(writer.pending("job-a"));
  ASSERT_TRUE(store.load("job-a"));
  EXPECT_EQ(store.load("job-a")->state(), v1::JOB_STATE_SUCCEEDED);
}

TEST(JobRecordWriter, AFailedWriteKeepsTheRecordVisibleAndRetriesIt) {
  std::atomic<int> failures_left{2};
  std::mutex mu;
  std::vector<v1::Job> written;
  server::JobRecordWriter writer([&](const v1::Job& job, const std::vector<v1::JobEvent>&) {
    if (failures_left-- > 0) throw std::runtime_error("No space left on device");
    std::lock_guard<std::mutex> lock(mu);
    written.push_back(job);
  });
  writer.start();
  writer.save(record("job-a", v1::JOB_STATE_FAILED));
  writer.flush();  // the first try failed: still pending, still visible
  ASSERT_TRUE(writer.pending("job-a"));
  EXPECT_EQ(writer.pending("job-a")->state(), v1::JOB_STATE_FAILED);
  for (int i = 0; i < 100 && writer.pending("job-a"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(writer.pending("job-a")) << "not retried within 5 s";
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].job_id(), "job-a");
}

TEST_F(JobRecordWriterTest, ForgetDropsAQueuedRecord) {
  server::JobRecordWriter writer([](const v1::Job&, const std::vector<v1::JobEvent>&) { FAIL() << "not started: nothing is written"; });
  writer.save(record("job-a", v1::JOB_STATE_PAUSED));
  EXPECT_TRUE(writer.pending("job-a"));
  writer.forget("job-a");
  EXPECT_FALSE(writer.pending("job-a"));
  EXPECT_TRUE(writer.all_pending().empty());
}

}  // namespace
}  // namespace siren::testing
