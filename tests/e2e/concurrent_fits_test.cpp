// Two fits at once on a server with two workers (issue 18): each must end with the very weights it gets
// alone (its random numbers come from its own generators, not the process's), and the pair must not
// oversubscribe the cores (the workers split --threads between them instead of each starting pools of
// every core; before that, two fits at once on 2 cores ran 38x slower each).
#include <torch/torch.h>

#include <algorithm>
#include <iostream>

#include "e2e_fixture.h"
#include "siren/checkpoint.h"
#include "siren/network.h"

namespace siren::e2e {
namespace {

// The pair on two workers may take this many times the longer lone fit (the bound): 1x when each
// fit has a core of its own, 2x if they took turns, far more when their thread pools oversubscribe.
constexpr double kMaxPairSlowdown = 2.5;
// Timing on a shared 2-core machine is noisy: the figures are measured again once before failing.
constexpr int kTimingAttempts = 2;

class ConcurrentFitsTest : public E2ETest {
 protected:
  int workers() const override { return 2; }

  void SetUp() override {
    E2ETest::SetUp();
    image_ = write_image("image.png", synthetic_image(64, 64));
    points_ = write_file("sphere.xyz", sphere_xyz(2000));
  }

  // Both fits draw random numbers every step (image batches, SDF points) and take ~2.5 s alone on the one
  // thread each worker gets, long enough that starting the CLI and the fit does not dominate the timing.
  // The paper's 256-wide network: its products and elementwise ops are large enough that LibTorch and
  // BLIS run them on every thread they are given (a narrow one would stay on one thread and hide the
  // oversubscription this test is about).
  std::vector<std::string> image_fit() const {
    return {"fit", "image", image_, "--steps", "70", "--batch-size", "2048", "--seed", "5"};
  }
  std::vector<std::string> sdf_fit() const {
    return {"fit", "sdf", points_, "--first-w0", "3", "--steps", "30", "--on-surface-points", "1000", "--seed", "5"};
  }

  // Runs the fits at once (each through its own CLI, watching to the end); their result lines.
  std::vector<json> run_together(const std::vector<std::vector<std::string>>& fits) {
    std::vector<std::unique_ptr<Subprocess>> clients;
    for (const auto& fit : fits) clients.push_back(start_siren(fit));
    std::vector<json> results;
    for (size_t i = 0; i < clients.size(); ++i) {
      const ProcessResult done = clients[i]->wait(std::chrono::seconds(300));
      EXPECT_EQ(done.exit_code, 0) << describe(siren_argv(fits[i]), done);
      results.push_back(last_json_line(done));
      EXPECT_EQ(results.back()["state"], "succeeded") << done.out;
    }
    return results;
  }
  json run_alone(const std::vector<std::string>& fit) { return run_together({fit}).front(); }

  // The job records' own start and end (server time, ms): from the first start to the last end.
  double wall_seconds(const std::vector<json>& results) {
    const ProcessResult listed = siren({"jobs"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    int64_t first_start = INT64_MAX, last_end = 0;
    for (const json& job : json_lines(listed.out)) {
      for (const json& result : results) {
        if (!job.contains("job_id") || job["job_id"] != result["job_id"]) continue;
        first_start = std::min(first_start, job["started_unix_ms"].get<int64_t>());
        last_end = std::max(last_end, job["finished_unix_ms"].get<int64_t>());
      }
    }
    EXPECT_GT(last_end, 0) << listed.out;
    return (last_end - first_start) / 1000.0;
  }

  // Every parameter of the model a result names, downloaded through the CLI as a checkpoint.
  std::vector<std::pair<std::string, torch::Tensor>> parameters(const json& result) {
    const std::string file = path(result["model_id"].get<std::string>() + ".ckpt");
    const ProcessResult downloaded = siren({"download", result["model_id"], "-o", file});
    EXPECT_EQ(downloaded.exit_code, 0) << downloaded.err;
    CheckpointReader reader(file);
    FieldNetwork network(reader.info().config.model);
    reader.restore_network(network);
    std::vector<std::pair<std::string, torch::Tensor>> named;
    for (const auto& item : network->named_parameters()) named.emplace_back(item.key(), item.value().detach());
    return named;
  }

  void expect_same_weights(const json& alone, const json& together, const std::string& what) {
    EXPECT_EQ(together["loss"].get<double>(), alone["loss"].get<double>()) << what;  // JSON keeps every bit
    const auto a = parameters(alone), b = parameters(together);
    ASSERT_EQ(a.size(), b.size()) << what;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].first, b[i].first) << what;
      EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << what << ": " << a[i].first << " differs";
    }
  }

  std::string image_, points_;
};

TEST_F(ConcurrentFitsTest, TwoFitsAtOnceGiveTheirLoneWeightsBitForBitWithoutSlowingDown) {
  double alone_seconds = 0, pair_seconds = 0;
  for (int attempt = 1; attempt <= kTimingAttempts; ++attempt) {
    const json image_alone = run_alone(image_fit());
    const json sdf_alone = run_alone(sdf_fit());
    const std::vector<json> pair = run_together({image_fit(), sdf_fit()});
    ASSERT_FALSE(HasFailure());

    // Bit for bit, every attempt: sharing the process (and its default generator) changes nothing.
    expect_same_weights(image_alone, pair[0], "image fit next to an SDF fit");
    expect_same_weights(sdf_alone, pair[1], "SDF fit next to an image fit");
    if (HasFailure()) return;

    alone_seconds = std::max(wall_seconds({image_alone}), wall_seconds({sdf_alone}));
    pair_seconds = wall_seconds(pair);
    std::cout << "attempt " << attempt << ": image alone " << wall_seconds({image_alone}) << " s, SDF alone "
              << wall_seconds({sdf_alone}) << " s, both at once " << pair_seconds << " s ("
              << pair_seconds / alone_seconds << "x the longer lone fit)\n";
    if (pair_seconds <= kMaxPairSlowdown * alone_seconds) break;
  }
  EXPECT_GE(alone_seconds, 1.0) << "fits this short measure startup more than training";
  EXPECT_LE(pair_seconds, kMaxPairSlowdown * alone_seconds)
      << "two fits on two workers took " << pair_seconds << " s, the longer alone " << alone_seconds << " s";
}

}  // namespace
}  // namespace siren::e2e
