#pragma once
// What the load and soak tests share about the siren-server they start: reading its files and its
// /proc figures, and waiting for the port it reports.
#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "subprocess.h"

namespace siren::load {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A field of /proc/PID/status as a number (VmRSS in kB, Threads), -1 if absent.
inline double proc_status(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1));
  return -1;
}
inline double rss_mib(pid_t pid) { return proc_status(pid, "VmRSS") / 1024.0; }
inline int thread_count(pid_t pid) { return static_cast<int>(proc_status(pid, "Threads")); }

// The port the server wrote to `port_file` (--port-file), or "" if it exited or 60 s passed first.
inline std::string wait_for_port(e2e::Subprocess& server, const std::string& port_file) {
  std::string port;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
       port.empty() && std::chrono::steady_clock::now() < until && server.running();) {
    port = read_text(port_file);
    if (!port.empty() && port.back() == '\n') port.pop_back();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return port;
}

}  // namespace siren::load
