#pragma once
// A loopback TCP proxy a test can cut: every connection to port() is forwarded to `target_port` until
// cut() closes them all and refuses new ones; restore() accepts again on the same port. Stands for a
// network partition between one server and its database.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace siren::e2e {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  void cut();
  void restore();

 private:
  void listen_on(int port);
  void accept_loop();
  void pump(int client, int server);

  int target_port_;
  int port_ = 0;
  std::atomic<int> listener_{-1};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> open_;  // sockets of live connections, both ends
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace siren::e2e
