#include "tenants.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace siren::server {

std::vector<Tenant> read_tenants_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("--tenants: cannot read '" + path + "'");
  std::vector<Tenant> tenants;
  std::set<std::string> names, tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto fail = [&](const std::string& why) {
      throw std::invalid_argument("--tenants " + path + ", line " + std::to_string(number) + ": " + why +
                                  " (each line: NAME QUOTA TOKEN, QUOTA a number of running jobs or - for none)");
    };
    std::istringstream fields(line);
    Tenant tenant;
    std::string quota, extra;
    if (!(fields >> tenant.name) || tenant.name[0] == '#') continue;
    if (!(fields >> quota >> tenant.token) || (fields >> extra)) fail("expected three fields");
    if (quota != "-") {
      try {
        size_t used = 0;
        const int value = std::stoi(quota, &used);
        if (used != quota.size() || value < 0) throw std::invalid_argument(quota);
        tenant.quota = value;
      } catch (const std::exception&) {
        fail("quota '" + quota + "' is not a number >= 0");
      }
    }
    if (tenant.token.size() < 16) fail("the token of " + tenant.name + " is shorter than 16 characters");
    if (!names.insert(tenant.name).second) fail("tenant " + tenant.name + " appears twice");
    if (!tokens.insert(tenant.token).second) fail("two tenants share a token");
    tenants.push_back(std::move(tenant));
  }
  return tenants;
}

}  // namespace siren::server
