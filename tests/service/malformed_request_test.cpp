// Requests that do not parse as their message type (found by tests/integration/foreign_fuzz.py): gRPC answers
// them before any handler runs, by default with INTERNAL and no message; the server's interceptor
// (server/rpc_guard.cpp) makes that INVALID_ARGUMENT with a message naming the method. Raw bytes through
// gRPC's generic stub: a stub of ours could not send them.
#include <grpcpp/generic/generic_stub.h>

#include <string>

#include "test_server.h"

namespace siren::testing {
namespace {

grpc::ByteBuffer raw(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

void next(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
}

// One request message, the stream closed, every response read; the final status.
grpc::Status call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method, const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  auto stream = stub.PrepareCall(&context, method, &cq);
  stream->StartCall(nullptr);
  next(cq);
  stream->Write(raw(bytes), nullptr);
  next(cq);
  stream->WritesDone(nullptr);
  next(cq);
  grpc::ByteBuffer response;
  for (;;) {
    void* tag = nullptr;
    bool ok = false;
    stream->Read(&response, nullptr);
    if (!cq.Next(&tag, &ok) || !ok) break;
  }
  grpc::Status status;
  stream->Finish(&status, nullptr);
  next(cq);
  cq.Shutdown();
  return status;
}

TEST(ServiceMalformedRequest, UnaryAndServerStreamingRequestsThatDoNotParseAreInvalidArgumentWithAMessage) {
  TestServer server;
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.server().port()),
                                     grpc::InsecureChannelCredentials());
  const std::string garbage[] = {
      std::string("\xff\xff\xff", 3),                       // a truncated varint tag
      std::string("\x0a\x05""ab", 4),                       // job_id/model_id claims 5 bytes, has 2
      std::string("\x0a\x02\xff\xfe", 4),                   // a string field that is not UTF-8
      std::string(200, '\x0b'),                              // 200 nested START_GROUPs
  };
  for (const char* method : {"/siren.v1.Siren/GetJob", "/siren.v1.Siren/GetModel", "/siren.v1.Siren/RenderImage",
                             "/siren.v1.Siren/WatchJob"}) {
    for (const auto& bytes : garbage) {
      const grpc::Status status = call(channel, method, bytes);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method << ": " << status.error_message();
      EXPECT_NE(status.error_message().find(method), std::string::npos) << status.error_message();
    }
  }
  // A handler's own INVALID_ARGUMENT is left as it is.
  const grpc::Status empty_id = call(channel, "/siren.v1.Siren/GetJob", "");
  EXPECT_EQ(empty_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(empty_id.error_message(), "job_id is required");
  expect_server_alive(server.stub());
}

}  // namespace
}  // namespace siren::testing
