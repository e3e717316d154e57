#pragma once
// An in-process siren server on a free loopback port with a throw-away data dir, and helpers the
// service tests share (a tiny synthetic PNG, submitting a fit, waiting for a job to finish).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "server.h"
#include "siren/io/image.h"
#include "siren/v1/service.grpc.pb.h"
#include "siren/wire/job_states.h"
#include "tiny_fit.h"

namespace siren::testing {

namespace v1 = siren::v1;

inline std::string make_temp_dir() {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("siren-service-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

class TestServer {
 public:
  explicit TestServer(server::ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.data_dir == server::ServerOptions{}.data_dir) {
      owned_dir_ = make_temp_dir();
      options.data_dir = owned_dir_;
    }
    server_ = std::make_unique<server::Server>(options);
    server_->Start();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()), grpc::InsecureChannelCredentials());
    stub_ = v1::Siren::NewStub(channel_);
  }
  ~TestServer() {
    stop();
    if (!owned_dir_.empty()) std::filesystem::remove_all(owned_dir_);
  }
  void stop() {
    if (server_) server_->GracefulStop(std::chrono::seconds(10));
  }

  v1::Siren::Stub& stub() { return *stub_; }
  server::Server& server() { return *server_; }
  const std::string& data_dir() const { return server_->options().data_dir; }

 private:
  std::string owned_dir_;
  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Siren::Stub> stub_;
};

struct SubmitResult {
  grpc::Status status;
  v1::Job job;
};

// Sends the given messages as one SubmitFit stream (the caller decides what comes first).
inline SubmitResult submit_messages(v1::Siren::Stub& stub, const std::vector<v1::SubmitFitRequest>& messages,
                                    const std::string& token = "") {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  SubmitResult result;
  auto writer = stub.SubmitFit(&context, &result.job);
  for (const auto& m : messages)
    if (!writer->Write(m)) break;
  writer->WritesDone();
  result.status = writer->Finish();
  return result;
}

inline SubmitResult submit_fit(v1::Siren::Stub& stub, const v1::FitSpec& spec, const std::string& input) {
  std::vector<v1::SubmitFitRequest> messages(1);
  *messages[0].mutable_spec() = spec;
  if (!input.empty()) {
    messages.emplace_back();
    messages.back().set_input_chunk(input);
  }
  return submit_messages(stub, messages);
}

inline v1::Job get_job(v1::Siren::Stub& stub, const std::string& job_id) {
  grpc::ClientContext context;
  v1::GetJobRequest request;
  request.set_job_id(job_id);
  v1::Job job;
  EXPECT_TRUE(stub.GetJob(&context, request, &job).ok());
  return job;
}

// Polls until the job is terminal or `timeout` passes; returns the last seen job.
inline v1::Job wait_for_job(v1::Siren::Stub& stub, const std::string& job_id,
                            std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  v1::Job job = get_job(stub, job_id);
  while (!wire::is_final_state(job.state()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    job = get_job(stub, job_id);
  }
  return job;
}

// The server still answers after whatever a test did to it.
inline void expect_server_alive(v1::Siren::Stub& stub) {
  grpc::ClientContext context;
  v1::ListJobsResponse response;
  const auto status = stub.ListJobs(&context, v1::ListJobsRequest{}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// Calls a unary job RPC (CancelJob, PauseJob, ResumeJob) on `job_id`; the job it returns, and its status.
template <typename Request>
std::pair<grpc::Status, v1::Job> job_rpc(v1::Siren::Stub& stub,
                                         grpc::Status (v1::Siren::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                                 v1::Job*),
                                         const std::string& job_id) {
  grpc::ClientContext context;
  Request request;
  request.set_job_id(job_id);
  v1::Job job;
  grpc::Status status = (stub.*method)(&context, request, &job);
  return {status, job};
}

inline v1::Job cancel_job(v1::Siren::Stub& stub, const std::string& job_id) {
  auto [status, job] = job_rpc(stub, &v1::Siren::Stub::CancelJob, job_id);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return job;
}

// Polls until the job is in `state` or `timeout` passes; returns the last seen job.
inline v1::Job wait_for_state(v1::Siren::Stub& stub, const std::string& job_id, v1::JobState state,
                              std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  v1::Job job = get_job(stub, job_id);
  while (job.state() != state && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    job = get_job(stub, job_id);
  }
  return job;
}

}  // namespace siren::testing
