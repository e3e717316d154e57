#include "rpc_guard.h"

#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth.h"
#include "metrics.h"
#include "rpc_error.h"
#include "siren/errors.h"

namespace siren::server {
namespace {

grpc::Status call_handler(const std::function<grpc::Status()>& handler) {
  try {
    return handler();
  } catch (const RpcError& e) {
    return e.status();
  } catch (const InvalidInput& e) {
    return {grpc::StatusCode::INVALID_ARGUMENT, e.what()};
  } catch (const NotFound& e) {
    return {grpc::StatusCode::NOT_FOUND, e.what()};
  } catch (const std::bad_alloc&) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED, "the server ran out of memory for this request"};
  } catch (const std::exception& e) {
    return {grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()};
  } catch (...) {
    return {grpc::StatusCode::INTERNAL, "internal error"};
  }
}

using grpc::experimental::InterceptionHookPoints;

// Per call: notes a request payload that did not deserialize (POST_RECV_MESSAGE with no message, which for
// unary and server-streaming calls happens only then: the payload is there but did not parse), and
// replaces the INTERNAL status gRPC then sends without ever calling the handler.
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
        methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
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

// Adds the interceptor to every server built. SetInterceptorCreators replaces the builder's list: should the
// server ever set interceptors of its own, add this factory to that list instead.
class MalformedRequestPlugin : public grpc::ServerBuilderPlugin {
 public:
  std::string name() override { return "siren_malformed_request_status"; }
  void UpdateServerBuilder(grpc::ServerBuilder* builder) override {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<MalformedRequestInterceptorFactory>());
    builder->experimental().SetInterceptorCreators(std::move(creators));
  }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer*) override {}
  void ChangeArguments(const std::string&, void*) override {}
};

std::unique_ptr<grpc::ServerBuilderPlugin> make_malformed_request_plugin() {
  return std::make_unique<MalformedRequestPlugin>();
}

}  // namespace

void install_malformed_request_status() {
  static std::once_flag once;
  std::call_once(once, [] { grpc::ServerBuilder::InternalAddPluginFactory(&make_malformed_request_plugin); });
}

grpc::Status RpcGuard::run(const char* method, grpc::ServerContext* context,
                           const std::function<grpc::Status()>& handler) const {
  const auto start = std::chrono::steady_clock::now();
  metrics_.rpc_started(method);
  grpc::Status status = auth_.check(*context);
  if (status.ok()) status = call_handler(handler);
  metrics_.rpc_finished(method, status.error_code(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!status.ok()) {
    const auto level = status.error_code() == grpc::StatusCode::INTERNAL ? spdlog::level::err : spdlog::level::warn;
    spdlog::log(level, "{} from {} failed: {} {}", method, context->peer(), status_code_name(status.error_code()),
                status.error_message());
  }
  return status;
}

}  // namespace siren::server
