#pragma once
// The one place where RPCs meet errors: checks the token, runs the handler, turns exceptions into
// statuses (InvalidInput -> INVALID_ARGUMENT, NotFound -> NOT_FOUND, RpcError -> its code, anything
// else -> INTERNAL), logs failures, and counts every call for /metrics.
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>

namespace siren::server {

class Metrics;
class TokenAuth;

// A request that does not parse as its message type (unary and server-streaming RPCs) never reaches a
// handler: gRPC answers it by itself, with INTERNAL and an empty message (its deserializer reports
// InitializationErrorString(), always empty for proto3). This installs, process-wide and once, a server
// interceptor that turns exactly those answers into INVALID_ARGUMENT with a message naming the method.
// It takes effect for every grpc::ServerBuilder constructed afterwards (a builder plugin, the mechanism
// of gRPC's own reflection plugin); the RpcGuard constructor calls it, and the server makes its guard
// before its builder. Found by tests/integration/foreign_fuzz.py.
void install_malformed_request_status();

class RpcGuard {
 public:
  RpcGuard(const TokenAuth& auth, Metrics& metrics) : auth_(auth), metrics_(metrics) {
    install_malformed_request_status();
  }

  grpc::Status run(const char* method, grpc::ServerContext* context,
                   const std::function<grpc::Status()>& handler) const;
  Metrics& metrics() const { return metrics_; }  // for handlers that record more (query, export)

 private:
  const TokenAuth& auth_;
  Metrics& metrics_;
};

}  // namespace siren::server
