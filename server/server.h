#pragma once
// A siren server's whole lifecycle: Start (stores, workers, gRPC listener, metrics), Wait, and
// GracefulStop (health NOT_SERVING, refuse submissions, let running fits checkpoint, then shut the
// listener down). Used by main.cpp and, in-process, by the service tests.
#include <grpcpp/server.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "options.h"

namespace siren::server {

class DataDirLock;
class Metrics;
class ModelStore;
class JobManager;
class TokenAuth;
class RpcGuard;
class SirenService;

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // GracefulStop with a short timeout if still running

  // In this order: locks the data dir (one server per directory), loads the stores into memory, binds
  // the port and the metrics port, and only then writes to the data dir (recovered jobs) and starts the
  // workers, so that a server that cannot start leaves the directory as it found it. Throws
  // std::runtime_error when the data dir is held by another server or the ports cannot be used.
  void Start();
  int port() const { return port_; }  // the bound port (the chosen one when options.port == 0)
  const ServerOptions& options() const { return options_; }
  Metrics& metrics() { return *metrics_; }
  // The CPU threads each fit uses: the process's (--threads) split evenly between the workers.
  int threads_per_fit() const { return threads_per_worker_; }

  void Wait();  // returns after GracefulStop has shut the listener down
  // Returns true if every running fit stopped within `timeout`. Safe to call more than once and
  // from any thread (e.g. a signal-handling one).
  bool GracefulStop(std::chrono::milliseconds timeout);

 private:
  ServerOptions options_;
  std::unique_ptr<DataDirLock> data_dir_lock_;  // declared first: released last, after the workers stopped
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<ModelStore> models_;
  std::unique_ptr<JobManager> jobs_;
  std::unique_ptr<TokenAuth> auth_;
  std::unique_ptr<RpcGuard> guard_;
  std::unique_ptr<SirenService> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  int port_ = 0;
  int threads_per_worker_ = 0;
  std::mutex stop_mu_;
  bool stopped_ = false;
  bool drained_ = true;
};

}  // namespace siren::server
