// siren-server with --tls-cert/--tls-key (and --tls-client-ca) and the real CLI over loopback, with
// a self-signed certificate made as README's Security paragraph shows.
#include <stdlib.h>

#include <filesystem>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

class E2ETlsTest : public E2ETest {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "siren-e2e-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    cert_dir_ = pattern;
    const ProcessResult made = run_process(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", cert("server.key"), "-out", cert("server.pem")});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(cert_dir_); }

  static std::string cert(const std::string& name) { return cert_dir_ + "/" + name; }

  std::vector<std::string> extra_server_args() const override {
    return {"--tls-cert", cert("server.pem"), "--tls-key", cert("server.key")};
  }

  std::string port() const { return address_.substr(address_.rfind(':') + 1); }

  static std::string cert_dir_;
};

std::string E2ETlsTest::cert_dir_;

class E2EMutualTlsTest : public E2ETlsTest {
 protected:
  // The self-signed certificate doubles as the client CA, so its own key pair is a valid client.
  std::vector<std::string> extra_server_args() const override {
    auto args = E2ETlsTest::extra_server_args();
    args.insert(args.end(), {"--tls-client-ca", cert("server.pem")});
    return args;
  }
};

TEST_F(E2ETlsTest, CliTrustsTheSelfSignedCertificateFromAFlagOrTheEnvironment) {
  const ProcessResult plaintext = siren({"jobs"});
  EXPECT_EQ(plaintext.exit_code, 1) << plaintext.err;
  EXPECT_NE(plaintext.err.find("error: UNAVAILABLE"), std::string::npos) << plaintext.err;

  // System roots do not include a self-signed certificate.
  const ProcessResult system_roots = siren({"jobs", "--tls"});
  EXPECT_EQ(system_roots.exit_code, 1) << system_roots.err;

  const ProcessResult with_ca = siren({"jobs", "--tls-ca", cert("server.pem")});
  EXPECT_EQ(with_ca.exit_code, 0) << with_ca.err;

  const ProcessResult by_name =
      run_process({SIREN_CLI_BIN, "--tls-ca", cert("server.pem"), "--server", "localhost:" + port(), "jobs", "--json"});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.err;

  // The override is what the certificate is checked against: a name it lacks fails.
  const ProcessResult wrong_name = siren({"jobs", "--tls-ca", cert("server.pem"), "--tls-server-name", "siren.example"});
  EXPECT_EQ(wrong_name.exit_code, 1) << wrong_name.err;
  const ProcessResult right_name = siren({"jobs", "--tls-ca", cert("server.pem"), "--tls-server-name", "localhost"});
  EXPECT_EQ(right_name.exit_code, 0) << right_name.err;

  std::vector<std::string> argv = siren_argv({"jobs"});
  argv.insert(argv.begin(), {"/usr/bin/env", "SIREN_TLS_CA=" + cert("server.pem")});
  const ProcessResult from_env = run_process(argv);
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;

  const ProcessResult missing = siren({"jobs", "--tls-ca", cert("missing.pem")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("error: --tls-ca"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("missing.pem"), std::string::npos) << missing.err;
}

TEST_F(E2EMutualTlsTest, CliNeedsItsClientCertificate) {
  const ProcessResult without = siren({"jobs", "--tls-ca", cert("server.pem")});
  EXPECT_EQ(without.exit_code, 1) << without.err;

  const ProcessResult half = siren({"jobs", "--tls-ca", cert("server.pem"), "--tls-cert", cert("server.pem")});
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.err.find("--tls-cert and --tls-key go together"), std::string::npos) << half.err;

  const ProcessResult with_cert = siren(
      {"jobs", "--tls-ca", cert("server.pem"), "--tls-cert", cert("server.pem"), "--tls-key", cert("server.key")});
  EXPECT_EQ(with_cert.exit_code, 0) << with_cert.err;

  std::vector<std::string> argv = siren_argv({"jobs"});
  argv.insert(argv.begin(), {"/usr/bin/env", "SIREN_TLS_CA=" + cert("server.pem"),
                             "SIREN_TLS_CERT=" + cert("server.pem"), "SIREN_TLS_KEY=" + cert("server.key")});
  const ProcessResult from_env = run_process(argv);
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
}

}  // namespace
}  // namespace siren::e2e
