#pragma once
// The one place where RPCs meet errors: checks the token, runs the handler, turns exceptions into
// statuses (InvalidInput -> INVALID_ARGUMENT, NotFound -> NOT_FOUND, RpcError -> its code, anything
// else -> INTERNAL), logs failures, and counts every call for /metrics.
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>

namespace siren::server {

class Metrics;
class TokenAuth;

class RpcGuard {
 public:
  RpcGuard(const TokenAuth& auth, Metrics& metrics) : auth_(auth), metrics_(metrics) {}

  const TokenAuth& auth() const { return auth_; }

  grpc::Status run(const char* method, grpc::ServerContextBase* context,
                   const std::function<grpc::Status()>& handler) const;

  // The same in two halves, for callback (reactor) RPCs whose end comes later on another thread:
  // begin() counts the call and checks the token; finish() counts and logs how it ended.
  grpc::Status begin(const char* method, const grpc::ServerContextBase& context) const;
  void finish(const char* method, const grpc::ServerContextBase& context, const grpc::Status& status,
              std::chrono::steady_clock::time_point started) const;
  // Runs `handler`, turning what it throws into a status as run() does (for the parts of a callback RPC).
  static grpc::Status call(const std::function<grpc::Status()>& handler);
  // `status` with its message cut to a size every client accepts. A message may quote what the client
  // sent (a 1 MB "id"); sent whole in a trailers-only response it exceeds the client's metadata limit, and
  // the client sees RESOURCE_EXHAUSTED "received initial metadata size exceeds limit" instead of the reason.
  static grpc::Status bounded(const grpc::Status& status);
  Metrics& metrics() const { return metrics_; }  // for handlers that record more (query, export)

 private:
  const TokenAuth& auth_;
  Metrics& metrics_;
};

}  // namespace siren::server
