#include "metrics_http.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace siren::server {
namespace {

constexpr size_t kMaxRequestBytes = 8192;
constexpr int kPollMilliseconds = 200;  // how soon the thread notices the server stopping

std::string response(const std::string& status, const std::string& content_type, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type + "\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

void send_all(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away
    sent += static_cast<size_t>(n);
  }
}

// The request head (up to the blank line), or what arrived before the client stopped or timed out.
std::string read_head(int fd) {
  std::string head;
  char buffer[1024];
  while (head.size() < kMaxRequestBytes && head.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<size_t>(n));
  }
  return head;
}

int listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int error = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); error != 0)
    throw std::runtime_error(std::string("cannot resolve the host: ") + ::gai_strerror(error));
  std::string why = "no address";
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error(why + " (in use? try another --metrics-port)");
  return fd;
}

}  // namespace

MetricsHttpServer::MetricsHttpServer(const std::string& host, int port, std::function<std::string()> exposition)
    : listen_fd_(listen_on(host, port)), exposition_(std::move(exposition)), thread_([this] { serve(); }) {}

MetricsHttpServer::~MetricsHttpServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void MetricsHttpServer::serve() {
  while (!stopping_) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, kPollMilliseconds) <= 0) continue;
    const int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    timeval timeout{2, 0};  // a client that sends nothing does not hold the endpoint
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    answer(connection);
    ::close(connection);
  }
}

void MetricsHttpServer::answer(int connection) const {
  const std::string head = read_head(connection);
  const std::string line = head.substr(0, head.find("\r\n"));
  const bool get = line.rfind("GET ", 0) == 0;
  const std::string target = get ? line.substr(4, line.find(' ', 4) - 4) : "";
  if (!get) {
    send_all(connection, response("405 Method Not Allowed", "text/plain", "GET /metrics\n"));
  } else if (target != "/metrics" && target.rfind("/metrics?", 0) != 0) {
    send_all(connection, response("404 Not Found", "text/plain", "metrics are at /metrics\n"));
  } else {
    send_all(connection, response("200 OK", "text/plain; version=0.0.4; charset=utf-8", exposition_()));
  }
}

}  // namespace siren::server
