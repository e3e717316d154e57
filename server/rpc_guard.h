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

class RpcGuard {
 public:
  RpcGuard(const TokenAuth& auth, Metrics& metrics) : auth_(auth), metrics_(metrics) {}

  grpc::Status run(const char* method, grpc::ServerContext* context,
                   const std::function<grpc::Status()>& handler) const;
  Metrics& metrics() const { return metrics_; }  // for handlers that record more (query, export)

 private:
  const TokenAuth& auth_;
  Metrics& metrics_;
};

}  // namespace siren::server
