// One tiny real fit end to end through the service: the job succeeds, its model is listed and can be
// rendered, queried, watched and downloaded; bad render/query requests on that model fail cleanly.
#include <cmath>
#include <limits>
#include <thread>

#include "siren/io/image.h"
#include "metrics.h"
#include "test_server.h"

namespace siren::testing {
namespace {

constexpr int kSize = 16;
constexpr int64_t kSteps = 5;

class ServiceFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server::ServerOptions options;
    options.max_render_pixels = 10'000;
    options.max_query_points_per_message = 1'000;
    server_ = new TestServer(options);
    const auto submitted = submit_fit(server_->stub(), tiny_image_spec(kSteps), gradient_png(kSize, kSize));
    ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
    ASSERT_EQ(submitted.job.state(), v1::JOB_STATE_QUEUED);
    job_ = new v1::Job(wait_for_job(server_->stub(), submitted.job.job_id()));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete job_;
  }
  void SetUp() override { ASSERT_EQ(job_->state(), v1::JOB_STATE_SUCCEEDED) << job_->error(); }

  static v1::Siren::Stub& stub() { return server_->stub(); }

  struct Rendered {
    grpc::Status status;
    std::string png;
    int64_t total_bytes = -1;
  };
  static Rendered render(int width, int height) {
    grpc::ClientContext context;
    v1::RenderImageRequest request;
    request.set_model_id(job_->model_id());
    request.set_width(width);
    request.set_height(height);
    auto reader = stub().RenderImage(&context, request);
    Rendered out;
    v1::DataChunk chunk;
    while (reader->Read(&chunk)) {
      if (out.total_bytes < 0) out.total_bytes = chunk.total_bytes();
      out.png += chunk.data();
    }
    out.status = reader->Finish();
    return out;
  }

  // Sends each coordinate list as one message on one QueryField stream.
  static std::pair<grpc::Status, std::vector<v1::QueryFieldResponse>> query(
      const std::vector<std::vector<float>>& messages, const std::string& model_id) {
    grpc::ClientContext context;
    auto stream = stub().QueryField(&context);
    for (size_t i = 0; i < messages.size(); ++i) {
      v1::QueryFieldRequest request;
      if (i == 0) request.set_model_id(model_id);
      request.mutable_coords()->Add(messages[i].begin(), messages[i].end());
      if (!stream->Write(request)) break;
    }
    stream->WritesDone();
    std::vector<v1::QueryFieldResponse> responses;
    v1::QueryFieldResponse response;
    while (stream->Read(&response)) responses.push_back(response);
    return {stream->Finish(), responses};
  }

  static TestServer* server_;
  static v1::Job* job_;
};
TestServer* ServiceFit::server_ = nullptr;
v1::Job* ServiceFit::job_ = nullptr;

TEST_F(ServiceFit, JobSucceedsWithFinalProgressAndModel) {
  EXPECT_EQ(job_->progress().step(), kSteps);
  EXPECT_EQ(job_->progress().total_steps(), kSteps);
  EXPECT_FALSE(job_->model_id().empty());
  EXPECT_GT(job_->finished_unix_ms(), 0);
  EXPECT_EQ(job_->spec().model().hidden_features(), 16);
  EXPECT_EQ(job_->spec().name(), "tiny");
  EXPECT_NE(server_->server().metrics().text().find("siren_jobs_submitted_total{task=\"image\"} 1"), std::string::npos);
}

TEST_F(ServiceFit, ModelIsListedWithItsFacts) {
  grpc::ClientContext context;
  v1::ListModelsResponse models;
  ASSERT_TRUE(stub().ListModels(&context, {}, &models).ok());
  ASSERT_EQ(models.models_size(), 1);
  const v1::Model& model = models.models(0);
  EXPECT_EQ(model.model_id(), job_->model_id());
  EXPECT_EQ(model.job_id(), job_->job_id());
  EXPECT_EQ(model.task(), v1::TASK_KIND_IMAGE);
  EXPECT_EQ(model.in_features(), 2);
  EXPECT_EQ(model.out_features(), 1);
  EXPECT_EQ(model.steps(), kSteps);
  EXPECT_EQ(model.metadata().at("width"), std::to_string(kSize));
  EXPECT_GT(model.checkpoint_bytes(), 0);
}

TEST_F(ServiceFit, ExportModelUsesTheTasksFormats) {
  grpc::ClientContext get_context;
  v1::GetModelRequest get;
  get.set_model_id(job_->model_id());
  v1::Model model;
  ASSERT_TRUE(stub().GetModel(&get_context, get, &model).ok());
  ASSERT_GE(model.export_formats_size(), 1);
  EXPECT_EQ(model.export_formats(0).name(), "png");
  EXPECT_TRUE(model.export_formats(0).options().count("scale"));

  auto export_bytes = [](const std::string& format, const std::map<std::string, std::string>& options) {
    grpc::ClientContext context;
    v1::ExportModelRequest request;
    request.set_model_id(job_->model_id());
    request.set_format(format);
    for (const auto& [k, v] : options) (*request.mutable_options())[k] = v;
    auto reader = stub().ExportModel(&context, request);
    std::string bytes;
    v1::DataChunk chunk;
    while (reader->Read(&chunk)) bytes += chunk.data();
    return std::make_pair(reader->Finish(), bytes);
  };
  const auto [ok, png] = export_bytes("png", {{"scale", "2"}});
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(decode_image(png).width, 2 * kSize);
  const auto [bad_format, ignored1] = export_bytes("stl", {});
  EXPECT_EQ(bad_format.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_format.error_message().find("formats: png"), std::string::npos) << bad_format.error_message();
  const auto [bad_option, ignored2] = export_bytes("png", {{"dpi", "300"}});
  EXPECT_EQ(bad_option.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto [too_big, ignored3] = export_bytes("png", {{"scale", "50"}});  // over max_render_pixels
  EXPECT_EQ(too_big.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  expect_server_alive(stub());
}

TEST_F(ServiceFit, RenderReturnsPngOfRequestedSize) {
  const Rendered r = render(24, 20);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  // Exports stream as they are produced: total_bytes is either exact or 0 (unknown).
  EXPECT_TRUE(r.total_bytes == 0 || r.total_bytes == static_cast<int64_t>(r.png.size())) << r.total_bytes;
  const Image image = decode_image(r.png);
  EXPECT_EQ(image.width, 24);
  EXPECT_EQ(image.height, 20);

  const Rendered native = render(0, 0);  // 0 = the fitted image's size
  ASSERT_TRUE(native.status.ok()) << native.status.error_message();
  EXPECT_EQ(decode_image(native.png).width, kSize);
}

TEST_F(ServiceFit, BadRenderSizesAreInvalidArgument) {
  for (auto [w, h, part] : {std::tuple{-1, 16, "must be >= 0"}, std::tuple{16, -5, "must be >= 0"},
                            std::tuple{200, 200, "limit of 10000 pixels"},
                            std::tuple{65536, 65536, "limit of 10000 pixels"}}) {
    const Rendered r = render(w, h);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << w << "x" << h;
    EXPECT_NE(r.status.error_message().find(part), std::string::npos) << r.status.error_message();
    expect_server_alive(stub());
  }
}

TEST_F(ServiceFit, QueryReturnsOutFeaturesPerPoint) {
  const auto [status, responses] = query({{0.f, 0.f, 0.5f, -0.5f, 1.f, 1.f}, {-1.f, -1.f}, {}}, job_->model_id());
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].out_features(), 1);
  EXPECT_EQ(responses[0].values_size(), 3);
  EXPECT_EQ(responses[1].values_size(), 1);
  EXPECT_EQ(responses[2].values_size(), 0);
  for (float v : responses[0].values()) EXPECT_TRUE(std::isfinite(v));
}

TEST_F(ServiceFit, BadQueriesAreInvalidArgument) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    std::vector<std::vector<float>> messages;
    std::string model_id;
    std::string part;
  };
  const std::vector<Case> cases = {
      {{{0.f, 0.f, 0.5f}}, job_->model_id(), "not a multiple of in_features=2"},
      {{{0.f, 0.f}, {0.1f}}, job_->model_id(), "not a multiple of in_features=2"},
      {{{0.f, nan}}, job_->model_id(), "coords[1] is NaN"},
      {{{inf, 0.f}}, job_->model_id(), "coords[0] is infinite"},
      {{std::vector<float>(2 * 1001, 0.f)}, job_->model_id(), "too many points in one message: 1001 > limit 1000"},
      {{{0.f, 0.f}}, "", "model_id (required on the first message) is required"},
  };
  for (const Case& c : cases) {
    const auto [status, responses] = query(c.messages, c.model_id);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.part;
    EXPECT_NE(status.error_message().find(c.part), std::string::npos) << status.error_message();
    expect_server_alive(stub());
  }
}

TEST_F(ServiceFit, WatchAfterFinishGivesSnapshotThenCloses) {
  grpc::ClientContext context;
  v1::WatchJobRequest request;
  request.set_job_id(job_->job_id());
  auto reader = stub().WatchJob(&context, request);
  std::vector<v1::JobEvent> events;
  v1::JobEvent event;
  while (reader->Read(&event)) events.push_back(event);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), v1::JobEvent::TYPE_SNAPSHOT);
  EXPECT_EQ(events[0].job().state(), v1::JOB_STATE_SUCCEEDED);
}

std::pair<grpc::Status, std::vector<v1::JobEvent>> watch_after(v1::Siren::Stub& stub, const std::string& job_id,
                                                               int64_t after_sequence) {
  grpc::ClientContext context;
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  request.set_after_sequence(after_sequence);
  auto reader = stub.WatchJob(&context, request);
  std::vector<v1::JobEvent> events;
  v1::JobEvent event;
  while (reader->Read(&event)) events.push_back(event);
  return {reader->Finish(), events};
}

TEST_F(ServiceFit, AResumedWatchGetsTheKeptEventsItMissedInOrder) {
  // The whole log: QUEUED, STARTED, ..., FINISHED, numbered from 1 without a gap.
  const auto [status, all] = watch_after(stub(), job_->job_id(), 0);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(all.size(), 1u);
  const int64_t last = all[0].sequence();
  EXPECT_EQ(last, all[0].job().last_event_sequence());
  ASSERT_GE(last, 3) << "queued, started, finished at least";

  const auto [resumed_status, missed] = watch_after(stub(), job_->job_id(), 1);
  ASSERT_TRUE(resumed_status.ok()) << resumed_status.error_message();
  ASSERT_EQ(static_cast<int64_t>(missed.size()), last - 1) << "every kept event after 1, and then nothing: the "
                                                              "last one ends the watch";
  for (size_t i = 0; i < missed.size(); ++i) EXPECT_EQ(missed[i].sequence(), static_cast<int64_t>(i + 2));
  EXPECT_EQ(missed.front().type(), v1::JobEvent::TYPE_STARTED);
  EXPECT_EQ(missed.back().type(), v1::JobEvent::TYPE_FINISHED);
  EXPECT_EQ(missed.back().job().model_id(), job_->model_id());

  // Nothing missed: the snapshot alone, which ends the watch of a finished job.
  const auto [caught_up_status, caught_up] = watch_after(stub(), job_->job_id(), last);
  ASSERT_TRUE(caught_up_status.ok());
  ASSERT_EQ(caught_up.size(), 1u);
  EXPECT_EQ(caught_up[0].type(), v1::JobEvent::TYPE_SNAPSHOT);

  const auto [bad_status, none] = watch_after(stub(), job_->job_id(), -1);
  EXPECT_EQ(bad_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_status.error_message().find("after_sequence"), std::string::npos) << bad_status.error_message();
}

TEST(ServiceWatch, AWatchThatBrokeMidFitResumesWithNothingLostOrTwice) {
  TestServer server;
  v1::FitSpec spec = tiny_image_spec(4000);
  spec.mutable_train()->set_checkpoint_every(100);
  const auto submitted = submit_fit(server.stub(), spec, gradient_png(kSize, kSize));
  ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
  const std::string job_id = submitted.job.job_id();

  std::vector<int64_t> kept;  // kept events' numbers, in the order the two watches showed them
  const auto note = [&](const v1::JobEvent& event) {
    if (event.type() != v1::JobEvent::TYPE_SNAPSHOT && event.type() != v1::JobEvent::TYPE_PROGRESS)
      kept.push_back(event.sequence());
  };
  int64_t seen = 0;
  {
    grpc::ClientContext context;
    v1::WatchJobRequest request;
    request.set_job_id(job_id);
    auto reader = server.stub().WatchJob(&context, request);
    v1::JobEvent event;
    while (reader->Read(&event)) {
      if (event.type() == v1::JobEvent::TYPE_SNAPSHOT) kept.push_back(event.sequence());  // where it starts
      else note(event);
      seen = std::max(seen, event.sequence());
      if (event.type() == v1::JobEvent::TYPE_CHECKPOINT_SAVED) break;  // the client goes away mid-fit
    }
    context.TryCancel();
    reader->Finish();
  }
  ASSERT_GT(seen, 0);
  // Checkpoints go on without a watcher.
  const int64_t gone_at = get_job(server.stub(), job_id).last_checkpoint_step();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (get_job(server.stub(), job_id).last_checkpoint_step() < gone_at + 300 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  const auto [status, resumed] = watch_after(server.stub(), job_id, seen);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const auto& event : resumed) note(event);
  ASSERT_GE(kept.size(), 6u);
  for (size_t i = 1; i < kept.size(); ++i) EXPECT_EQ(kept[i], kept[i - 1] + 1) << "event " << i;
  EXPECT_EQ(resumed.back().type(), v1::JobEvent::TYPE_FINISHED);
  EXPECT_EQ(resumed.back().sequence(), get_job(server.stub(), job_id).last_event_sequence());
}

TEST_F(ServiceFit, DownloadCheckpointStreamsTheWholeFile) {
  grpc::ClientContext get_context;
  v1::GetModelRequest get;
  get.set_model_id(job_->model_id());
  v1::Model model;
  ASSERT_TRUE(stub().GetModel(&get_context, get, &model).ok());

  grpc::ClientContext context;
  v1::DownloadCheckpointRequest request;
  request.set_model_id(job_->model_id());
  auto reader = stub().DownloadCheckpoint(&context, request);
  std::string bytes;
  int64_t total = -1;
  v1::DataChunk chunk;
  while (reader->Read(&chunk)) {
    if (total < 0) total = chunk.total_bytes();
    bytes += chunk.data();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(total, model.checkpoint_bytes());
  EXPECT_EQ(static_cast<int64_t>(bytes.size()), model.checkpoint_bytes());
}

}  // namespace
}  // namespace siren::testing
