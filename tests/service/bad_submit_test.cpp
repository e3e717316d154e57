// SubmitFit with bad input: every case fails the RPC with the exact code and a message that says
// what was wrong, and the server keeps answering afterwards.
#include <cmath>
#include <cstdint>
#include <map>
#include <functional>
#include <string>
#include <vector>

#include "siren/io/audio.h"
#include "test_server.h"

namespace siren::testing {
namespace {

// PNG bytes whose header claims a 0x0 image (valid signature, IHDR and IEND chunks with CRCs).
std::string zero_size_png() {
  auto crc32 = [](const std::string& bytes) {
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char b : bytes) {
      crc ^= b;
      for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
  };
  auto be32 = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    return be32(static_cast<uint32_t>(data.size())) + type + data + be32(crc32(type + data));
  };
  // width 0, height 0, bit depth 8, colour type 0 (gray), compression, filter, interlace 0.
  const std::string ihdr = be32(0) + be32(0) + std::string{8, 0, 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IEND", "");
}

v1::SubmitFitRequest spec_message(const v1::FitSpec& spec) {
  v1::SubmitFitRequest m;
  *m.mutable_spec() = spec;
  return m;
}
v1::SubmitFitRequest input_message(const std::string& bytes) {
  v1::SubmitFitRequest m;
  m.set_input_chunk(bytes);
  return m;
}
v1::SubmitFitRequest resume_message(const std::string& bytes) {
  v1::SubmitFitRequest m;
  m.set_resume_checkpoint_chunk(bytes);
  return m;
}

v1::FitSpec spec_with(const std::function<void(v1::FitSpec&)>& change) {
  v1::FitSpec spec = tiny_image_spec(5);
  change(spec);
  return spec;
}

v1::FitSpec task_spec(v1::TaskKind kind, const std::map<std::string, std::string>& options = {}) {
  v1::FitSpec spec = tiny_image_spec(5);
  spec.set_task(kind);
  for (const auto& [key, value] : options) (*spec.mutable_task_options())[key] = value;
  return spec;
}

std::string wav(int samples) {
  Audio audio;
  audio.sample_rate = 8000;
  for (int i = 0; i < samples; ++i) audio.samples.push_back(0.5f * std::sin(0.05f * i));
  return encode_wav(audio);
}

std::string many_points(int count) {
  std::string xyz;
  for (int i = 0; i < count; ++i) xyz += std::to_string(i % 97) + " " + std::to_string(i % 89) + " 1 0 0 1\n";
  return xyz;
}

v1::SubmitFitRequest with_job_options(v1::SubmitFitRequest message, const std::function<void(v1::JobOptions&)>& change) {
  change(*message.mutable_job_options());
  return message;
}

struct BadSubmit {
  std::string name;
  std::vector<v1::SubmitFitRequest> messages;
  grpc::StatusCode code;
  std::string message_part;
};

std::vector<BadSubmit> bad_submits() {
  const std::string png = gradient_png(16, 16);
  const auto ok_spec = spec_message(tiny_image_spec(5));
  const std::string big(700 * 1024, 'x');  // two of these exceed the suite's 1 MiB upload limit
  return {
      {"not_an_image", {ok_spec, input_message("this is not an image")}, grpc::StatusCode::INVALID_ARGUMENT,
       "could not decode"},
      {"zero_size_png", {ok_spec, input_message(zero_size_png())}, grpc::StatusCode::INVALID_ARGUMENT, "0x0"},
      // The image task decides that it needs input (helmholtz and wave take none).
      {"empty_input", {ok_spec}, grpc::StatusCode::INVALID_ARGUMENT, "the image task needs its input \"image\""},
      {"empty_input_chunk", {ok_spec, input_message("")}, grpc::StatusCode::INVALID_ARGUMENT,
       "the image task needs its input \"image\""},
      {"no_spec_first", {input_message(png), ok_spec}, grpc::StatusCode::INVALID_ARGUMENT,
       "first message must carry spec"},
      {"empty_stream", {}, grpc::StatusCode::INVALID_ARGUMENT, "first message must carry spec"},
      {"spec_twice", {ok_spec, input_message(png), ok_spec}, grpc::StatusCode::INVALID_ARGUMENT,
       "spec must be sent once"},
      {"unspecified_task",
       {spec_message(spec_with([](v1::FitSpec& s) { s.set_task(v1::TASK_KIND_UNSPECIFIED); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "task kind is unspecified; expected one of: image"},
      {"unknown_task",
       {spec_message(spec_with([](v1::FitSpec& s) { s.set_task(static_cast<v1::TaskKind>(99)); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "task kind is unknown (99)"},
      {"unknown_task_option",
       {spec_message(spec_with([](v1::FitSpec& s) { (*s.mutable_task_options())["colour"] = "red"; })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "colour"},
      {"negative_steps",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_steps(-5); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "steps must be in"},
      {"absurd_steps",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_steps(1'000'000'000'000); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "steps must be in"},
      {"negative_hidden",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_hidden_features(-3); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "hidden features"},
      {"absurd_hidden",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_hidden_features(1'000'000'000); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "hidden features"},
      {"unknown_activation",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_activation(static_cast<v1::Activation>(42)); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "activation is unknown (42)"},
      {"upload_too_large", {ok_spec, input_message(big), input_message(big)}, grpc::StatusCode::RESOURCE_EXHAUSTED,
       "--max-upload-mb"},
      {"resume_not_a_checkpoint", {ok_spec, input_message(png), resume_message("not a checkpoint")},
       grpc::StatusCode::INVALID_ARGUMENT, "checkpoint"},
      {"resume_truncated_checkpoint", {ok_spec, input_message(png), resume_message(std::string("PK\x03\x04", 4))},
       grpc::StatusCode::INVALID_ARGUMENT, "checkpoint"},
      {"zero_learning_rate",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_learning_rate(0); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "learning rate must be in (0, 10]"},
      {"nan_learning_rate",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_learning_rate(std::nan("")); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "learning rate"},
      {"negative_batch",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_batch_size(-1); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "batch size must be >= 0"},
      {"negative_checkpoint_every",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_checkpoint_every(-10); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "checkpoint_every"},
      {"infinite_clip",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_clip_grad_norm(INFINITY); })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "clip_grad_norm"},
      {"negative_omega",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_first_omega0(-30); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "omega0 must be a positive finite number"},
      {"too_many_layers",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_hidden_layers(1000); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "hidden layers must be in"},
      {"too_many_pe_frequencies",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_model()->set_pe_frequencies(99); })), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "pe_frequencies"},
      // The server's own caps (this suite's server: --max-steps 100000, --max-parameters 1000000, ...).
      {"over_max_steps",
       {spec_message(spec_with([](v1::FitSpec& s) { s.mutable_train()->set_steps(200000); })), input_message(png)},
       grpc::StatusCode::RESOURCE_EXHAUSTED, "--max-steps"},
      // Epochs are steps only once the task is built (an image epoch is one step): checked then too.
      {"over_max_steps_in_epochs",
       {spec_message(spec_with([](v1::FitSpec& s) {
          s.mutable_train()->set_steps(0);
          s.mutable_train()->set_epochs(200000);
        })),
        input_message(png)},
       grpc::StatusCode::RESOURCE_EXHAUSTED, "--max-steps"},
      {"over_max_parameters",
       {spec_message(spec_with([](v1::FitSpec& s) {
          s.mutable_model()->set_hidden_features(2048);
          s.mutable_model()->set_hidden_layers(3);
        })),
        input_message(png)},
       grpc::StatusCode::RESOURCE_EXHAUSTED, "--max-parameters"},
      {"image_over_max_pixels", {ok_spec, input_message(gradient_png(100, 100))}, grpc::StatusCode::INVALID_ARGUMENT,
       "--max-image-pixels"},
      {"bad_image_size_option",
       {spec_message(spec_with([](v1::FitSpec& s) { (*s.mutable_task_options())["size"] = "-4"; })),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "size"},
      // Other tasks' inputs.
      {"audio_not_audio", {spec_message(task_spec(v1::TASK_KIND_AUDIO)), input_message("RIFF....WAVEjunk")},
       grpc::StatusCode::INVALID_ARGUMENT, "audio"},
      {"audio_truncated_wav", {spec_message(task_spec(v1::TASK_KIND_AUDIO)), input_message(wav(1000).substr(0, 30))},
       grpc::StatusCode::INVALID_ARGUMENT, "audio"},
      {"audio_over_max_samples", {spec_message(task_spec(v1::TASK_KIND_AUDIO)), input_message(wav(150000))},
       grpc::StatusCode::INVALID_ARGUMENT, "--max-audio-samples"},
      {"video_undecodable", {spec_message(task_spec(v1::TASK_KIND_VIDEO)), input_message("RIFF\0\0\0\0AVI junk")},
       grpc::StatusCode::INVALID_ARGUMENT, "video"},
      {"sdf_empty_point_cloud", {spec_message(task_spec(v1::TASK_KIND_SDF)), input_message("\n\n  \n")},
       grpc::StatusCode::INVALID_ARGUMENT, "empty"},
      {"sdf_xyz_five_columns", {spec_message(task_spec(v1::TASK_KIND_SDF)), input_message("0 0 0 0 1\n")},
       grpc::StatusCode::INVALID_ARGUMENT, "has 5"},
      {"sdf_xyz_nan", {spec_message(task_spec(v1::TASK_KIND_SDF)), input_message("0 0 nan 0 0 1\n")},
       grpc::StatusCode::INVALID_ARGUMENT, "line 1"},
      {"sdf_zero_normal", {spec_message(task_spec(v1::TASK_KIND_SDF)), input_message("0 0 0 0 0 0\n")},
       grpc::StatusCode::INVALID_ARGUMENT, "normal"},
      {"sdf_ply_no_normals_no_faces",
       {spec_message(task_spec(v1::TASK_KIND_SDF)),
        input_message("ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\n"
                      "property float z\nend_header\n0 0 0\n")},
       grpc::StatusCode::INVALID_ARGUMENT, "no normals and no faces"},
      {"sdf_ply_truncated_binary",
       {spec_message(task_spec(v1::TASK_KIND_SDF)),
        input_message("ply\nformat binary_little_endian 1.0\nelement vertex 1000000\nproperty float x\n"
                      "property float y\nproperty float z\nend_header\n\1\2\3")},
       grpc::StatusCode::INVALID_ARGUMENT, "truncated"},
      {"sdf_over_max_points", {spec_message(task_spec(v1::TASK_KIND_SDF)), input_message(many_points(20000))},
       grpc::StatusCode::INVALID_ARGUMENT, "--max-points"},
      {"composite_without_foreground", {spec_message(task_spec(v1::TASK_KIND_POISSON_COMPOSITE)), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "needs its input \"foreground\""},
      {"helmholtz_unknown_velocity",
       {spec_message(task_spec(v1::TASK_KIND_HELMHOLTZ, {{"velocity", "granite"}}))}, grpc::StatusCode::INVALID_ARGUMENT,
       "granite"},
      // How the job runs (JobOptions).
      {"bad_request_id", {with_job_options(ok_spec, [](v1::JobOptions& o) { o.set_request_id("../../x"); }),
                          input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "request_id"},
      {"unknown_priority",
       {with_job_options(ok_spec, [](v1::JobOptions& o) { o.set_priority(static_cast<v1::Priority>(9)); }),
        input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "priority 9 is unknown"},
      {"negative_deadline",
       {with_job_options(ok_spec, [](v1::JobOptions& o) { o.set_deadline_seconds(-1); }), input_message(png)},
       grpc::StatusCode::INVALID_ARGUMENT, "deadline_seconds"},
  };
}

// Names the case in test listings instead of dumping its bytes.
void PrintTo(const BadSubmit& c, std::ostream* os) { *os << c.name; }

class ServiceBadSubmit : public ::testing::TestWithParam<BadSubmit> {
 protected:
  static void SetUpTestSuite() {
    server::ServerOptions options;
    options.max_upload_mb = 1;
    options.max_steps = 100000;
    options.max_parameters = 1000000;
    options.input_limits.max_image_pixels = 64 * 64;
    options.input_limits.max_audio_samples = 100000;
    options.input_limits.max_points = 10000;
    server_ = new TestServer(options);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer* server_;
};
TestServer* ServiceBadSubmit::server_ = nullptr;

TEST_P(ServiceBadSubmit, FailsWithClearStatus) {
  const BadSubmit& c = GetParam();
  const auto result = submit_messages(server_->stub(), c.messages);
  EXPECT_EQ(result.status.error_code(), c.code) << result.status.error_message();
  EXPECT_NE(result.status.error_message().find(c.message_part), std::string::npos)
      << "message: " << result.status.error_message();
  expect_server_alive(server_->stub());
}

INSTANTIATE_TEST_SUITE_P(Cases, ServiceBadSubmit, ::testing::ValuesIn(bad_submits()),
                         [](const auto& info) { return info.param.name; });

TEST(ServiceBadSubmitState, RejectedSubmissionsLeaveNoJobs) {
  TestServer server;
  submit_messages(server.stub(), {input_message("x")});
  submit_fit(server.stub(), tiny_image_spec(5), "not an image");
  grpc::ClientContext context;
  v1::ListJobsResponse jobs;
  ASSERT_TRUE(server.stub().ListJobs(&context, {}, &jobs).ok());
  EXPECT_EQ(jobs.jobs_size(), 0);
}

}  // namespace
}  // namespace siren::testing
