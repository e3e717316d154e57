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
  options.tls_ca = env_or("SIREN_TLS_CA", "");
  options.tls_cert = env_or("SIREN_TLS_CERT", "");
  options.tls_key = env_or("SIREN_TLS_KEY", "");
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
  app.add_flag("--tls", options.tls,
               "connect over TLS, trusting the system's root certificates (implied by every --tls-* option)")
      ->group(group);
  app.add_option("--tls-ca", options.tls_ca,
                 "connect over TLS, trusting this PEM CA or self-signed server certificate (default: $SIREN_TLS_CA)")
      ->type_name("PEM")
      ->group(group);
  app.add_option("--tls-cert", options.tls_cert,
                 "client certificate for a server that requires mutual TLS, with --tls-key (default: $SIREN_TLS_CERT)")
      ->type_name("PEM")
      ->group(group);
  app.add_option("--tls-key", options.tls_key, "private key of --tls-cert (default: $SIREN_TLS_KEY)")
      ->type_name("PEM")
      ->group(group);
  app.add_option("--tls-server-name", options.tls_server_name,
                 "name to expect in the server's certificate when --server's host differs (e.g. localhost "
                 "for a certificate made for localhost, dialled as 127.0.0.1)")
      ->type_name("NAME")
      ->group(group);
}

}  // namespace siren::cli
