#include "metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "options.h"
#include "siren/wire/convert.h"

namespace siren::server {

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  jobs_submitted_ = &prometheus::BuildCounter()
                         .Name("siren_jobs_submitted_total")
                         .Help("Fit jobs accepted, by task kind")
                         .Register(*registry_);
  jobs_ = &prometheus::BuildGauge().Name("siren_jobs").Help("Jobs known to the server, by state").Register(*registry_);
  fit_steps_ = &prometheus::BuildCounter()
                    .Name("siren_fit_steps_total")
                    .Help("Optimiser steps run by all fits")
                    .Register(*registry_)
                    .Add({});
  rpcs_ = &prometheus::BuildCounter()
               .Name("siren_rpcs_total")
               .Help("RPCs finished, by method and status code")
               .Register(*registry_);
  // Every state present from the start, so dashboards see zeros rather than gaps.
  for (int s = v1::JobState_MIN + 1; s <= v1::JobState_MAX; ++s) {
    jobs_->Add({{"state", wire::job_state_name(static_cast<v1::JobState>(s))}});
  }
}

Metrics::~Metrics() = default;

void Metrics::serve(const std::string& host, int port) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(host_port(host, port));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve metrics on " + host_port(host, port) + ": " + e.what());
  }
  exposer_->RegisterCollectable(registry_);
}

void Metrics::job_submitted(const std::string& task) { jobs_submitted_->Add({{"task", task}}).Increment(); }

void Metrics::job_state_changed(v1::JobState from, v1::JobState to) {
  if (from != v1::JOB_STATE_UNSPECIFIED) jobs_->Add({{"state", wire::job_state_name(from)}}).Decrement();
  if (to != v1::JOB_STATE_UNSPECIFIED) jobs_->Add({{"state", wire::job_state_name(to)}}).Increment();
}

void Metrics::fit_steps(int64_t steps) {
  if (steps > 0) fit_steps_->Increment(static_cast<double>(steps));
}

void Metrics::rpc_finished(const std::string& method, grpc::StatusCode code) {
  rpcs_->Add({{"method", method}, {"code", status_code_name(code)}}).Increment();
}

std::string Metrics::text() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }


}  // namespace siren::server
