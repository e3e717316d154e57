#pragma once
// Options every command accepts (--server, --json, --token, --tls*), wherever they appear on the line.
#include <string>

namespace CLI {
class App;
}

namespace siren::cli {

struct GlobalOptions {
  std::string server;           // HOST:PORT
  bool json = false;            // JSON lines on stdout instead of tables and progress bars
  std::string token;            // sent as `authorization: Bearer <token>` when not empty
  bool tls = false;             // TLS, trusting the system's root certificates unless tls_ca is set
  std::string tls_ca;           // PEM CA or self-signed certificate to trust instead
  std::string tls_cert;         // PEM client certificate for mutual TLS, with tls_key
  std::string tls_key;
  std::string tls_server_name;  // the name the server's certificate must carry, if not --server's host

  // Any TLS option turns TLS on: setting a CA or a client certificate and then talking plaintext
  // would silently drop the protection asked for.
  bool use_tls() const {
    return tls || !tls_ca.empty() || !tls_cert.empty() || !tls_key.empty() || !tls_server_name.empty();
  }
};

// Defaults from $SIREN_SERVER, $SIREN_TOKEN, $SIREN_TLS_CA, $SIREN_TLS_CERT and $SIREN_TLS_KEY, read
// once here rather than by CLI11's envname(): the options are registered on every subcommand, and an
// envname there would overwrite a value given earlier on the line (`siren --server X jobs`).
GlobalOptions global_options_from_environment();

// Registers the options on `app`, all writing into the same `options`.
void add_global_options(CLI::App& app, GlobalOptions& options);

}  // namespace siren::cli
