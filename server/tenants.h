#pragma once
// Tenants (siren-server --tenants FILE): who may call the server, and how many of their jobs may run at
// once. One tenant per line, `NAME QUOTA TOKEN`: QUOTA is the most jobs of the tenant RUNNING at the
// same time (across the whole fleet, in one), or `-` for no limit; TOKEN is the bearer token its
// clients send. Blank lines and lines starting with # are skipped. Keep the file readable by the
// server's user only: it holds secrets.
#include <optional>
#include <string>
#include <vector>

namespace siren::server {

struct Tenant {
  std::string name;
  std::optional<int> quota;  // none: no limit
  std::string token;
};

// Throws std::invalid_argument naming the file and line of the first mistake.
std::vector<Tenant> read_tenants_file(const std::string& path);

}  // namespace siren::server
