#pragma once
// What a model/checkpoint file says about itself (no LibTorch here).
#include <cstdint>
#include <map>
#include <string>

#include "siren/fit_config.h"

namespace siren {

struct ModelInfo {
  FitConfig config;                             // with in/out features resolved by the task
  std::string task_kind;
  int64_t steps = 0;                            // optimiser updates in this state
  std::map<std::string, double> metrics;        // figures at `steps` (loss, psnr, ...)
  std::map<std::string, std::string> metadata;  // task facts, e.g. width/height/channels

  std::string to_json() const;
  static ModelInfo from_json(const std::string& json);  // throws InvalidInput
};

// Throws InvalidInput unless a fit described by `wanted` (asking for `total_steps`) can continue from a
// checkpoint described by `saved`: same task kind, same network, fewer steps done.
void check_resumable(const ModelInfo& saved, const ModelInfo& wanted, int64_t total_steps);

}  // namespace siren
