#include "fit_telemetry.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <sstream>

#include "metrics.h"

namespace siren::server {
namespace {

constexpr auto kFlushInterval = std::chrono::seconds(1);  // `tail -f` sees progress within a second

void put_number(std::ostringstream& out, double value) {
  if (std::isfinite(value)) {
    out << value;
  } else {
    out << "null";
  }
}

void put_key(std::ostringstream& out, const std::string& key) {
  out << ",\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out << '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out << c;
  }
  out << "\":";
}

}  // namespace

FitTelemetry::FitTelemetry(Metrics& metrics, std::string task, const std::string& jsonl_path)
    : metrics_(metrics), task_(std::move(task)), log_path_(jsonl_path) {
  last_flush_ = std::chrono::steady_clock::now();
  if (jsonl_path.empty()) return;
  log_fd_ = ::open(jsonl_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  struct stat info {};
  if (log_fd_ < 0 || ::fstat(log_fd_, &info) != 0) {
    spdlog::warn("cannot write {}: {}; the fit runs without its progress log", jsonl_path, std::strerror(errno));
    if (log_fd_ >= 0) ::close(log_fd_);
    log_fd_ = -1;
    return;
  }
  log_bytes_ = info.st_size;
}

FitTelemetry::~FitTelemetry() {
  flush_log();
  if (log_fd_ >= 0) ::close(log_fd_);
}

void FitTelemetry::flush_log() {
  if (log_fd_ < 0 || pending_.empty()) return;
  size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(log_fd_, pending_.data() + written, pending_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      spdlog::warn("cannot write {}: {}; the progress log stops at step {}", log_path_,
                   n < 0 ? std::strerror(errno) : "nothing written", last_step_);
      if (::ftruncate(log_fd_, log_bytes_) != 0) spdlog::warn("{} may end with a partial line", log_path_);
      ::close(log_fd_);
      log_fd_ = -1;
      pending_.clear();
      return;
    }
    written += static_cast<size_t>(n);
  }
  log_bytes_ += static_cast<int64_t>(pending_.size());
  pending_.clear();
}

std::string FitTelemetry::json_line(const Progress& p, int64_t unix_ms) {
  std::ostringstream out;
  out.precision(9);
  out << "{\"step\":" << p.step << ",\"total_steps\":" << p.total_steps;
  put_key(out, "loss");
  put_number(out, p.loss);
  for (const auto& [name, value] : p.metrics) {
    if (name == "loss" || name == "step" || name == "total_steps") continue;
    put_key(out, name);
    put_number(out, value);
  }
  put_key(out, "elapsed_seconds");
  put_number(out, p.elapsed_seconds);
  put_key(out, "steps_per_second");
  put_number(out, p.steps_per_second);
  out << ",\"unix_ms\":" << unix_ms << "}";
  return out.str();
}

void FitTelemetry::progress(const Progress& p) {
  const auto now = std::chrono::steady_clock::now();
  if (p.samples > 0) samples_per_step_ = p.samples;
  if (last_step_ >= 0 && p.step > last_step_) {
    const int64_t steps = p.step - last_step_;
    metrics_.fit_steps(task_, steps, samples_per_step_,
                       std::chrono::duration<double>(now - last_step_time_).count() / static_cast<double>(steps));
  }
  if (p.step != last_step_) {
    last_step_ = p.step;
    last_step_time_ = now;
  }

  if (log_fd_ < 0) return;
  const int64_t unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  pending_ += json_line(p, unix_ms);
  pending_ += '\n';
  if (p.step >= p.total_steps || now - last_flush_ >= kFlushInterval) {
    flush_log();
    last_flush_ = now;
  }
}

void FitTelemetry::checkpoint_written(double seconds, int64_t bytes) { metrics_.checkpoint_written(seconds, bytes); }

}  // namespace siren::server
