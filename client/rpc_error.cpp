#include "rpc_error.h"

namespace siren::cli {

namespace {
std::string describe(const grpc::Status& status) {
  std::string text = status_code_name(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}
}  // namespace

RpcError::RpcError(const grpc::Status& status)
    : CommandError(describe(status)), code_(status.error_code()) {}


void check_rpc(const grpc::Status& status) {
  if (!status.ok()) throw RpcError(status);
}

}  // namespace siren::cli
