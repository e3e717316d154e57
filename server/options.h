#pragma once
// Everything that configures a server, with the defaults the command line documents.
#include <cstdint>
#include <string>

#include "siren/io/input_limits.h"

namespace siren::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 50051;                     // 0 = let the OS pick a free port
  std::string port_file;                // written with the actual port once listening
  std::string data_dir = "./siren-data";
  std::string database;                 // job records: "" = SQLite in DATA_DIR/jobs/jobs.db, or a postgresql:// URL
  // A fleet: replicas sharing `database` (PostgreSQL) and `data_dir` (a shared volume); fleet_member.h.
  bool fleet = false;
  std::string replica_id;               // "" = <hostname>-<random>
  double lease_seconds = 10;
  int max_attempts = 5;
  int metrics_port = 0;                 // 0 = no Prometheus endpoint
  std::string metrics_host = "127.0.0.1";  // where /metrics listens (its own address: loopback by default)
  std::string token;                    // non-empty = every RPC needs "authorization: Bearer <token>"
  std::string tenants_file;             // tenants.h: NAME QUOTA TOKEN per line
  bool generate_token = false;          // beyond loopback without a token: make one in DATA_DIR/token
  std::string tls_cert;                 // PEM certificate chain; with tls_key: serve TLS only
  std::string tls_key;                  // PEM private key of tls_cert
  std::string tls_client_ca;            // PEM CA; non-empty = clients need a certificate it signed (mTLS)
  int workers = 1;                      // fits that run at the same time on each device
  std::string devices = "all";          // where fits run: all (every GPU, else the CPU), cpu, cuda:0,cuda:1,...
  int max_queued = 1000;                // QUEUED jobs beyond which SubmitFit is RESOURCE_EXHAUSTED
  int max_pack = 64;                    // queued small fits one worker may train together (packed_fit.h); 1 = none
  int threads = 0;                      // LibTorch intra-op threads; 0 = $SIREN_THREADS or all cores
  int drain_timeout_s = 30;             // on SIGTERM: how long running fits get to checkpoint
  std::string log_level = "info";
  int64_t max_upload_mb = 256;          // input + resume checkpoint of one SubmitFit
  int64_t max_render_pixels = 8192LL * 8192;
  int64_t max_query_points_per_message = 1 << 20;
  // What one fit may ask for (SubmitFit; RESOURCE_EXHAUSTED beyond) and what its input may decode to.
  int64_t max_steps = 10'000'000;
  int64_t max_parameters = int64_t{1} << 26;  // trainable parameters of the network (weights and biases)
  InputLimits input_limits;
  int max_receive_message_mb = 64;      // one gRPC message; uploads are chunked below this
  int model_cache_size = 4;             // loaded models kept in memory for queries

  int64_t max_upload_bytes() const { return max_upload_mb * 1024 * 1024; }
  bool tls() const { return !tls_cert.empty(); }
  bool mutual_tls() const { return tls() && !tls_client_ca.empty(); }
};

bool is_loopback_host(const std::string& host);
// Throws std::invalid_argument with a message that says how to fix the options.
void check_options(const ServerOptions& options);
// The whole of a PEM file named by a --tls-* flag; throws std::invalid_argument naming the flag
// when it cannot be read or holds no PEM block.
std::string read_pem_file(const std::string& path, const std::string& flag);
// "host:port" in the form gRPC and CivetWeb expect (IPv6 literals in brackets).
std::string host_port(const std::string& host, int port);

}  // namespace siren::server
