#pragma once
#include "siren/wire/status_names.h"
// Errors a command reports to the user as `error: ...` with exit code 1. RPC failures carry the gRPC
// status code name first (`NOT_FOUND: no job "job-x"`) so scripts and people see the same thing.
#include <stdexcept>
#include <string>

#include <grpcpp/support/status.h>

namespace siren::cli {

// A failure with a message fit for the user (file not readable, stream ended early, ...).
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RpcError : public CommandError {
 public:
  explicit RpcError(const grpc::Status& status);
  grpc::StatusCode code() const { return code_; }

 private:
  grpc::StatusCode code_;
};

using wire::status_code_name;

// Throws RpcError unless `status` is OK.
void check_rpc(const grpc::Status& status);

}  // namespace siren::cli
