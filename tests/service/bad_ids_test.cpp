// Unknown and malformed job/model ids across every RPC that takes one: NOT_FOUND for ids that could
// exist, INVALID_ARGUMENT for ids that could never be valid (path traversal, empty).
#include <functional>
#include <string>
#include <vector>

#include "test_server.h"

namespace siren::testing {
namespace {

using Call = std::function<grpc::Status(v1::Siren::Stub&, const std::string& id)>;

const std::vector<std::pair<std::string, Call>>& job_calls() {
  static const std::vector<std::pair<std::string, Call>> calls = {
      {"GetJob",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::GetJobRequest request;
         request.set_job_id(id);
         v1::Job job;
         return stub.GetJob(&context, request, &job);
       }},
      {"WatchJob",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::WatchJobRequest request;
         request.set_job_id(id);
         auto reader = stub.WatchJob(&context, request);
         v1::JobEvent event;
         while (reader->Read(&event)) {
         }
         return reader->Finish();
       }},
      {"CancelJob",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::CancelJobRequest request;
         request.set_job_id(id);
         v1::Job job;
         return stub.CancelJob(&context, request, &job);
       }},
      {"PauseJob",
       [](v1::Siren::Stub& stub, const std::string& id) { return job_rpc(stub, &v1::Siren::Stub::PauseJob, id).first; }},
      {"ResumeJob",
       [](v1::Siren::Stub& stub, const std::string& id) { return job_rpc(stub, &v1::Siren::Stub::ResumeJob, id).first; }},
      {"DeleteJob",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::DeleteJobRequest request;
         request.set_job_id(id);
         v1::DeleteJobResponse response;
         return stub.DeleteJob(&context, request, &response);
       }},
  };
  return calls;
}

const std::vector<std::pair<std::string, Call>>& model_calls() {
  static const std::vector<std::pair<std::string, Call>> calls = {
      {"GetModel",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::GetModelRequest request;
         request.set_model_id(id);
         v1::Model model;
         return stub.GetModel(&context, request, &model);
       }},
      {"DeleteModel",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::DeleteModelRequest request;
         request.set_model_id(id);
         v1::DeleteModelResponse response;
         return stub.DeleteModel(&context, request, &response);
       }},
      {"RenderImage",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::RenderImageRequest request;
         request.set_model_id(id);
         auto reader = stub.RenderImage(&context, request);
         v1::DataChunk chunk;
         while (reader->Read(&chunk)) {
         }
         return reader->Finish();
       }},
      {"QueryField",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         auto stream = stub.QueryField(&context);
         v1::QueryFieldRequest request;
         request.set_model_id(id);
         request.add_coords(0.0f);
         request.add_coords(0.0f);
         stream->Write(request);
         stream->WritesDone();
         v1::QueryFieldResponse response;
         while (stream->Read(&response)) {
         }
         return stream->Finish();
       }},
      {"DownloadCheckpoint",
       [](v1::Siren::Stub& stub, const std::string& id) {
         grpc::ClientContext context;
         v1::DownloadCheckpointRequest request;
         request.set_model_id(id);
         auto reader = stub.DownloadCheckpoint(&context, request);
         v1::DataChunk chunk;
         while (reader->Read(&chunk)) {
         }
         return reader->Finish();
       }},
  };
  return calls;
}

struct BadId {
  std::string id;
  grpc::StatusCode code;
  std::string message_part;
};

const std::vector<BadId>& bad_job_ids() {
  static const std::vector<BadId> ids = {
      {"job-000000000000", grpc::StatusCode::NOT_FOUND, "job 'job-000000000000' not found"},
      {"../x", grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
      {"a/b", grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
      {"..", grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
      {"", grpc::StatusCode::INVALID_ARGUMENT, "job_id is required"},
      // Quoted back, a 1 MB id would make a status no client can read (its metadata limit): the message
      // says what was wrong in a few bytes.
      {std::string(1 << 20, '/'), grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
  };
  return ids;
}

const std::vector<BadId>& bad_model_ids() {
  static const std::vector<BadId> ids = {
      {"model-000000000000", grpc::StatusCode::NOT_FOUND, "model 'model-000000000000' not found"},
      {"../../etc", grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
      {"/tmp", grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
      {"", grpc::StatusCode::INVALID_ARGUMENT, "is required"},
      {std::string(1 << 20, '%'), grpc::StatusCode::INVALID_ARGUMENT, "not a valid id"},
  };
  return ids;
}

class ServiceBadIds : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static void check(const std::vector<std::pair<std::string, Call>>& calls, const std::vector<BadId>& ids) {
    for (const auto& [rpc, call] : calls) {
      for (const auto& bad : ids) {
        SCOPED_TRACE(rpc + "('" + bad.id.substr(0, 40) + "')");
        const grpc::Status status = call(server_->stub(), bad.id);
        EXPECT_EQ(status.error_code(), bad.code) << status.error_message();
        EXPECT_NE(status.error_message().find(bad.message_part), std::string::npos)
            << "message: " << status.error_message().substr(0, 200);
        EXPECT_LE(status.error_message().size(), 2048u);
        expect_server_alive(server_->stub());
      }
    }
  }
  static TestServer* server_;
};
TestServer* ServiceBadIds::server_ = nullptr;

TEST_F(ServiceBadIds, JobRpcs) { check(job_calls(), bad_job_ids()); }
TEST_F(ServiceBadIds, ModelRpcs) { check(model_calls(), bad_model_ids()); }

}  // namespace
}  // namespace siren::testing
