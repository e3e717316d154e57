#pragma once
// gRPC status code names ("NOT_FOUND", ...), for the CLI's error lines and the server's logs and metrics.
#include <grpcpp/support/status_code_enum.h>

#include <string>

namespace siren::wire {

std::string status_code_name(grpc::StatusCode code);

}  // namespace siren::wire
