// With a token configured, every RPC needs "authorization: Bearer <token>".
#include "test_server.h"

namespace siren::testing {
namespace {

constexpr const char* kToken = "s3cret-token";

TestServer* token_server() {
  server::ServerOptions options;
  options.token = kToken;
  return new TestServer(options);
}

grpc::Status list_jobs(v1::Siren::Stub& stub, const std::string& authorization) {
  grpc::ClientContext context;
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  v1::ListJobsResponse response;
  return stub.ListJobs(&context, {}, &response);
}

TEST(ServiceAuth, MissingOrWrongTokenIsUnauthenticated) {
  std::unique_ptr<TestServer> server(token_server());
  struct Case {
    std::string authorization;
    std::string message_part;
  };
  for (const Case& c : {Case{"", "requires a token"}, Case{"Bearer wrong", "invalid token"},
                        Case{"s3cret-token", "invalid token"}, Case{"Basic s3cret-token", "invalid token"},
                        Case{"Bearer s3cret-token-and-more", "invalid token"}}) {
    SCOPED_TRACE("authorization: '" + c.authorization + "'");
    const auto status = list_jobs(server->stub(), c.authorization);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(status.error_message().find(c.message_part), std::string::npos) << status.error_message();
  }
  EXPECT_TRUE(list_jobs(server->stub(), std::string("Bearer ") + kToken).ok());
}

TEST(ServiceAuth, StreamingRpcsNeedTheTokenToo) {
  std::unique_ptr<TestServer> server(token_server());
  v1::SubmitFitRequest spec;
  *spec.mutable_spec() = tiny_image_spec(5);
  v1::SubmitFitRequest input;
  input.set_input_chunk(gradient_png(8, 8));
  EXPECT_EQ(submit_messages(server->stub(), {spec, input}).status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The right token gets through to the real checks (here: a queued job).
  const auto ok = submit_messages(server->stub(), {spec, input}, kToken);
  EXPECT_TRUE(ok.status.ok()) << ok.status.error_message();

  grpc::ClientContext context;
  v1::WatchJobRequest request;
  request.set_job_id("job-000000000000");
  auto reader = server->stub().WatchJob(&context, request);
  v1::JobEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST(ServiceAuth, NonLoopbackHostWithoutTokenRefusesToStart) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.host = "0.0.0.0";  // beyond loopback, no --token
  options.port = 0;
  options.data_dir = dir;
  server::Server server(options);
  try {
    server.Start();
    ADD_FAILURE() << "a server beyond loopback started without a token";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--token"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--generate-token"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/token"));
  std::filesystem::remove_all(dir);
}

TEST(ServiceAuth, GeneratedTokenIsKeptAndRequired) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.host = "0.0.0.0";
  options.port = 0;
  options.data_dir = dir;
  options.generate_token = true;
  std::string token;
  {
    server::Server server(options);
    server.Start();
    token = server.options().token;
    ASSERT_EQ(token.size(), 64u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    const auto perms = std::filesystem::status(dir + "/token").permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);

    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials());
    auto stub = v1::Siren::NewStub(channel);
    v1::ListJobsResponse jobs;
    grpc::ClientContext anonymous;
    EXPECT_EQ(stub->ListJobs(&anonymous, {}, &jobs).error_code(), grpc::StatusCode::UNAUTHENTICATED);
    grpc::ClientContext authorised;
    authorised.AddMetadata("authorization", "Bearer " + token);
    EXPECT_TRUE(stub->ListJobs(&authorised, {}, &jobs).ok());
    server.GracefulStop(std::chrono::seconds(5));
  }
  {
    options.generate_token = false;  // the kept token counts as configured: the same one after a restart
    server::Server again(options);
    again.Start();
    EXPECT_EQ(again.options().token, token);
    again.GracefulStop(std::chrono::seconds(5));
  }
  options.host = "127.0.0.1";  // loopback: no token unless one is given
  server::Server local(options);
  local.Start();
  EXPECT_TRUE(local.options().token.empty());
  local.GracefulStop(std::chrono::seconds(5));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siren::testing
