#include "malformed_request_interceptor.h"

#include <spdlog/spdlog.h>

#include <string>

namespace siren::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// What gRPC itself sends for a request that did not parse: INTERNAL from a synchronous handler, and
// UNIMPLEMENTED with no message from a callback one (WatchJob), which then never makes its reactor.
bool is_gRPCs_own_answer(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::INTERNAL ||
         (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && status.error_message().empty());
}

// Per call: notes a request payload that did not deserialize (POST_RECV_MESSAGE with no message, which for
// unary and server-streaming calls happens only then: the payload is there but did not parse), and
// replaces the status gRPC then sends without ever calling the handler.
class MalformedRequestInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(grpc::experimental::ServerRpcInfo* info) : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using Type = grpc::experimental::ServerRpcInfo::Type;
    const bool single_request = info_->type() == Type::UNARY || info_->type() == Type::SERVER_STREAMING;
    if (single_request && methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      malformed_ = true;
    }
    if (malformed_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        is_gRPCs_own_answer(methods->GetSendStatus())) {
      const std::string message = std::string("the request to ") + info_->method() +
                                  " does not parse as its protobuf message type (malformed wire format, a string "
                                  "field that is not UTF-8, or nesting deeper than 100 levels)";
      spdlog::warn("{}: INVALID_ARGUMENT {}", info_->method(), message);
      methods->ModifySendStatus({grpc::StatusCode::INVALID_ARGUMENT, message});
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  bool malformed_ = false;
};

class MalformedRequestInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new MalformedRequestInterceptor(info);
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> make_malformed_request_interceptor_factory() {
  return std::make_unique<MalformedRequestInterceptorFactory>();
}

}  // namespace siren::server
