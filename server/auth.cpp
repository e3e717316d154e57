#include "auth.h"

#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "siren/io/files.h"

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

const std::string* TokenAuth::bearer_token(const grpc::ServerContextBase& context, std::string& storage) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return nullptr;
  const std::string prefix = "Bearer ";
  storage.assign(it->second.data(), it->second.size());
  if (storage.rfind(prefix, 0) != 0) return nullptr;
  storage.erase(0, prefix.size());
  return &storage;
}

grpc::Status TokenAuth::check(const grpc::ServerContextBase& context) const {
  if (!enabled()) return grpc::Status::OK;
  if (context.client_metadata().find("authorization") == context.client_metadata().end()) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "this server requires a token: send metadata 'authorization: Bearer <token>' (siren CLI: --token or SIREN_TOKEN)"};
  }
  std::string storage;
  const std::string* token = bearer_token(context, storage);
  bool known = token && !token_.empty() && constant_time_equal(*token, token_);
  for (const Tenant& tenant : tenants_) known = (token && constant_time_equal(*token, tenant.token)) || known;
  if (!known) return {grpc::StatusCode::UNAUTHENTICATED, "invalid token in 'authorization' metadata"};
  return grpc::Status::OK;
}

std::string TokenAuth::tenant_of(const grpc::ServerContextBase& context) const {
  std::string storage;
  const std::string* token = bearer_token(context, storage);
  if (!token) return "";
  for (const Tenant& tenant : tenants_)
    if (constant_time_equal(*token, tenant.token)) return tenant.name;
  return "";
}

std::string load_or_create_token(const std::string& path) {
  if (std::ifstream in{path}) {
    std::string token;
    std::getline(in, token);
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    if (token.empty()) throw std::runtime_error(path + " is empty; delete it to have a new token made");
    return token;
  }
  std::random_device random;  // the kernel's CSPRNG (/dev/urandom)
  std::ostringstream hex;
  for (int i = 0; i < 8; ++i) {
    hex.width(8);
    hex.fill('0');
    hex << std::hex << random();
  }
  const std::string token = hex.str();
  const mode_t previous = ::umask(077);  // the file is created owner-only, never readable by others
  try {
    write_file_atomically(path, token + "\n");
  } catch (...) {
    ::umask(previous);
    throw;
  }
  ::umask(previous);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return token;
}

}  // namespace siren::server
