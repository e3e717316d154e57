#pragma once
// What the GPU tests share (CTest label `gpu`): the skip on a machine without a CUDA device, a small fit
// configuration, and random query points. Tasks are built from data made here (no media decoders: these
// tests also run in the LibTorch-only build of scripts/gpu-check.sh).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "siren/fit_config.h"
#include "siren/runtime.h"

// Reported by CTest as skipped (never as passed) where no GPU is present: tests/CMakeLists.txt sets
// SKIP_REGULAR_EXPRESSION on GoogleTest's "[  SKIPPED ]".
#define SIREN_REQUIRE_CUDA()                                                                           \
  do {                                                                                                 \
    if (!::siren::cuda_available()) GTEST_SKIP() << "no CUDA device on this machine (gpu test label)"; \
  } while (0)

namespace siren::gpu_testing {

// A quick fit: the task's own model but 2 x 64 hidden, `steps` updates, no periodic checkpoints.
inline FitConfig small_fit(int64_t steps, int64_t batch_size, const std::string& precision = "fp32") {
  FitConfig config;
  config.model.hidden_features = 64;
  config.model.hidden_layers = 2;
  config.train.steps = steps;
  config.train.batch_size = batch_size;
  config.train.checkpoint_every = 0;
  config.train.precision = precision;
  return config;
}

// n points uniform in [-1, 1]^dims, flattened row-major as FieldModel::query takes them.
inline std::vector<float> random_points(int64_t n, int dims, uint64_t seed = 7) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor points = (torch::rand({n, dims}, gen, torch::kFloat32) * 2 - 1).contiguous();
  return std::vector<float>(points.data_ptr<float>(), points.data_ptr<float>() + points.numel());
}

inline float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = a.size() == b.size() ? 0.0f : INFINITY;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("siren-gpu-" + std::to_string(::getpid()) + "-" +
                                                             std::to_string(counter()++))) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path_;
};

}  // namespace siren::gpu_testing
