// Jobs RPCs: SubmitFit, GetJob, ListJobs, WatchJob, CancelJob, PauseJob, ResumeJob, DeleteJob.
#include <cmath>

#include <spdlog/spdlog.h>

#include "ids.h"
#include "job.h"
#include "auth.h"
#include "job_manager.h"
#include "rpc_error.h"
#include "service.h"
#include "watch_reactor.h"
#include "siren/fit.h"
#include "siren/task_description.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

namespace siren::server {
namespace {

using grpc::Status;
using grpc::StatusCode;

// A year: beyond that a deadline is a typo, not a plan.
constexpr double kMaxDeadlineSeconds = 365.0 * 24 * 3600;

struct Upload {
  v1::FitSpec spec;
  v1::JobOptions job_options;
  TaskInputs inputs;
  std::string resume_checkpoint;
};

// The first message of the stream: spec and job options.
Upload read_spec(grpc::ServerReader<v1::SubmitFitRequest>* reader) {
  v1::SubmitFitRequest message;
  if (!reader->Read(&message) || !message.has_spec()) {
    throw RpcError(StatusCode::INVALID_ARGUMENT,
                   "first message must carry spec (then named_input_chunk or input_chunk messages)");
  }
  Upload upload;
  upload.spec = message.spec();
  upload.job_options = message.job_options();
  return upload;
}

// Reads the rest of the client stream, the input and resume chunks, within the size limit.
void read_chunks(grpc::ServerReader<v1::SubmitFitRequest>* reader, int64_t max_bytes, Upload& upload) {
  auto check_size = [&](const std::string& chunk) {
    if (static_cast<int64_t>(upload.inputs.total_bytes() + upload.resume_checkpoint.size() + chunk.size()) >
        max_bytes) {
      throw RpcError(StatusCode::RESOURCE_EXHAUSTED,
                     "upload exceeds the server's limit of " + std::to_string(max_bytes / (1024 * 1024)) +
                         " MiB (input + resume checkpoint; server flag --max-upload-mb)");
    }
  };
  v1::SubmitFitRequest message;
  while (reader->Read(&message)) {
    switch (message.payload_case()) {
      case v1::SubmitFitRequest::kInputChunk:
        check_size(message.input_chunk());
        upload.inputs.append_first(message.input_chunk());
        break;
      case v1::SubmitFitRequest::kNamedInputChunk: {
        const auto& chunk = message.named_input_chunk();
        if (chunk.name().empty())
          throw RpcError(StatusCode::INVALID_ARGUMENT, "named_input_chunk.name is empty; ListTasks names each task's inputs");
        check_size(chunk.data());
        upload.inputs.append(chunk.name(), chunk.data());
        break;
      }
      case v1::SubmitFitRequest::kResumeCheckpointChunk:
        check_size(message.resume_checkpoint_chunk());
        upload.resume_checkpoint += message.resume_checkpoint_chunk();
        break;
      case v1::SubmitFitRequest::kSpec:
        throw RpcError(StatusCode::INVALID_ARGUMENT, "spec must be sent once, in the first message only");
      default: break;  // an empty message carries nothing
    }
  }
}

void check_job_options(const v1::JobOptions& options) {
  if (!options.request_id().empty()) require_valid_id(options.request_id(), "job_options.request_id");
  if (!v1::Priority_IsValid(options.priority())) {
    throw RpcError(StatusCode::INVALID_ARGUMENT,
                   "job_options.priority " + std::to_string(options.priority()) + " is unknown; use low, normal or high");
  }
  const double deadline = options.deadline_seconds();
  if (!std::isfinite(deadline) || deadline < 0 || deadline > kMaxDeadlineSeconds) {
    throw RpcError(StatusCode::INVALID_ARGUMENT, "job_options.deadline_seconds must be between 0 (none) and " +
                                                     std::to_string(static_cast<int64_t>(kMaxDeadlineSeconds)) +
                                                     " (a year), got " + std::to_string(deadline));
  }
}

// The server's own caps on what one fit may ask for, beyond the core's validity checks.
void check_fit_limits(const FitConfig& config, const ServerOptions& options) {
  if (config.train.steps > options.max_steps) {
    throw RpcError(StatusCode::RESOURCE_EXHAUSTED,
                   "train.steps = " + std::to_string(config.train.steps) + " exceeds this server's limit of " +
                       std::to_string(options.max_steps) + " (siren-server --max-steps)");
  }
  const int64_t parameters = config.model.parameter_count();
  if (parameters > options.max_parameters) {
    throw RpcError(StatusCode::RESOURCE_EXHAUSTED,
                   "the network (" + std::to_string(config.model.hidden_layers) + " hidden layers of " +
                       std::to_string(config.model.hidden_features) + ") has " + std::to_string(parameters) +
                       " parameters, more than this server's limit of " + std::to_string(options.max_parameters) +
                       " (siren-server --max-parameters); use fewer or narrower layers");
  }
}

}  // namespace

Status SirenService::SubmitFit(grpc::ServerContext* context, grpc::ServerReader<v1::SubmitFitRequest>* reader,
                               v1::Job* response) {
  return guard_.run("SubmitFit", context, [&] {
    if (jobs_.draining()) {
      return Status(StatusCode::UNAVAILABLE, "the server is shutting down; submit to another server or retry later");
    }
    // The spec and its options are checked before the upload is read: a bad request fails at once.
    Upload upload = read_spec(reader);
    check_job_options(upload.job_options);
    const FitConfig config = wire::fit_config_from_proto(upload.spec);
    check_fit_limits(config, options_);
    read_chunks(reader, options_.max_upload_bytes(), upload);
    // The inputs as the task names them (missing or unknown ones are INVALID_ARGUMENT), in one file.
    const std::string input = upload.inputs.pack(describe_task(config.task.kind));
    // Checked again once epochs are steps: a fit given in epochs names its steps only then.
    *response = jobs_.submit(upload.spec, config, upload.job_options, input, upload.resume_checkpoint,
                             [&](const FitConfig& prepared) { check_fit_limits(prepared, options_); },
                             guard_.auth().tenant_of(*context));
    return Status::OK;
  });
}

Status SirenService::GetJob(grpc::ServerContext* context, const v1::GetJobRequest* request, v1::Job* response) {
  return guard_.run("GetJob", context, [&] {
    require_valid_id(request->job_id(), "job_id");
    *response = jobs_.get(request->job_id());
    return Status::OK;
  });
}

Status SirenService::ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest*,
                              v1::ListJobsResponse* response) {
  return guard_.run("ListJobs", context, [&] {
    for (auto& job : jobs_.list()) *response->add_jobs() = std::move(job);
    return Status::OK;
  });
}

grpc::ServerWriteReactor<v1::JobEvent>* SirenService::WatchJob(grpc::CallbackServerContext* context,
                                                              const v1::WatchJobRequest* request) {
  return new WatchReactor(context, *request, jobs_, guard_);  // deletes itself when the call is done
}

Status SirenService::CancelJob(grpc::ServerContext* context, const v1::CancelJobRequest* request,
                               v1::Job* response) {
  return guard_.run("CancelJob", context, [&] {
    require_valid_id(request->job_id(), "job_id");
    *response = jobs_.cancel(request->job_id());
    return Status::OK;
  });
}

Status SirenService::PauseJob(grpc::ServerContext* context, const v1::PauseJobRequest* request, v1::Job* response) {
  return guard_.run("PauseJob", context, [&] {
    require_valid_id(request->job_id(), "job_id");
    *response = jobs_.pause(request->job_id());
    return Status::OK;
  });
}

Status SirenService::ResumeJob(grpc::ServerContext* context, const v1::ResumeJobRequest* request,
                               v1::Job* response) {
  return guard_.run("ResumeJob", context, [&] {
    require_valid_id(request->job_id(), "job_id");
    *response = jobs_.resume(request->job_id());
    return Status::OK;
  });
}

Status SirenService::DeleteJob(grpc::ServerContext* context, const v1::DeleteJobRequest* request,
                               v1::DeleteJobResponse*) {
  return guard_.run("DeleteJob", context, [&] {
    require_valid_id(request->job_id(), "job_id");
    jobs_.remove(request->job_id());
    return Status::OK;
  });
}

}  // namespace siren::server
