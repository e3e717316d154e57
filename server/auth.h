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
  grpc::Status check(const grpc::ServerContextBase& context) const;

 private:
  std::string token_;
};

// The token of a server that listens beyond loopback and was given none: read from `path`, or made
// (256 random bits, hex) and written there, readable by its owner only, on the first start.
// Throws std::runtime_error if the file can be neither read nor written.
std::string load_or_create_token(const std::string& path);

}  // namespace siren::server
