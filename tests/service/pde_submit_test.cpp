// Tasks without input (helmholtz, wave) through the real SubmitFit path: the spec alone makes a job,
// and the task itself, not the server, decides that input is unwanted.
#include "test_server.h"

namespace siren::testing {
namespace {

v1::FitSpec tiny_helmholtz_spec() {
  v1::FitSpec spec;
  spec.set_task(v1::TASK_KIND_HELMHOLTZ);
  (*spec.mutable_task_options())["sidelength"] = "12";  // 144 points per step
  spec.mutable_model()->set_hidden_features(16);
  spec.mutable_model()->set_hidden_layers(1);
  spec.mutable_train()->set_steps(3);
  spec.mutable_train()->set_checkpoint_every(0);
  return spec;
}

TEST(ServicePde, HelmholtzFitNeedsNoInput) {
  TestServer server;
  const SubmitResult submitted = submit_fit(server.stub(), tiny_helmholtz_spec(), "");
  ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
  const v1::Job job = wait_for_job(server.stub(), submitted.job.job_id());
  EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
  EXPECT_FALSE(job.model_id().empty());
  EXPECT_EQ(job.spec().train().learning_rate(), 2e-5);  // the helmholtz preset filled in

  // Input for a task that takes none is refused by the task, with its reason.
  const SubmitResult with_input = submit_fit(server.stub(), tiny_helmholtz_spec(), "some bytes");
  EXPECT_EQ(with_input.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(with_input.status.error_message().find("takes no input file"), std::string::npos)
      << with_input.status.error_message();
  expect_server_alive(server.stub());
}

}  // namespace
}  // namespace siren::testing
