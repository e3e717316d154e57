#pragma once
// A request that does not parse as its message type (unary and server-streaming RPCs) never reaches a
// handler: gRPC answers it by itself, with INTERNAL and an empty message (its deserializer reports
// InitializationErrorString(), always empty for proto3). This server interceptor turns exactly those
// answers into INVALID_ARGUMENT with a message naming the method. Found by tests/integration/foreign_fuzz.py.
#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace siren::server {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> make_malformed_request_interceptor_factory();

}  // namespace siren::server
