#pragma once
#include "siren/wire/status_names.h"
// Prometheus metrics (README "Monitoring" lists every one). Always counted (cheap); served on
// http://--metrics-host:--metrics-port/metrics only when --metrics-port > 0. Names follow Prometheus
// conventions: one siren_ prefix, seconds and bytes, _total counters, and no per-job labels (a job's
// loss and PSNR stream to its client and go to <data-dir>/jobs/<id>/progress.jsonl instead).
#include <grpcpp/support/status_code_enum.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "siren/v1/jobs.pb.h"

namespace prometheus {
class Registry;
class Collectable;
template <typename T> class Family;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace siren::server {

class MetricsHttpServer;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  // Starts the HTTP endpoint; throws std::runtime_error if it cannot listen.
  void serve(const std::string& host, int port);

  // The `task` label for a task kind: "image", "audio", ... ("unknown" for none).
  static std::string task_label(v1::TaskKind kind);

  // Jobs. `task` is the task kind ("image", "audio", ...).
  void job_submitted(const std::string& task);
  // Moves one job between the siren_jobs{state,task} gauges; from = UNSPECIFIED for a new job.
  void job_state_changed(const std::string& task, v1::JobState from, v1::JobState to);
  void queue_length(size_t jobs);
  // `packed`: it started in a pack with other fits (packed_fit.h).
  void job_started(const std::string& task, double seconds_in_queue, bool packed = false);
  // A job reached a terminal state; run_seconds < 0 when it never ran.
  void job_finished(const std::string& task, v1::JobState state, double run_seconds);

  // Fits: `steps` optimiser updates of `samples_per_step` points each, `seconds_per_step` apart
  // (< 0: unknown, e.g. the first step of a run).
  void fit_steps(const std::string& task, int64_t steps, int64_t samples_per_step, double seconds_per_step);
  void checkpoint_written(double seconds, int64_t bytes);

  // A fleet's replica (--fleet): the shared database in reach or not; jobs it claimed; jobs of silent
  // replicas it re-queued (or failed, past --max-attempts); its own runs another replica took over.
  void fleet_database_reachable(bool reachable);
  void fleet_claimed();
  void fleet_requeued(v1::JobState outcome);
  void fleet_superseded();

  // Serving trained fields.
  void query(const std::string& task, int64_t points, double seconds);
  void export_done(const std::string& task, const std::string& format, int64_t bytes, double seconds);

  // Every siren.v1 RPC, through the RPC guard.
  void rpc_started(const std::string& method);
  void rpc_finished(const std::string& method, grpc::StatusCode code, double seconds);

  // Re-reads the process and device gauges; called before every collection.
  void refresh() const;
  std::string text() const;  // the exposition format, as /metrics would serve it

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> collectable_;  // refresh() + registry_
  std::unique_ptr<MetricsHttpServer> http_;  // /metrics, once serve() is called

  prometheus::Family<prometheus::Counter>* jobs_submitted_;
  prometheus::Family<prometheus::Gauge>* jobs_;
  prometheus::Gauge* queue_length_;
  prometheus::Family<prometheus::Histogram>* queue_wait_;
  prometheus::Family<prometheus::Counter>* jobs_finished_;
  prometheus::Family<prometheus::Counter>* jobs_packed_;
  prometheus::Family<prometheus::Histogram>* job_run_;

  prometheus::Family<prometheus::Counter>* fit_steps_;
  prometheus::Family<prometheus::Counter>* fit_samples_;
  prometheus::Family<prometheus::Histogram>* step_duration_;
  prometheus::Histogram* checkpoint_duration_;
  prometheus::Counter* checkpoint_bytes_;
  prometheus::Gauge* fleet_database_up_;
  prometheus::Counter* fleet_claims_;
  prometheus::Family<prometheus::Counter>* fleet_requeued_;
  prometheus::Counter* fleet_superseded_;

  prometheus::Family<prometheus::Histogram>* query_duration_;
  prometheus::Family<prometheus::Counter>* query_points_;
  prometheus::Family<prometheus::Histogram>* export_duration_;
  prometheus::Family<prometheus::Counter>* export_bytes_;

  prometheus::Family<prometheus::Counter>* rpcs_started_;
  prometheus::Family<prometheus::Counter>* rpcs_handled_;
  prometheus::Family<prometheus::Histogram>* rpc_duration_;

  prometheus::Gauge* resident_memory_;
  prometheus::Gauge* virtual_memory_;
  prometheus::Counter* cpu_seconds_;  // advanced to /proc's figure at each collection
  mutable std::mutex refresh_mu_;
  mutable double cpu_seconds_seen_ = 0.0;
  prometheus::Gauge* threads_;
  prometheus::Gauge* start_time_;
  prometheus::Family<prometheus::Gauge>* device_memory_used_;
  prometheus::Family<prometheus::Gauge>* device_memory_total_;
  prometheus::Family<prometheus::Gauge>* device_utilization_;
};

using wire::status_code_name;

}  // namespace siren::server
