// A full disk mid-fit: the job fails with the cause in its error, the server keeps serving, what the fit
// saved last is kept as a model that continues the fit, and no file is left half-written. The data dir is
// a size-limited tmpfs, so the test needs root (mount); elsewhere it is skipped, saying why.
#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "e2e_fixture.h"
#include "siren/field_model.h"

namespace siren::e2e {
namespace {

// One periodic checkpoint of the 256-wide network below (weights and Adam moments, ~1.6 MB) fits; the
// next one's temporary does not.
constexpr const char* kDataDirSize = "size=2600k";

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

class DiskFullTest : public E2ETest {
 protected:
  void SetUp() override {
    E2ETest::SetUp();
    if (HasFatalFailure()) return;
    stop_server();
    if (::mount("tmpfs", path("data").c_str(), "tmpfs", 0, kDataDirSize) != 0) {
      const std::string why = std::strerror(errno);
      start_server();
      GTEST_SKIP() << "cannot mount a size-limited tmpfs for the data dir (" << why << "; needs root)";
    }
    mounted_ = true;
    start_server();
  }

  void TearDown() override {
    stop_server();
    if (mounted_) ::umount2(path("data").c_str(), MNT_DETACH);
    E2ETest::TearDown();
  }

  void stop_server() {
    if (!server_) return;
    server_->send_signal(SIGTERM);
    server_->wait(std::chrono::seconds(30));
    server_.reset();
  }

  bool mounted_ = false;
};

TEST_F(DiskFullTest, FullDiskFailsTheJobWithItsCauseAndKeepsItsLastCheckpoint) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const ProcessResult fit = siren({"fit", "image", image, "--hidden", "256", "--steps", "100000",
                                   "--checkpoint-every", "20", "--seed", "3"});
  EXPECT_NE(fit.exit_code, 0) << fit.out;
  const json result = last_json_line(fit);
  ASSERT_EQ(result.value("state", ""), "failed") << fit.out << fit.err << server_log();
  const std::string error = result.value("error", "");
  EXPECT_NE(lowercase(error).find("no space left"), std::string::npos) << error;

  EXPECT_TRUE(server_healthy()) << server_log();
  const ProcessResult jobs = siren({"jobs"});
  EXPECT_EQ(jobs.exit_code, 0) << jobs.err;

  // No temporary left behind, and every checkpoint on disk is whole.
  int checkpoints = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path("data"))) {
    const std::string name = entry.path().filename().string();
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << "left half-written: " << entry.path();
    if (entry.path().extension() == ".ckpt") {  // periodic checkpoints and models (model.ckpt)
      EXPECT_NO_THROW(FieldModel::read_info(entry.path().string())) << entry.path();
      ++checkpoints;
    }
  }
  EXPECT_GE(checkpoints, 1);

  // What the fit saved last is the job's model: downloaded (outside the full disk), it continues the fit.
  const std::string model_id = result.value("model_id", "");
  ASSERT_FALSE(model_id.empty()) << "the failed job kept no model: " << fit.out;
  EXPECT_NE(error.find(model_id), std::string::npos) << "the error should say where the checkpoint went: " << error;
  const std::string saved = path("last.ckpt");
  const ProcessResult download = siren({"download", model_id, "-o", saved});
  ASSERT_EQ(download.exit_code, 0) << download.err;
  const int64_t saved_step = FieldModel::read_info(saved).steps;
  EXPECT_GT(saved_step, 0);
  const ProcessResult resumed = siren({"fit", "image", image, "--hidden", "256", "--steps",
                                       std::to_string(saved_step + 10), "--resume", saved, "--local", "--model-out",
                                       path("resumed.ckpt")});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(last_json_line(resumed).value("step", 0), saved_step + 10) << resumed.out;
}

}  // namespace
}  // namespace siren::e2e
