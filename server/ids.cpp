#include "ids.h"

#include <chrono>
#include <mutex>
#include <random>

#include "rpc_error.h"

namespace siren::server {

std::string new_id(const std::string& prefix) {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  uint64_t bits;
  {
    std::lock_guard<std::mutex> lock(mu);
    bits = rng();
  }
  static const char* hex = "0123456789abcdef";
  std::string out = prefix + "-";
  for (int i = 0; i < 12; ++i) out += hex[(bits >> (4 * i)) & 0xF];
  return out;
}

bool is_valid_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

void require_valid_id(const std::string& id, const char* field) {
  if (id.empty()) throw RpcError(grpc::StatusCode::INVALID_ARGUMENT, std::string(field) + " is required");
  if (!is_valid_id(id)) {
    throw RpcError(grpc::StatusCode::INVALID_ARGUMENT,
                   std::string(field) + " '" + (id.size() <= 64 ? id : id.substr(0, 64) + "...") +
                       "' is not a valid id: use only letters, digits, '-' and '_'");
  }
}

int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace siren::server
