#include "options.h"

#include "job_database.h"
#include "postgres_connection.h"
#include "tenants.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace siren::server {

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

void check_options(const ServerOptions& o) {
  auto fail = [](const std::string& message) { throw std::invalid_argument(message); };
  if (o.port < 0 || o.port > 65535) fail("--port must be in [0, 65535]");
  if (o.metrics_port < 0 || o.metrics_port > 65535) fail("--metrics-port must be in [0, 65535]");
  if (o.metrics_port != 0 && o.metrics_port == o.port) fail("--metrics-port must differ from --port");
  if (o.metrics_host.empty()) fail("--metrics-host must not be empty (127.0.0.1 keeps /metrics on loopback)");
  if (o.workers < 1) fail("--workers must be >= 1");
  if (o.drain_timeout_s < 0) fail("--drain-timeout must be >= 0");
  if (o.max_upload_mb < 1) fail("--max-upload-mb must be >= 1");
  if (o.max_render_pixels < 1) fail("--max-render-pixels must be >= 1");
  if (o.max_query_points_per_message < 1) fail("--max-query-points-per-message must be >= 1");
  if (o.data_dir.empty()) fail("--data-dir must not be empty");
  if (!o.tenants_file.empty()) read_tenants_file(o.tenants_file);  // its mistakes, with their line, at start-up
  if (o.fleet && !is_postgres_url(o.database))
    fail("--fleet needs --database postgresql://…: the replicas of a fleet share their jobs through PostgreSQL "
         "(and their files through one --data-dir on a shared volume)");
  if (o.lease_seconds <= 0) fail("--lease-seconds must be > 0");
  if (o.max_attempts < 1) fail("--max-attempts must be >= 1");
  if (!o.replica_id.empty() && !std::all_of(o.replica_id.begin(), o.replica_id.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      }))
    fail("--replica-id may hold letters, digits, '-', '_' and '.' only (it names a lock file)");
  if (!o.database.empty() && !is_postgres_url(o.database))
    fail("--database takes a postgresql:// URL (postgresql://USER@HOST:PORT/DB), or nothing for the embedded "
         "SQLite database in --data-dir; got '" + redact_database_url(o.database) + "'");
  if (o.max_steps < 1) fail("--max-steps must be >= 1");
  if (o.max_parameters < 1) fail("--max-parameters must be >= 1");
  try {
    o.input_limits.validate();
  } catch (const std::exception& e) {
    fail(std::string("an input limit (--max-image-pixels, --max-audio-samples, --max-video-voxels, --max-points): ") +
         e.what());
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    fail(std::string("--tls-cert and --tls-key go together: give both (the server's certificate and its private "
                     "key) to serve TLS, or neither to serve plaintext; only ") +
         (o.tls_cert.empty() ? "--tls-key" : "--tls-cert") + " was set");
  }
  if (!o.tls_client_ca.empty() && !o.tls()) {
    fail("--tls-client-ca needs --tls-cert and --tls-key: client certificates can only be checked over TLS");
  }
  // Read now so a typo fails at start-up with the flag's name, not as a bare "cannot listen".
  if (o.tls()) {
    read_pem_file(o.tls_cert, "--tls-cert");
    read_pem_file(o.tls_key, "--tls-key");
  }
  if (!o.tls_client_ca.empty()) read_pem_file(o.tls_client_ca, "--tls-client-ca");
}

std::string read_pem_file(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::invalid_argument(flag + ": cannot read '" + path + "' (" + std::strerror(errno) +
                                "); give the path of a PEM file this user can read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string pem = text.str();
  if (pem.find("-----BEGIN ") == std::string::npos) {
    throw std::invalid_argument(flag + ": '" + path +
                                "' is not PEM (no '-----BEGIN' line); convert a DER file with "
                                "`openssl x509 -inform der` (certificates) or `openssl pkey -inform der` (keys)");
  }
  return pem;
}

std::string host_port(const std::string& host, int port) {
  const bool ipv6_literal = host.find(':') != std::string::npos && host.front() != '[';
  return (ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace siren::server
