#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace siren::e2e {
namespace {

int connect_loopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listen_on(0);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  cut();
  acceptor_.join();
  for (auto& t : threads_) t.join();
}

void TcpProxy::listen_on(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("tcp proxy: cannot listen");
  port_ = ntohs(address.sin_port);
  listener_ = fd;
}

void TcpProxy::cut() {
  const int listener = listener_.exchange(-1);
  if (listener >= 0) {
    shutdown(listener, SHUT_RDWR);
    close(listener);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (int fd : open_) shutdown(fd, SHUT_RDWR);  // the pumps see it and close their ends
}

void TcpProxy::restore() {
  if (listener_ < 0) listen_on(port_);
}

void TcpProxy::accept_loop() {
  while (!stopping_) {
    const int listener = listener_;
    if (listener < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    pollfd ready{listener, POLLIN, 0};
    if (poll(&ready, 1, 50) <= 0 || !(ready.revents & POLLIN)) continue;
    const int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int server = connect_loopback(target_port_);
    if (server < 0) {
      close(client);
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    open_.push_back(client);
    open_.push_back(server);
    threads_.emplace_back([this, client, server] { pump(client, server); });
  }
}

void TcpProxy::pump(int client, int server) {
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  char buffer[65536];
  for (bool open = true; open && !stopping_;) {
    if (poll(fds, 2, 100) < 0) break;
    for (int i = 0; i < 2 && open; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0 || write(fds[1 - i].fd, buffer, static_cast<size_t>(n)) != n) open = false;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (int fd : {client, server}) {
    open_.erase(std::remove(open_.begin(), open_.end(), fd), open_.end());
    close(fd);
  }
}

}  // namespace siren::e2e
