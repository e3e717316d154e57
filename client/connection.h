#pragma once
// The channel to siren-server (plaintext, TLS or mutual TLS, as the global options say), and
// per-call contexts that carry the access token.
#include <chrono>
#include <memory>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "global_options.h"
#include "siren/v1/service.grpc.pb.h"

namespace siren::cli {

class Connection {
 public:
  // Throws CommandError when a --tls-* file cannot be read.
  explicit Connection(const GlobalOptions& options);

  v1::Siren::Stub& stub() { return *stub_; }

  // A context for one call: `authorization: Bearer <token>` when a token is set, and a deadline for
  // calls that should answer promptly (streams that follow a job get none).
  std::unique_ptr<grpc::ClientContext> context(
      std::optional<std::chrono::seconds> deadline = kUnaryDeadline) const;

  static constexpr std::chrono::seconds kUnaryDeadline{60};

 private:
  std::string token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Siren::Stub> stub_;
};

}  // namespace siren::cli
