#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace siren {

// One progress report. `step` = optimiser updates done when loss/metrics were measured, so step 0
// is the initial network and a fit of N steps reports a final step N.
struct Progress {
  int64_t step = 0;
  int64_t total_steps = 0;
  // For a fit counted in epochs (TrainOptions.epochs > 0): epochs completed at `step` and the fit's
  // epochs (an epoch = total_steps / total_epochs steps). Both 0 for a fit counted in steps.
  int64_t epoch = 0;
  int64_t total_epochs = 0;
  double loss = 0.0;
  std::map<std::string, double> metrics;  // e.g. {"psnr": 27.1, "mse": 0.004}
  double steps_per_second = 0.0;
  double eta_seconds = 0.0;
  double elapsed_seconds = 0.0;
  int64_t samples = 0;  // points in this step's batch (0 when unknown, e.g. an evaluation)
};

}  // namespace siren
