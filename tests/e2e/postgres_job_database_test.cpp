// siren-server --database postgresql://…: the job records live in a real PostgreSQL server (started for
// the test, tests/support/postgres_instance.h) and nowhere else; a kill -9 mid-fit loses nothing; a
// second server on the same database is refused; a URL of another kind is a usage error.
#include <signal.h>

#include <filesystem>
#include <thread>

#include "e2e_fixture.h"
#include "postgres_instance.h"

namespace siren::e2e {
namespace {

using testing::PostgresInstance;

class PostgresJobDatabaseE2E : public E2ETest {
 protected:
  void SetUp() override {
    if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
    url_ = PostgresInstance::shared()->url(PostgresInstance::shared()->create_database());
    E2ETest::SetUp();
  }
  std::vector<std::string> extra_server_args() const override { return {"--database", url_}; }
  ProcessResult run_second_server(const std::vector<std::string>& database_args) {
    std::vector<std::string> argv = {SIREN_SERVER_BIN, "--port", "0", "--data-dir", path("other-data")};
    argv.insert(argv.end(), database_args.begin(), database_args.end());
    return run_process(argv, "", std::chrono::seconds(60));
  }

  std::string url_;
};

TEST_F(PostgresJobDatabaseE2E, AKilledServerContinuesTheFitWhoseRecordIsInPostgres) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "32", "--steps", "3000",
                                        "--checkpoint-every", "20", "--seed", "4"};
  const std::string job_id = submit_no_watch(fit);
  ASSERT_FALSE(job_id.empty());

  ASSERT_NO_FATAL_FAILURE(kill_server_after_first_checkpoint(job_id));
  EXPECT_FALSE(std::filesystem::exists(path("data/jobs/jobs.db"))) << "records went to the embedded database";

  start_server();  // the killed server's connection, and its lock on the database, are gone
  const ProcessResult watched = siren({"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << describe(siren_argv({"watch", job_id}), watched) << server_log();
  const json recovered = last_json_line(watched);
  EXPECT_EQ(recovered["state"], "succeeded");
  EXPECT_EQ(recovered["step"], 3000);

  const ProcessResult uninterrupted = siren(fit);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  EXPECT_EQ(recovered["loss"], last_json_line(uninterrupted)["loss"]);
  const ProcessResult jobs = siren({"jobs"});
  EXPECT_NE(jobs.out.find(job_id), std::string::npos) << jobs.out;
}

TEST_F(PostgresJobDatabaseE2E, ASecondServerOnTheSameDatabaseExitsSayingSo) {
  const ProcessResult second = run_second_server({"--database", url_});
  EXPECT_NE(second.exit_code, 0) << second.out;
  EXPECT_NE((second.out + second.err).find("another siren-server is using the job database"), std::string::npos)
      << second.out << second.err;
  EXPECT_TRUE(server_healthy());
}

TEST_F(PostgresJobDatabaseE2E, ADatabaseUrlOfAnotherKindIsAUsageError) {
  const ProcessResult second = run_second_server({"--database", "mysql://siren:hunter2@db/jobs"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("--database takes a postgresql:// URL"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find("hunter2"), std::string::npos) << second.err;
}

}  // namespace
}  // namespace siren::e2e
