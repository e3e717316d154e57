#include "auth.h"

namespace siren::server {
namespace {

// Compares without an early exit so the time taken does not leak how much of a guess was right.
// (The length may leak; it is not the secret part.)
bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

grpc::Status TokenAuth::check(const grpc::ServerContext& context) const {
  if (token_.empty()) return grpc::Status::OK;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "this server requires a token: send metadata 'authorization: Bearer <token>' (siren CLI: --token or SIREN_TOKEN)"};
  }
  const std::string value(it->second.data(), it->second.size());
  const std::string prefix = "Bearer ";
  if (value.rfind(prefix, 0) != 0 || !constant_time_equal(value.substr(prefix.size()), token_)) {
    return {grpc::StatusCode::UNAUTHENTICATED, "invalid token in 'authorization' metadata"};
  }
  return grpc::Status::OK;
}

}  // namespace siren::server
