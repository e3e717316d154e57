#pragma once
// The siren.v1.Siren gRPC service. Thin on purpose: each method checks its request, translates
// proto <-> core (siren::wire), calls the job manager, model store or core, and lets the RPC guard
// turn exceptions into statuses. Jobs RPCs are in service_jobs.cpp, model RPCs in service_models.cpp.
#include "options.h"
#include "siren/export.h"
#include "rpc_guard.h"
#include "siren/v1/service.grpc.pb.h"

namespace siren::server {

class JobManager;
class ModelStore;

// WatchJob is a callback RPC (watch_reactor.h): watchers wait without holding threads. The rest are
// synchronous: short calls, or streams that work all the way (uploads, renders, queries).
class SirenService final : public v1::Siren::WithCallbackMethod_WatchJob<v1::Siren::Service> {
 public:
  SirenService(const ServerOptions& options, JobManager& jobs, ModelStore& models, const RpcGuard& guard)
      : options_(options), jobs_(jobs), models_(models), guard_(guard) {}

  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;
  grpc::Status SubmitFit(grpc::ServerContext* context, grpc::ServerReader<v1::SubmitFitRequest>* reader,
                         v1::Job* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const v1::GetJobRequest* request, v1::Job* response) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const v1::ListJobsRequest* request,
                        v1::ListJobsResponse* response) override;
  grpc::ServerWriteReactor<v1::JobEvent>* WatchJob(grpc::CallbackServerContext* context,
                                                  const v1::WatchJobRequest* request) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const v1::CancelJobRequest* request,
                         v1::Job* response) override;
  grpc::Status PauseJob(grpc::ServerContext* context, const v1::PauseJobRequest* request,
                        v1::Job* response) override;
  grpc::Status ResumeJob(grpc::ServerContext* context, const v1::ResumeJobRequest* request,
                         v1::Job* response) override;
  grpc::Status DeleteJob(grpc::ServerContext* context, const v1::DeleteJobRequest* request,
                         v1::DeleteJobResponse* response) override;

  grpc::Status ListModels(grpc::ServerContext* context, const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status GetModel(grpc::ServerContext* context, const v1::GetModelRequest* request, v1::Model* response) override;
  grpc::Status DeleteModel(grpc::ServerContext* context, const v1::DeleteModelRequest* request,
                           v1::DeleteModelResponse* response) override;
  grpc::Status RenderImage(grpc::ServerContext* context, const v1::RenderImageRequest* request,
                           grpc::ServerWriter<v1::DataChunk>* writer) override;
  grpc::Status QueryField(grpc::ServerContext* context,
                          grpc::ServerReaderWriter<v1::QueryFieldResponse, v1::QueryFieldRequest>* stream) override;
  grpc::Status ExportModel(grpc::ServerContext* context, const v1::ExportModelRequest* request,
                           grpc::ServerWriter<v1::DataChunk>* writer) override;
  grpc::Status DownloadCheckpoint(grpc::ServerContext* context, const v1::DownloadCheckpointRequest* request,
                                  grpc::ServerWriter<v1::DataChunk>* writer) override;

 private:
  grpc::Status export_to(grpc::ServerWriter<v1::DataChunk>* writer, const std::string& model_id,
                         const std::string& format, const ExportOptions& options);

  const ServerOptions& options_;
  JobManager& jobs_;
  ModelStore& models_;
  const RpcGuard& guard_;
};

}  // namespace siren::server
