#pragma once
// Bearer-token check for every RPC. Done in the RPC guard rather than with an
// AuthMetadataProcessor, which gRPC only consults on secure (TLS) credentials.
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <string>

#include "tenants.h"

namespace siren::server {

class TokenAuth {
 public:
  // `token`: the server's own (--token; its callers belong to no tenant). `tenants`: theirs (--tenants).
  explicit TokenAuth(std::string token, std::vector<Tenant> tenants = {})
      : token_(std::move(token)), tenants_(std::move(tenants)) {}
  bool enabled() const { return !token_.empty() || !tenants_.empty(); }
  // OK, or UNAUTHENTICATED saying what metadata is expected.
  grpc::Status check(const grpc::ServerContextBase& context) const;
  // The tenant whose token the call carries; "" for the server's own token, or when there is no auth.
  std::string tenant_of(const grpc::ServerContextBase& context) const;

 private:
  const std::string* bearer_token(const grpc::ServerContextBase& context, std::string& storage) const;

  std::string token_;
  std::vector<Tenant> tenants_;
};

// The token of a server that listens beyond loopback and was given none: read from `path`, or made
// (256 random bits, hex) and written there, readable by its owner only, on the first start.
// Throws std::runtime_error if the file can be neither read nor written.
std::string load_or_create_token(const std::string& path);

}  // namespace siren::server
