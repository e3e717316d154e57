#include "connection.h"

namespace siren::cli {

namespace {
// Query responses and download chunks are the largest messages; gRPC's 4 MiB receive default is
// too tight for 65536-point queries of wide fields.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;
}  // namespace

Connection::Connection(const GlobalOptions& options) : token_(options.token) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // Loopback and LAN deployments only: the server speaks plaintext gRPC.
  channel_ = grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
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
