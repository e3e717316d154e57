#pragma once
// The /metrics endpoint: a small HTTP/1.1 server on its own thread that answers GET /metrics with the
// Prometheus text exposition. prometheus-cpp's Exposer (CivetWeb) cannot be used with the PyTorch wheel
// loaded: CivetWeb starts its threads with a fixed small stack, and the static thread-local storage of the
// wheel's CUDA libraries (~200 KB, cuBLASLt alone 94 KB) does not fit in it, so no thread starts.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace siren::server {

class MetricsHttpServer {
 public:
  // Listens on host:port at once (throws std::runtime_error saying why it cannot); `exposition` makes
  // each scrape's body. Connections are answered one at a time: scrapes are rare and quick.
  MetricsHttpServer(const std::string& host, int port, std::function<std::string()> exposition);
  ~MetricsHttpServer();  // stops listening and joins the thread
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

 private:
  void serve();
  void answer(int connection) const;

  int listen_fd_ = -1;
  std::function<std::string()> exposition_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace siren::server
