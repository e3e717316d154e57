#pragma once
#include "siren/wire/status_names.h"
// Prometheus metrics. Always counted (cheap); served on /metrics only when --metrics-port > 0.
#include <grpcpp/support/status_code_enum.h>

#include <cstdint>
#include <memory>
#include <string>

#include "siren/v1/jobs.pb.h"

namespace prometheus {
class Registry;
class Exposer;
template <typename T> class Family;
class Counter;
class Gauge;
}  // namespace prometheus

namespace siren::server {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  // Starts the HTTP endpoint; throws std::runtime_error if it cannot listen.
  void serve(const std::string& host, int port);

  void job_submitted(const std::string& task);
  // Moves one job between the siren_jobs{state} gauges; from = UNSPECIFIED for a new job.
  void job_state_changed(v1::JobState from, v1::JobState to);
  void fit_steps(int64_t steps);
  void rpc_finished(const std::string& method, grpc::StatusCode code);

  std::string text() const;  // the exposition format, as /metrics would serve it

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Family<prometheus::Counter>* jobs_submitted_;
  prometheus::Family<prometheus::Gauge>* jobs_;
  prometheus::Counter* fit_steps_;
  prometheus::Family<prometheus::Counter>* rpcs_;
};

using wire::status_code_name;

}  // namespace siren::server
