#include "metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "device_memory.h"
#include "metrics_http.h"
#include "options.h"
#include "siren/export.h"
#include "siren/fit_config.h"
#include "siren/v1/service.pb.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

#ifndef SIREN_VERSION
#define SIREN_VERSION "unknown"
#endif
#ifndef SIREN_GIT_REVISION
#define SIREN_GIT_REVISION "unknown"
#endif
#ifndef SIREN_TORCH_VERSION
#define SIREN_TORCH_VERSION "unknown"
#endif
#ifndef SIREN_BUILD_TYPE
#define SIREN_BUILD_TYPE "unknown"
#endif

namespace siren::server {
namespace {

using prometheus::Histogram;

// Bucket boundaries, in seconds, for each kind of duration.
const Histogram::BucketBoundaries kStepBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                  0.5,   1,      2.5,   5,    10,    30,   60};
const Histogram::BucketBoundaries kRpcBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                 0.5,   1,      2.5,   5,    10,    30,   60,  300};
const Histogram::BucketBoundaries kQueueBuckets = {0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200,
                                                   21600, 86400};
const Histogram::BucketBoundaries kRunBuckets = {1, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 86400, 604800};
const Histogram::BucketBoundaries kCheckpointBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                        0.25,  0.5,    1,     2.5,  5,     10,   30};

// The siren.v1 RPC names, from the service's descriptor: a new RPC gets its series without an edit here.
std::vector<std::string> rpc_methods() {
  std::vector<std::string> methods;
  const auto* service = v1::SubmitFitRequest::descriptor()->file()->FindServiceByName("Siren");
  for (int i = 0; service && i < service->method_count(); ++i) methods.push_back(service->method(i)->name());
  return methods;
}

// /proc/self/status "VmRSS:  1234 kB" style fields, in bytes; -1 if absent.
struct ProcStatus {
  double resident_bytes = -1, virtual_bytes = -1, threads = -1;
};
ProcStatus read_proc_status() {
  ProcStatus status;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    double value = 0;
    fields >> key >> value;
    if (key == "VmRSS:") status.resident_bytes = value * 1024;
    else if (key == "VmSize:") status.virtual_bytes = value * 1024;
    else if (key == "Threads:") status.threads = value;
  }
  return status;
}

// utime + stime of /proc/self/stat, in seconds; -1 if unreadable.
double read_cpu_seconds() {
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');  // the command name may contain spaces
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 3.. after "pid (comm)"
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return ticks > 0 ? (utime + stime) / static_cast<double>(ticks) : -1;
}

class RefreshingCollectable : public prometheus::Collectable {
 public:
  RefreshingCollectable(const Metrics& metrics, std::shared_ptr<prometheus::Registry> registry)
      : metrics_(metrics), registry_(std::move(registry)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    metrics_.refresh();
    return registry_->Collect();
  }

 private:
  const Metrics& metrics_;
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  using prometheus::BuildHistogram;

  // Jobs and the queue.
  jobs_submitted_ =
      &BuildCounter().Name("siren_jobs_submitted_total").Help("Fit jobs accepted, by task kind").Register(r);
  jobs_packed_ = &BuildCounter()
                      .Name("siren_jobs_packed_total")
                      .Help("Fit jobs a worker started in a pack with other small fits (one batched step), by task kind")
                      .Register(r);
  fleet_database_up_ = &BuildGauge()
                            .Name("siren_fleet_database_up")
                            .Help("1 while this fleet replica reaches the shared job database, 0 while it does not")
                            .Register(r)
                            .Add({});
  fleet_database_up_->Set(1);
  fleet_claims_ = &BuildCounter()
                       .Name("siren_fleet_claims_total")
                       .Help("Queued jobs this fleet replica claimed from the shared database")
                       .Register(r)
                       .Add({});
  fleet_requeued_ = &BuildCounter()
                         .Name("siren_fleet_requeued_jobs_total")
                         .Help("Running jobs of replicas silent past their lease that this replica gave back to the "
                               "queue (outcome=queued) or failed after --max-attempts runs (outcome=failed)")
                         .Register(r);
  for (const char* outcome : {"queued", "failed"}) fleet_requeued_->Add({{"outcome", outcome}});  // 0 until one comes
  fleet_superseded_ = &BuildCounter()
                           .Name("siren_fleet_superseded_runs_total")
                           .Help("Runs of this replica stopped because another replica took their job over (the "
                                 "lease ran out: a partition or a long pause)")
                           .Register(r)
                           .Add({});
  jobs_ = &BuildGauge().Name("siren_jobs").Help("Jobs known to the server, by state and task kind").Register(r);
  queue_length_ = &BuildGauge()
                       .Name("siren_job_queue_length")
                       .Help("Jobs waiting for a free worker")
                       .Register(r)
                       .Add({});
  queue_wait_ = &BuildHistogram()
                     .Name("siren_job_queue_wait_seconds")
                     .Help("Time a job waited in the queue before a worker started it, by task kind")
                     .Register(r);
  jobs_finished_ = &BuildCounter()
                        .Name("siren_jobs_finished_total")
                        .Help("Jobs that reached a final state (succeeded, failed, cancelled, interrupted)")
                        .Register(r);
  job_run_ = &BuildHistogram()
                  .Name("siren_job_run_duration_seconds")
                  .Help("Wall time from a job's start to its end, by task kind")
                  .Register(r);

  // Fits.
  fit_steps_ =
      &BuildCounter().Name("siren_fit_steps_total").Help("Optimiser steps run by all fits, by task kind").Register(r);
  fit_samples_ = &BuildCounter()
                      .Name("siren_fit_samples_total")
                      .Help("Points (pixels, audio samples, voxels, surface points) trained on, by task kind")
                      .Register(r);
  step_duration_ = &BuildHistogram()
                        .Name("siren_fit_step_duration_seconds")
                        .Help("Wall time of one optimiser step (forward, loss, backward, update), by task kind")
                        .Register(r);
  checkpoint_duration_ = &BuildHistogram()
                              .Name("siren_checkpoint_write_duration_seconds")
                              .Help("Time to write one checkpoint or final model file")
                              .Register(r)
                              .Add({}, kCheckpointBuckets);
  checkpoint_bytes_ = &BuildCounter()
                           .Name("siren_checkpoint_written_bytes_total")
                           .Help("Bytes of checkpoints and final model files written")
                           .Register(r)
                           .Add({});

  // Serving.
  query_duration_ = &BuildHistogram()
                         .Name("siren_query_duration_seconds")
                         .Help("Time to evaluate one QueryField message's points, by task kind")
                         .Register(r);
  query_points_ = &BuildCounter()
                       .Name("siren_query_points_total")
                       .Help("Points evaluated for QueryField, by task kind")
                       .Register(r);
  export_duration_ = &BuildHistogram()
                          .Name("siren_export_duration_seconds")
                          .Help("Time to produce one render or export (png, wav, avi, ply mesh, ...), by task kind "
                                "and format")
                          .Register(r);
  export_bytes_ = &BuildCounter()
                       .Name("siren_export_bytes_total")
                       .Help("Bytes of renders and exports sent, by task kind and format")
                       .Register(r);

  // gRPC, as the usual grpc_server_* set.
  rpcs_started_ = &BuildCounter()
                       .Name("siren_grpc_server_started_total")
                       .Help("siren.v1 RPCs started, by method")
                       .Register(r);
  rpcs_handled_ = &BuildCounter()
                       .Name("siren_grpc_server_handled_total")
                       .Help("siren.v1 RPCs finished, by method and status code")
                       .Register(r);
  rpc_duration_ = &BuildHistogram()
                       .Name("siren_grpc_server_handling_seconds")
                       .Help("Time from an RPC's start to its status, by method and status code (streaming RPCs "
                             "count their whole stream)")
                       .Register(r);

  // The process and its devices (refreshed at each collection).
  resident_memory_ = &BuildGauge()
                          .Name("siren_process_resident_memory_bytes")
                          .Help("Resident memory of the server process (VmRSS)")
                          .Register(r)
                          .Add({});
  virtual_memory_ = &BuildGauge()
                         .Name("siren_process_virtual_memory_bytes")
                         .Help("Virtual memory of the server process (VmSize)")
                         .Register(r)
                         .Add({});
  cpu_seconds_ = &BuildCounter()
                      .Name("siren_process_cpu_seconds_total")
                      .Help("User and system CPU time of the server process")
                      .Register(r)
                      .Add({});
  threads_ = &BuildGauge().Name("siren_process_threads").Help("Threads of the server process").Register(r).Add({});
  start_time_ = &BuildGauge()
                     .Name("siren_process_start_time_seconds")
                     .Help("When the server started, seconds since the Unix epoch")
                     .Register(r)
                     .Add({});
  start_time_->Set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  device_memory_used_ = &BuildGauge()
                             .Name("siren_device_memory_used_bytes")
                             .Help("Memory in use on each GPU (device=\"cuda:N\"); one series device=\"cpu\" "
                                   "with 0 when the server has no GPU")
                             .Register(r);
  device_utilization_ = &BuildGauge()
                            .Name("siren_device_utilization_ratio")
                            .Help("Fraction of NVML's last sample period in which a kernel ran on each GPU "
                                  "(device=\"cuda:N\"; absent without a GPU)")
                            .Register(r);
  device_memory_total_ = &BuildGauge()
                              .Name("siren_device_memory_total_bytes")
                              .Help("Memory of each GPU; device=\"cpu\" 0 when the server has no GPU")
                              .Register(r);

  BuildGauge()
      .Name("siren_build_info")
      .Help("Always 1; the labels say which build is running")
      .Register(r)
      .Add({{"version", SIREN_VERSION},
            {"revision", SIREN_GIT_REVISION},
            {"torch_version", SIREN_TORCH_VERSION},
            {"build_type", SIREN_BUILD_TYPE}})
      .Set(1);

  // Series with known labels exist at 0 from the start: dashboards show zeros rather than gaps, and
  // rate() sees the first increase (a series born at 1 shows none).
  for (const auto& task : siren::task_kinds()) {  // the task registry's kinds
    jobs_submitted_->Add({{"task", task}});
    fit_steps_->Add({{"task", task}});
    fit_samples_->Add({{"task", task}});
    step_duration_->Add({{"task", task}}, kStepBuckets);
    queue_wait_->Add({{"task", task}}, kQueueBuckets);
    job_run_->Add({{"task", task}}, kRunBuckets);
    query_duration_->Add({{"task", task}}, kRpcBuckets);
    query_points_->Add({{"task", task}});
    for (const auto& format : export_formats(task)) {
      export_duration_->Add({{"task", task}, {"format", format.name}}, kRpcBuckets);
      export_bytes_->Add({{"task", task}, {"format", format.name}});
    }
    for (int s = v1::JobState_MIN + 1; s <= v1::JobState_MAX; ++s) {
      if (!v1::JobState_IsValid(s)) continue;
      const auto state = static_cast<v1::JobState>(s);
      jobs_->Add({{"state", wire::job_state_name(state)}, {"task", task}});
      if (wire::is_final_state(state)) {
        jobs_finished_->Add({{"task", task}, {"state", wire::job_state_name(state)}});
      }
    }
  }
  for (const auto& method : rpc_methods()) {
    rpcs_started_->Add({{"method", method}});
    rpcs_handled_->Add({{"method", method}, {"code", "OK"}});
    rpc_duration_->Add({{"method", method}, {"code", "OK"}}, kRpcBuckets);
  }
  collectable_ = std::make_shared<RefreshingCollectable>(*this, registry_);
  refresh();
}

Metrics::~Metrics() = default;

void Metrics::serve(const std::string& host, int port) {
  try {
    http_ = std::make_unique<MetricsHttpServer>(
        host, port, [collectable = collectable_] { return prometheus::TextSerializer().Serialize(collectable->Collect()); });
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on " + host_port(host, port) + ": " + e.what());
  }
}

std::string Metrics::task_label(v1::TaskKind kind) {
  try {
    return kind == v1::TASK_KIND_UNSPECIFIED ? "unknown" : wire::task_kind_name(kind);
  } catch (const std::exception&) {
    return "unknown";
  }
}

void Metrics::fleet_database_reachable(bool reachable) { fleet_database_up_->Set(reachable ? 1 : 0); }
void Metrics::fleet_claimed() { fleet_claims_->Increment(); }
void Metrics::fleet_requeued(v1::JobState outcome) {
  fleet_requeued_->Add({{"outcome", outcome == v1::JOB_STATE_FAILED ? "failed" : "queued"}}).Increment();
}
void Metrics::fleet_superseded() { fleet_superseded_->Increment(); }

void Metrics::job_submitted(const std::string& task) { jobs_submitted_->Add({{"task", task}}).Increment(); }

void Metrics::job_state_changed(const std::string& task, v1::JobState from, v1::JobState to) {
  if (from != v1::JOB_STATE_UNSPECIFIED)
    jobs_->Add({{"state", wire::job_state_name(from)}, {"task", task}}).Decrement();
  if (to != v1::JOB_STATE_UNSPECIFIED) jobs_->Add({{"state", wire::job_state_name(to)}, {"task", task}}).Increment();
}

void Metrics::queue_length(size_t jobs) { queue_length_->Set(static_cast<double>(jobs)); }

void Metrics::job_started(const std::string& task, double seconds_in_queue, bool packed) {
  queue_wait_->Add({{"task", task}}, kQueueBuckets).Observe(std::max(seconds_in_queue, 0.0));
  if (packed) jobs_packed_->Add({{"task", task}}).Increment();
}

void Metrics::job_finished(const std::string& task, v1::JobState state, double run_seconds) {
  jobs_finished_->Add({{"task", task}, {"state", wire::job_state_name(state)}}).Increment();
  if (run_seconds >= 0) job_run_->Add({{"task", task}}, kRunBuckets).Observe(run_seconds);
}

void Metrics::fit_steps(const std::string& task, int64_t steps, int64_t samples_per_step, double seconds_per_step) {
  if (steps <= 0) return;
  fit_steps_->Add({{"task", task}}).Increment(static_cast<double>(steps));
  if (samples_per_step > 0) fit_samples_->Add({{"task", task}}).Increment(static_cast<double>(steps * samples_per_step));
  if (seconds_per_step >= 0) {
    auto& histogram = step_duration_->Add({{"task", task}}, kStepBuckets);
    for (int64_t i = 0; i < steps; ++i) histogram.Observe(seconds_per_step);
  }
}

void Metrics::checkpoint_written(double seconds, int64_t bytes) {
  checkpoint_duration_->Observe(std::max(seconds, 0.0));
  if (bytes > 0) checkpoint_bytes_->Increment(static_cast<double>(bytes));
}

void Metrics::query(const std::string& task, int64_t points, double seconds) {
  query_duration_->Add({{"task", task}}, kRpcBuckets).Observe(seconds);
  if (points > 0) query_points_->Add({{"task", task}}).Increment(static_cast<double>(points));
}

void Metrics::export_done(const std::string& task, const std::string& format, int64_t bytes, double seconds) {
  export_duration_->Add({{"task", task}, {"format", format}}, kRpcBuckets).Observe(seconds);
  export_bytes_->Add({{"task", task}, {"format", format}}).Increment(static_cast<double>(std::max<int64_t>(bytes, 0)));
}

void Metrics::rpc_started(const std::string& method) { rpcs_started_->Add({{"method", method}}).Increment(); }

void Metrics::rpc_finished(const std::string& method, grpc::StatusCode code, double seconds) {
  const std::string code_name = status_code_name(code);
  rpcs_handled_->Add({{"method", method}, {"code", code_name}}).Increment();
  rpc_duration_->Add({{"method", method}, {"code", code_name}}, kRpcBuckets).Observe(std::max(seconds, 0.0));
}

void Metrics::refresh() const {
  std::lock_guard<std::mutex> lock(refresh_mu_);
  const ProcStatus status = read_proc_status();
  if (status.resident_bytes >= 0) resident_memory_->Set(status.resident_bytes);
  if (status.virtual_bytes >= 0) virtual_memory_->Set(status.virtual_bytes);
  if (status.threads >= 0) threads_->Set(status.threads);
  const double cpu = read_cpu_seconds();
  if (cpu > cpu_seconds_seen_) {
    cpu_seconds_->Increment(cpu - cpu_seconds_seen_);
    cpu_seconds_seen_ = cpu;
  }
  const auto devices = device_memory();
  if (devices.empty()) {
    // No GPU: one explicit zero, so the dashboard's device panel shows 0 instead of "no data".
    device_memory_used_->Add({{"device", "cpu"}}).Set(0);
    device_memory_total_->Add({{"device", "cpu"}}).Set(0);
  }
  for (const auto& device : devices) {
    device_memory_used_->Add({{"device", device.device}}).Set(static_cast<double>(device.used_bytes));
    device_memory_total_->Add({{"device", device.device}}).Set(static_cast<double>(device.total_bytes));
    if (device.utilization >= 0) device_utilization_->Add({{"device", device.device}}).Set(device.utilization);
  }
}

std::string Metrics::text() const { return prometheus::TextSerializer().Serialize(collectable_->Collect()); }

}  // namespace siren::server
