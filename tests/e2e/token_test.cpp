// A server started with --token: the CLI sends `authorization: Bearer <token>` from --token or
// $SIREN_TOKEN, and a missing or wrong token is an UNAUTHENTICATED error with exit code 1.
#include <unistd.h>

#include <filesystem>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

class E2ETokenTest : public E2ETest {
 protected:
  std::vector<std::string> extra_server_args() const override { return {"--token", "s3cret"}; }
};

TEST_F(E2ETokenTest, TokenComesFromTheFlagOrTheEnvironment) {
  const ProcessResult without = siren({"jobs"});
  EXPECT_EQ(without.exit_code, 1);
  EXPECT_NE(without.err.find("error: UNAUTHENTICATED"), std::string::npos) << without.err;

  const ProcessResult wrong = siren({"jobs", "--token", "guess"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("UNAUTHENTICATED"), std::string::npos) << wrong.err;

  const ProcessResult flag = siren({"jobs", "--token", "s3cret"});
  EXPECT_EQ(flag.exit_code, 0) << flag.err;

  // The fixture strips SIREN_TOKEN from children; `env` puts it back for this one command.
  std::vector<std::string> argv = siren_argv({"jobs"});
  argv.insert(argv.begin(), {"/usr/bin/env", "SIREN_TOKEN=s3cret"});
  const ProcessResult from_env = run_process(argv);
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  // A global option works before the command as well as after it.
  const ProcessResult before = run_process(
      {SIREN_CLI_BIN, "--token", "s3cret", "--server", address_, "jobs", "--json"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
}

// Beyond loopback without a token the binary refuses to start, saying which flags would fix it.
TEST(E2EServerStart, NonLoopbackWithoutTokenRefusesToStart) {
  const std::string data_dir = (std::filesystem::temp_directory_path() /
                                ("siren-e2e-notoken-" + std::to_string(::getpid()))).string();
  const ProcessResult refused = run_process(
      {"/usr/bin/env", "-u", "SIREN_TOKEN", SIREN_SERVER_BIN, "--host", "0.0.0.0", "--port", "0", "--data-dir", data_dir});
  EXPECT_NE(refused.exit_code, 0);
  const std::string said = refused.out + refused.err;
  EXPECT_NE(said.find("refusing to listen on 0.0.0.0 without a token"), std::string::npos) << said;
  EXPECT_NE(said.find("--generate-token"), std::string::npos) << said;
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace siren::e2e
