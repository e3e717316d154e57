#pragma once
// Bearer-token check for every RPC. Done in the RPC guard rather than with an
// AuthMetadataProcessor, which gRPC only consults on secure (TLS) credentials.
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <string>

namespace siren::server {

class TokenAuth {
 public:
  explicit TokenAuth(std::string token) : token_(std::move(token)) {}
  bool enabled() const { return !token_.empty(); }
  // OK, or UNAUTHENTICATED saying what metadata is expected.
  grpc::Status check(const grpc::ServerContext& context) const;

 private:
  std::string token_;
};

}  // namespace siren::server
