// Faithfulness against PyTorch itself: bench/pytorch_eager.py builds the network exactly as the
// paper's code does (nn.Linear + sin(30x), sine_init then first_layer_sine_init) and trains it with
// torch.optim.Adam. LibTorch's generator is the one Python's torch uses, so under the same seed our
// initial weights must be the very same numbers, and our training steps must follow its loss curve.
// Skipped where Debian's python3-torch is not installed (scripts/install-deps.sh installs it).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "eager_baseline.h"  // bench/: runs bench/pytorch_eager.py
#include "siren/fit.h"
#include "siren/io/files.h"
#include "siren/network.h"
#include "synthetic.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

class PyTorchParity : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!bench::eager_available(&why)) GTEST_SKIP() << "no PyTorch to compare against: " << why;
    dir_ = fs::temp_directory_path() / ("siren_pytorch_parity_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string eager(const std::string& args) {
    int status = 0;
    const std::string out = bench::run_eager_script(args, 2, &status);
    EXPECT_EQ(status, 0) << "pytorch_eager.py " << args << " failed:\n" << out;
    return out;
  }
  fs::path dir_;
};

std::vector<float> read_floats(const std::string& path) {
  const std::string bytes = read_file(path);
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

TEST_F(PyTorchParity, InitialWeightsArePyTorchsBitForBit) {
  for (const auto& [seed, in_features] : std::vector<std::pair<int, int>>{{0, 2}, {11, 3}, {5, 1}}) {
    const std::string dump = (dir_ / ("init_" + std::to_string(seed))).string();
    eager("dump-init --seed " + std::to_string(seed) + " --in-features " + std::to_string(in_features) +
          " --out-features 1 --out " + dump);
    const std::vector<float> reference = read_floats(dump);

    ModelSpec spec;  // the paper's defaults: sine, 3 x 256, omega0 30
    spec.in_features = in_features;
    spec.out_features = 1;
    // From the default generator as PyTorch seeds it, and from a fit's own generator (fit.cpp).
    torch::manual_seed(seed);
    FieldNetwork from_default(spec);
    FieldNetwork from_own(spec, at::make_generator<at::CPUGeneratorImpl>(seed));
    for (FieldNetwork* network : {&from_default, &from_own}) {
      const std::string which = network == &from_default ? "default generator" : "own generator";
      std::vector<float> ours;
      for (const auto& p : (*network)->parameters()) {  // weight, bias per layer, as nn.Sequential lists them
        const torch::Tensor flat = p.detach().contiguous().view(-1);
        ours.insert(ours.end(), flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
      }
      ASSERT_EQ(ours.size(), reference.size()) << "seed " << seed;
      size_t differing = 0;
      for (size_t i = 0; i < ours.size(); ++i) differing += ours[i] != reference[i];
      EXPECT_EQ(differing, 0u) << which << ", seed " << seed << ", " << in_features << "-D input: " << differing
                               << " of " << ours.size() << " initial parameters differ from PyTorch's";
    }
  }
}

TEST_F(PyTorchParity, ImageFitFollowsPyTorchsLossCurve) {
  constexpr int kSteps = 12;
  const std::string png_path = (dir_ / "image.png").string();
  const std::string png = encode_png(testing::synthetic_image(32, 32));
  write_file_atomically(png_path, png);

  std::string report;
  for (int k = 0; k <= kSteps; ++k) report += (k ? "," : "") + std::to_string(k);
  std::vector<double> reference;
  const std::string out = eager("fit-image --image " + png_path + " --seed 3 --steps " + std::to_string(kSteps) +
                                " --report " + report);
  size_t start = 0;
  while (start < out.size()) {
    const size_t end = out.find('\n', start);
    const std::string line = out.substr(start, end - start);
    if (!line.empty()) reference.push_back(nlohmann::json::parse(line).at("loss").get<double>());
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ASSERT_EQ(reference.size(), static_cast<size_t>(kSteps + 1)) << out;

  FitConfig config = preset_fit_config("image");
  config.train.steps = kSteps;
  config.train.seed = 3;
  std::vector<double> ours;
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) { ours.push_back(p.loss); };  // before each update, then final
  run_fit(config, png, {}, callbacks);
  ASSERT_EQ(ours.size(), reference.size());

  // Not bit-equal: the reference adds the bias after a batched matmul, LibTorch's linear fuses it (addmm),
  // so the last bits differ and Adam carries them on. Equal to float precision over these steps.
  for (size_t k = 0; k < ours.size(); ++k) {
    EXPECT_NEAR(ours[k], reference[k], 1e-4 * reference[k] + 1e-7) << "loss after " << k << " updates";
  }
  EXPECT_LT(ours.back(), 0.5 * ours.front()) << "the fit should have learnt something in " << kSteps << " steps";
}

}  // namespace
}  // namespace siren
