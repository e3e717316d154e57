#include "server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <random>
#include <filesystem>

#include "auth.h"
#include "data_dir_lock.h"
#include "siren/blas/blis.h"
#include "siren/io/files.h"
#include "job_manager.h"
#include "malformed_request_interceptor.h"
#include "metrics.h"
#include "model_store.h"
#include "postgres_connection.h"
#include "rpc_guard.h"
#include "service.h"
#include "siren/runtime.h"

namespace fs = std::filesystem;

namespace siren::server {
namespace {

// A fleet replica's name when --replica-id is not given: the host's (a pod's name on Kubernetes) and a
// random suffix, so a restarted process never takes over the lease of its previous life.
std::string default_replica_id() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  std::string id;
  for (const char* c = host; *c; ++c)
    id += (std::isalnum(static_cast<unsigned char>(*c)) || *c == '-' || *c == '.') ? *c : '-';
  std::random_device random;
  return (id.empty() ? "replica" : id) + fmt::format("-{:06x}", random() & 0xffffff);
}

// In-flight RPCs (a render, a download) get this long after the drain before they are cut off.
constexpr auto kRpcGracePeriod = std::chrono::seconds(2);
// Idle RPC threads the synchronous server keeps polling (see Start): enough for bursts of short calls
// from dozens of clients without creating a thread per call; an idle thread costs its stack only.
constexpr int kMinIdleRpcThreads = 2;
constexpr int kMaxIdleRpcThreads = 64;

std::shared_ptr<grpc::ServerCredentials> listening_credentials(const ServerOptions& o) {
  if (!o.tls()) return grpc::InsecureServerCredentials();
  // Without a client CA no certificate is asked for: clients then prove who they are with the token.
  grpc::SslServerCredentialsOptions ssl(o.mutual_tls() ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                                       : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({read_pem_file(o.tls_key, "--tls-key"), read_pem_file(o.tls_cert, "--tls-cert")});
  if (o.mutual_tls()) ssl.pem_root_certs = read_pem_file(o.tls_client_ca, "--tls-client-ca");
  return grpc::SslServerCredentials(ssl);
}

// --workers workers on each of the --devices (expand_devices throws InvalidInput for an absent one).
std::vector<std::string> worker_devices(const ServerOptions& o) {
  std::vector<std::string> workers;
  for (const std::string& device : expand_devices(o.devices))
    for (int i = 0; i < std::max(o.workers, 1); ++i) workers.push_back(device);
  return workers;
}

const char* transport_name(const ServerOptions& o) {
  return o.mutual_tls() ? "mTLS" : o.tls() ? "TLS" : "plaintext";
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { GracefulStop(std::chrono::seconds(5)); }

void Server::Start() {
  check_options(options_);
  const fs::path data_dir = options_.data_dir;
  fs::create_directories(data_dir);
  const std::vector<Tenant> tenants =
      options_.tenants_file.empty() ? std::vector<Tenant>{} : read_tenants_file(options_.tenants_file);
  std::optional<FleetOptions> fleet;
  if (options_.fleet) {
    fleet = FleetOptions{options_.database, options_.replica_id.empty() ? default_replica_id() : options_.replica_id,
                         options_.lease_seconds, options_.max_attempts};
    // The replicas share the directory; each locks its own name in it (one process per replica id).
    const fs::path replica_dir = data_dir / "replicas" / fleet->replica_id;
    fs::create_directories(replica_dir);
    data_dir_lock_ = std::make_unique<DataDirLock>(replica_dir.string());
    spdlog::info("replica {} of a fleet sharing {} and {}", fleet->replica_id, options_.data_dir,
                 redact_database_url(options_.database));
  } else {
    data_dir_lock_ = std::make_unique<DataDirLock>(data_dir.string());
  }

  if (options_.token.empty() && tenants.empty() && !is_loopback_host(options_.host)) {
    // Anyone who can reach a non-loopback address could run fits and read models: never serve it
    // without a token. One made earlier by --generate-token counts as configured.
    const std::string path = (data_dir / "token").string();
    if (!options_.generate_token && !fs::exists(path))
      throw std::invalid_argument("refusing to listen on " + options_.host +
                                  " without a token: pass --token TOKEN (or $SIREN_TOKEN), or --generate-token to have "
                                  "one made now and kept in " + path + ", or listen on 127.0.0.1");
    options_.token = load_or_create_token(path);
    spdlog::warn("listening beyond loopback ({}): every RPC needs the token in {} "
                 "(clients: siren --token \"$(cat {})\" or SIREN_TOKEN)", options_.host, path, path);
    std::fprintf(stderr, "siren-server access token: %s\n", options_.token.c_str());
  }

  set_input_limits(options_.input_limits);  // the decoders inside every task check these
  metrics_ = std::make_unique<Metrics>();
  // Queries, renders and exports run on the first of the devices.
  models_ = std::make_unique<ModelStore>((data_dir / "models").string(), options_.model_cache_size,
                                         expand_devices(options_.devices).front());
  models_->set_shared(options_.fleet);
  models_->scan();
  // The cores are shared between the fits that may run at once (every worker's: a GPU fit's host work
  // takes CPU threads too), so that --workers N does not start N pools of every core each.
  const std::vector<std::string> workers = worker_devices(options_);
  threads_per_worker_ = threads_per_worker(configure_threads(options_.threads),
                                           static_cast<int>(workers.size()));
  jobs_ = std::make_unique<JobManager>((data_dir / "jobs").string(), options_.database, workers, options_.max_queued,
                                       *models_, *metrics_, threads_per_worker_, options_.max_pack, fleet);
  std::map<std::string, int> quotas;
  for (const Tenant& tenant : tenants)
    if (tenant.quota) quotas[tenant.name] = *tenant.quota;
  jobs_->set_tenant_quotas(quotas);
  jobs_->recover();
  auth_ = std::make_unique<TokenAuth>(options_.token, tenants);
  guard_ = std::make_unique<RpcGuard>(*auth_, *metrics_);
  service_ = std::make_unique<SirenService>(options_, *jobs_, *models_, *guard_);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(host_port(options_.host, options_.port), listening_credentials(options_), &port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_mb * 1024 * 1024);
  // gRPC sets SO_REUSEPORT by default, which lets a second process bind the same port and take half of
  // the connections: a port in use must be an error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(make_malformed_request_interceptor_factory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  // gRPC's synchronous server keeps at most MAX_POLLERS idle threads: above that a thread that finishes an
  // RPC exits, and the next RPC that finds no idle poller starts a new one. With the default of 2, every
  // burst of concurrent calls created and destroyed threads (hundreds a second under tests/load), which
  // costs a clone per call and, under tcmalloc, leaked a thread cache per exited thread.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, kMinIdleRpcThreads);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kMaxIdleRpcThreads);
  grpc_server_ = builder.BuildAndStart();
  if (!grpc_server_ || port_ == 0) {
    throw std::runtime_error("cannot listen on " + host_port(options_.host, options_.port) +
                             " (in use? try another --port, or --port 0 for any free one" +
                             (options_.tls() ? "; with TLS also check that --tls-key is the private key of --tls-cert"
                                             : "") +
                             ")");
  }
  if (options_.metrics_port > 0) {
    metrics_->serve(options_.metrics_host, options_.metrics_port);
    spdlog::info("metrics on http://{}/metrics{}", host_port(options_.metrics_host, options_.metrics_port),
                 options_.tls() ? " (plain HTTP: --tls-* secure gRPC only)" : "");
  }

  // Bound: from here on this server owns the data dir's jobs.
  // Readiness: NOT_SERVING while draining, and for a fleet's replica while its database is out of reach.
  jobs_->start([this](bool database_reachable) {
    if (auto* health = grpc_server_->GetHealthCheckService())
      health->SetServingStatus(database_reachable && !jobs_->draining());
  });
  if (auto* health = grpc_server_->GetHealthCheckService()) health->SetServingStatus(true);
  if (!options_.port_file.empty()) write_file_atomically(options_.port_file, std::to_string(port_) + "\n");
  spdlog::info("siren-server listening on {} ({}, data dir {}, job database {}, {} worker(s) on {}, {} CPU thread(s) "
               "per fit, CPU products on {}{})",
               host_port(options_.host, port_), transport_name(options_), options_.data_dir, jobs_->database_name(),
               worker_devices(options_).size(), fmt::join(expand_devices(options_.devices), ","), threads_per_worker_,
               blas::cpu_gemm_description(), auth_->enabled() ? ", token required" : "");
}

void Server::Wait() {
  if (grpc_server_) grpc_server_->Wait();
}

bool Server::GracefulStop(std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_ || !grpc_server_) return drained_;
  stopped_ = true;
  spdlog::info("shutting down: waiting up to {} ms for running fits to checkpoint", timeout.count());
  if (auto* health = grpc_server_->GetHealthCheckService()) health->SetServingStatus(false);
  jobs_->begin_drain();
  drained_ = jobs_->wait_until_idle(std::chrono::steady_clock::now() + timeout);
  if (!drained_) spdlog::warn("drain timeout: some fits are still running");
  jobs_->stop();  // wakes watchers of jobs that will not finish now
  grpc_server_->Shutdown(std::chrono::system_clock::now() + kRpcGracePeriod);
  spdlog::info("server stopped");
  return drained_;
}

}  // namespace siren::server
