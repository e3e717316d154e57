#include "global_options.h"

#include <cstdlib>

#include <CLI/CLI.hpp>

namespace siren::cli {

namespace {
constexpr const char* kDefaultServer = "localhost:50051";

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}
}  // namespace

GlobalOptions global_options_from_environment() {
  GlobalOptions options;
  options.server = env_or("SIREN_SERVER", kDefaultServer);
  options.token = env_or("SIREN_TOKEN", "");
  return options;
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
  const std::string group = "Global options";
  app.add_option("--server", options.server,
                 std::string("siren-server address HOST:PORT (default: $SIREN_SERVER, else ") +
                     kDefaultServer + ")")
      ->type_name("HOST:PORT")
      ->group(group);
  app.add_flag("--json", options.json,
               "print JSON lines on stdout for scripts (one object per line; numbers at full "
               "precision) instead of tables and a progress bar")
      ->group(group);
  app.add_option("--token", options.token,
                 "access token, sent as `authorization: Bearer <token>` (default: $SIREN_TOKEN)")
      ->type_name("TOKEN")
      ->group(group);
}

}  // namespace siren::cli
