#pragma once
// An error that already knows its gRPC status code. Thrown inside the server's own layers (job
// manager, model store) for conditions core's InvalidInput/NotFound do not express; the RPC guard
// turns it into a grpc::Status at the boundary.
#include <grpcpp/support/status.h>

#include <stdexcept>
#include <string>

namespace siren::server {

class RpcError : public std::runtime_error {
 public:
  RpcError(grpc::StatusCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  grpc::StatusCode code() const { return code_; }
  grpc::Status status() const { return grpc::Status(code_, what()); }

 private:
  grpc::StatusCode code_;
};

}  // namespace siren::server
