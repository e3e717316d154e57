#include "rpc_guard.h"

#include <spdlog/spdlog.h>

#include <chrono>

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

}  // namespace

grpc::Status RpcGuard::call(const std::function<grpc::Status()>& handler) { return call_handler(handler); }

grpc::Status RpcGuard::bounded(const grpc::Status& status) {
  constexpr size_t kMaxMessageBytes = 1024;  // well under gRPC's 8 KiB default metadata limit
  const std::string& message = status.error_message();
  if (message.size() <= kMaxMessageBytes) return status;
  return {status.error_code(), message.substr(0, kMaxMessageBytes) + "... (" + std::to_string(message.size()) +
                                   " bytes in all, cut)"};
}

grpc::Status RpcGuard::begin(const char* method, const grpc::ServerContextBase& context) const {
  metrics_.rpc_started(method);
  return auth_.check(context);
}

void RpcGuard::finish(const char* method, const grpc::ServerContextBase& context, const grpc::Status& status,
                      std::chrono::steady_clock::time_point started) const {
  metrics_.rpc_finished(method, status.error_code(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!status.ok()) {
    const auto level = status.error_code() == grpc::StatusCode::INTERNAL ? spdlog::level::err : spdlog::level::warn;
    spdlog::log(level, "{} from {} failed: {} {}", method, context.peer(), status_code_name(status.error_code()),
                status.error_message());
  }
}

grpc::Status RpcGuard::run(const char* method, grpc::ServerContextBase* context,
                           const std::function<grpc::Status()>& handler) const {
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = begin(method, *context);
  if (status.ok()) status = bounded(call_handler(handler));
  finish(method, *context, status, start);
  return status;
}

}  // namespace siren::server
