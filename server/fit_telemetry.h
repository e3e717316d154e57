#pragma once
// What one running fit reports besides its job events: step, sample and checkpoint metrics for
// Prometheus (no per-job labels), and a per-step quality log users can plot,
// <data-dir>/jobs/<job_id>/progress.jsonl: one JSON object per line with step, total_steps, loss, the
// task's figures (psnr, mse, ...), elapsed_seconds, steps_per_second and unix_ms.
#include <chrono>
#include <cstdint>
#include <string>

#include "siren/progress.h"

namespace siren::server {

class Metrics;

class FitTelemetry {
 public:
  // An empty jsonl_path writes no log. A log that cannot be opened or written (a full disk) only costs
  // the log (a warning), and ends on a whole line: a failed write is cut back to the last complete one.
  FitTelemetry(Metrics& metrics, std::string task, const std::string& jsonl_path);
  ~FitTelemetry();

  void progress(const Progress& p);  // from the fit's thread, every step
  void checkpoint_written(double seconds, int64_t bytes);

  // One progress.jsonl line (no newline); non-finite numbers become null.
  static std::string json_line(const Progress& p, int64_t unix_ms);

 private:
  Metrics& metrics_;
  std::string task_;
  void flush_log();

  std::string log_path_;
  int log_fd_ = -1;
  int64_t log_bytes_ = 0;  // the log's size after the last complete write
  std::string pending_;    // lines not yet written
  int64_t last_step_ = -1;
  int64_t samples_per_step_ = 0;  // the last batch size seen (evaluations report none)
  std::chrono::steady_clock::time_point last_step_time_{};
  std::chrono::steady_clock::time_point last_flush_{};
};

}  // namespace siren::server
