#include "connection.h"

#include <fstream>
#include <sstream>

#include "rpc_error.h"
#include "siren/wire/retry_policy.h"

namespace siren::cli {

namespace {
// Query responses and download chunks are the largest messages; gRPC's 4 MiB receive default is
// too tight for 65536-point queries of wide fields.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// `what` names both the flag and its environment variable: the path may have come from either.
std::string read_pem(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(what + ": cannot read '" + path + "'; give the path of a readable PEM file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    throw CommandError(what + ": '" + path + "' is not a PEM file (no '-----BEGIN' line)");
  }
  return text.str();
}

std::shared_ptr<grpc::ChannelCredentials> credentials(const GlobalOptions& o, grpc::ChannelArguments& args) {
  if (!o.use_tls()) return grpc::InsecureChannelCredentials();
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    throw CommandError("--tls-cert and --tls-key go together: give both (the client certificate and its key) for "
                       "a server that requires mutual TLS, or neither");
  }
  grpc::SslCredentialsOptions ssl;  // empty pem_root_certs: gRPC's default roots
  if (!o.tls_ca.empty()) ssl.pem_root_certs = read_pem(o.tls_ca, "--tls-ca ($SIREN_TLS_CA)");
  if (!o.tls_cert.empty()) {
    ssl.pem_cert_chain = read_pem(o.tls_cert, "--tls-cert ($SIREN_TLS_CERT)");
    ssl.pem_private_key = read_pem(o.tls_key, "--tls-key ($SIREN_TLS_KEY)");
  }
  if (!o.tls_server_name.empty()) args.SetSslTargetNameOverride(o.tls_server_name);
  return grpc::SslCredentials(ssl);
}
}  // namespace

Connection::Connection(const GlobalOptions& options) : token_(options.token) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  wire::use_retry_policy(args);
  auto channel_credentials = credentials(options, args);
  channel_ = grpc::CreateCustomChannel(options.server, channel_credentials, args);
  stub_ = v1::Siren::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> Connection::context(
    std::optional<std::chrono::seconds> deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", "Bearer " + token_);
  if (deadline) context->set_deadline(std::chrono::system_clock::now() + *deadline);
  return context;
}

}  // namespace siren::cli
