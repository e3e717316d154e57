// TLS and mutual TLS: certificates are made here with the openssl command line (a CA, a server
// certificate for localhost + 127.0.0.1, a client certificate, and a second "rogue" CA that nobody
// trusts), then real gRPC channels with and without the right credentials call the server.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_server.h"

namespace siren::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The certificates every test shares: openssl is run once per test binary, not once per test.
class Certificates {
 public:
  Certificates() : dir_(make_temp_dir()) {
    make_ca("ca", "siren-test-ca");
    make_ca("rogue-ca", "siren-rogue-ca");
    make_leaf("server", "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    make_leaf("client", "siren-test-client", "ca", "extendedKeyUsage=clientAuth\n");
    make_leaf("rogue-client", "siren-rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n");
  }
  ~Certificates() { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  std::string pem(const std::string& name) const { return read_file(path(name)); }
  const std::string& error() const { return error_; }

 private:
  void openssl(const std::string& args) {
    if (!error_.empty()) return;
    const std::string log = path("openssl.log");
    const std::string command = "cd '" + dir_ + "' && /usr/bin/openssl " + args + " >'" + log + "' 2>&1";
    if (std::system(command.c_str()) != 0) error_ = "openssl " + args + " failed:\n" + read_file(log);
  }
  static std::string new_key(const std::string& name) {
    return "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + ".key";
  }
  void make_ca(const std::string& name, const std::string& common_name) {
    openssl("req -x509 " + new_key(name) + " -out " + name + ".pem -days 2 -subj /CN=" + common_name +
            " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign");
  }
  void make_leaf(const std::string& name, const std::string& common_name, const std::string& ca,
                 const std::string& extensions) {
    std::ofstream(path(name + ".ext")) << extensions;
    openssl("req " + new_key(name) + " -out " + name + ".csr -subj /CN=" + common_name);
    openssl("x509 -req -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca + ".key -CAcreateserial -days 2 -out " +
            name + ".pem -extfile " + name + ".ext");
  }

  std::string dir_;
  std::string error_;
};

const Certificates& certificates() {
  static const Certificates shared;
  return shared;
}

class ServiceTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(certificates().error().empty()) << certificates().error(); }

  static server::ServerOptions tls_options(bool mutual = false) {
    server::ServerOptions options;
    options.tls_cert = certificates().path("server.pem");
    options.tls_key = certificates().path("server.key");
    if (mutual) options.tls_client_ca = certificates().path("ca.pem");
    return options;
  }

  struct Client {
    std::string root;              // PEM file names in the certificate directory; empty = none
    std::string cert;
    std::string key;
    std::string target_name;       // SSL target name override; empty = the host dialled
    std::string token;
  };

  // One ListJobs call over a fresh channel (so no connection is shared between cases).
  static grpc::Status list_jobs(int port, const Client& c, bool tls = true) {
    grpc::ChannelArguments args;
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    if (tls) {
      grpc::SslCredentialsOptions ssl;
      if (!c.root.empty()) ssl.pem_root_certs = certificates().pem(c.root);
      if (!c.cert.empty()) ssl.pem_cert_chain = certificates().pem(c.cert);
      if (!c.key.empty()) ssl.pem_private_key = certificates().pem(c.key);
      if (!c.target_name.empty()) args.SetSslTargetNameOverride(c.target_name);
      credentials = grpc::SslCredentials(ssl);
    }
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), credentials, args);
    auto stub = v1::Siren::NewStub(channel);
    grpc::ClientContext context;
    if (!c.token.empty()) context.AddMetadata("authorization", "Bearer " + c.token);
    // A failed handshake fails fast; the deadline only bounds a hang, which would itself be a bug.
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::ListJobsResponse response;
    return stub->ListJobs(&context, {}, &response);
  }
};

TEST_F(ServiceTls, ClientThatTrustsTheCaCallsRpcs) {
  TestServer server(tls_options());
  const auto status = list_jobs(server.server().port(), {"ca.pem"});
  EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
}

TEST_F(ServiceTls, PlaintextClientIsRefused) {
  TestServer server(tls_options());
  const auto status = list_jobs(server.server().port(), {}, /*tls=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(ServiceTls, ClientThatDoesNotTrustTheCertificateFails) {
  TestServer server(tls_options());
  const auto status = list_jobs(server.server().port(), {"rogue-ca.pem"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(ServiceTls, CertificateMustNameTheHost) {
  TestServer server(tls_options());
  Client other_name{"ca.pem"};
  other_name.target_name = "siren.example.com";
  EXPECT_EQ(list_jobs(server.server().port(), other_name).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The certificate carries DNS:localhost as well as IP:127.0.0.1, so naming it explicitly works.
  Client localhost{"ca.pem"};
  localhost.target_name = "localhost";
  const auto status = list_jobs(server.server().port(), localhost);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServiceTls, MutualTlsNeedsAClientCertificateSignedByTheClientCa) {
  TestServer server(tls_options(/*mutual=*/true));
  const int port = server.server().port();
  const auto without = list_jobs(port, {"ca.pem"});
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAVAILABLE) << without.error_message();
  const auto rogue = list_jobs(port, {"ca.pem", "rogue-client.pem", "rogue-client.key"});
  EXPECT_EQ(rogue.error_code(), grpc::StatusCode::UNAVAILABLE) << rogue.error_message();
  const auto signed_by_ca = list_jobs(port, {"ca.pem", "client.pem", "client.key"});
  EXPECT_TRUE(signed_by_ca.ok()) << signed_by_ca.error_code() << ": " << signed_by_ca.error_message();
}

TEST_F(ServiceTls, TokenIsStillCheckedOverTls) {
  server::ServerOptions options = tls_options(/*mutual=*/true);
  options.token = "s3cret-token";
  TestServer server(options);
  Client client{"ca.pem", "client.pem", "client.key"};
  client.token = "wrong";
  EXPECT_EQ(list_jobs(server.server().port(), client).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  client.token.clear();
  EXPECT_EQ(list_jobs(server.server().port(), client).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  client.token = "s3cret-token";
  const auto status = list_jobs(server.server().port(), client);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ServiceTls, KeyThatDoesNotMatchTheCertificateFailsAtStart) {
  server::ServerOptions options = tls_options();
  options.tls_key = certificates().path("client.key");
  options.host = "127.0.0.1";
  options.port = 0;
  options.data_dir = make_temp_dir();
  server::Server server(options);
  try {
    server.Start();
    ADD_FAILURE() << "a server with another certificate's key started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--tls-key"), std::string::npos) << e.what();
  }
  fs::remove_all(options.data_dir);
}

// check_options: each mistake is refused, and the message names the flag to fix.
TEST_F(ServiceTls, OptionsRefuseHalfSetPairsAndUnreadableFiles) {
  struct Case {
    std::string name;
    server::ServerOptions options;
    std::string message_part;
  };
  std::vector<Case> cases;
  auto add = [&](const std::string& name, const std::string& message_part, auto change) {
    server::ServerOptions options = tls_options(true);
    change(options);
    cases.push_back({name, options, message_part});
  };
  add("cert without key", "only --tls-cert was set", [](auto& o) { o.tls_key.clear(); });
  add("key without cert", "only --tls-key was set", [](auto& o) { o.tls_cert.clear(); });
  add("client CA without TLS", "--tls-client-ca needs --tls-cert",
      [](auto& o) { o.tls_cert.clear(); o.tls_key.clear(); });
  add("missing cert file", "--tls-cert: cannot read", [](auto& o) { o.tls_cert += ".missing"; });
  add("missing key file", "--tls-key: cannot read", [](auto& o) { o.tls_key += ".missing"; });
  add("missing client CA", "--tls-client-ca: cannot read", [](auto& o) { o.tls_client_ca += ".missing"; });
  add("not PEM", "--tls-cert: '", [](auto& o) { o.tls_cert = certificates().path("server.ext"); });
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      server::check_options(c.options);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(server::check_options(tls_options(true)));
  EXPECT_NO_THROW(server::check_options(tls_options(false)));
}

}  // namespace
}  // namespace siren::testing
