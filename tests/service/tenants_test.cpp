// Tenants (--tenants FILE): the file's mistakes are named with their line; each tenant's token is
// accepted and marks its jobs; at most QUOTA of a tenant's jobs run at once while other jobs go on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tenants.h"
#include "test_server.h"

namespace siren::testing {
namespace {

constexpr const char* kAcmeToken = "acme-token-0123456789";
constexpr const char* kFreeToken = "free-token-0123456789";

std::string write_tenants(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/tenants";
  std::ofstream(path) << text;
  return path;
}

TEST(TenantsFile, ReadsNamesQuotasAndTokensAndNamesTheLineOfAMistake) {
  const std::string dir = make_temp_dir();
  const auto tenants = server::read_tenants_file(
      write_tenants(dir, "# name quota token\n\nacme 2 " + std::string(kAcmeToken) + "\nfree - " + kFreeToken + "\n"));
  ASSERT_EQ(tenants.size(), 2u);
  EXPECT_EQ(tenants[0].name, "acme");
  EXPECT_EQ(tenants[0].quota, 2);
  EXPECT_EQ(tenants[0].token, kAcmeToken);
  EXPECT_FALSE(tenants[1].quota.has_value());
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"acme two " + std::string(kAcmeToken), "line 1: quota 'two'"},
           {"acme -1 " + std::string(kAcmeToken), "quota '-1'"},
           {"acme 1\n", "expected three fields"},
           {"acme 1 short", "shorter than 16"},
           {"acme 1 " + std::string(kAcmeToken) + "\nacme 1 " + kFreeToken, "line 2: tenant acme appears twice"},
           {"acme 1 " + std::string(kAcmeToken) + "\nfree 1 " + kAcmeToken, "share a token"}}) {
    try {
      server::read_tenants_file(write_tenants(dir, text));
      ADD_FAILURE() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(server::read_tenants_file(dir + "/missing"), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

class TenantsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options;
    options.tenants_file =
        write_tenants(dir_, "acme 1 " + std::string(kAcmeToken) + "\nfree - " + std::string(kFreeToken) + "\n");
    options.workers = 3;
    options.max_pack = 1;
    server_ = std::make_unique<TestServer>(options);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<v1::Job> list(const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ListJobsResponse response;
    EXPECT_TRUE(server_->stub().ListJobs(&context, v1::ListJobsRequest{}, &response).ok());
    return {response.jobs().begin(), response.jobs().end()};
  }
  std::string submit(const std::string& token, int64_t steps) {
    std::vector<v1::SubmitFitRequest> messages(2);
    *messages[0].mutable_spec() = tiny_image_spec(steps);
    messages[1].set_input_chunk(gradient_png(16, 16));
    const auto result = submit_messages(server_->stub(), messages, token);
    EXPECT_TRUE(result.status.ok()) << result.status.error_message();
    return result.job.job_id();
  }

  std::string dir_ = make_temp_dir();
  std::unique_ptr<TestServer> server_;
};

TEST_F(TenantsServer, ATenantsQuotaHoldsWhileOtherTenantsJobsRun) {
  std::vector<std::string> acme;
  for (int i = 0; i < 3; ++i) acme.push_back(submit(kAcmeToken, 3000));
  const std::string free_job = submit(kFreeToken, 3000);
  int most_acme_running = 0;
  bool free_ran_beside_acme = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    int acme_running = 0, finished = 0;
    bool free_running = false;
    for (const auto& job : list(kFreeToken)) {
      if (job.tenant() == "acme" && job.state() == v1::JOB_STATE_RUNNING) ++acme_running;
      if (job.job_id() == free_job && job.state() == v1::JOB_STATE_RUNNING) free_running = true;
      if (wire::is_final_state(job.state())) {
        EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
        ++finished;
      }
    }
    most_acme_running = std::max(most_acme_running, acme_running);
    free_ran_beside_acme = free_ran_beside_acme || (free_running && acme_running == 1);
    if (finished == 4 || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(most_acme_running, 1) << "acme's quota is 1";
  EXPECT_TRUE(free_ran_beside_acme) << "a tenant at its quota must not hold up the others (3 workers)";
  for (const auto& job : list(kAcmeToken)) {
    EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED);
    EXPECT_EQ(job.tenant(), job.job_id() == free_job ? "free" : "acme");
  }
}

TEST_F(TenantsServer, OnlyTheTenantsTokensAreAccepted) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer not-a-tenant-token");
  v1::ListJobsResponse response;
  const auto status = server_->stub().ListJobs(&context, v1::ListJobsRequest{}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace siren::testing
