#include "siren/train_options.h"

#include <cmath>

#include "siren/errors.h"

namespace siren {

void TrainOptions::validate() const {
  constexpr int64_t kMaxSteps = 10'000'000;
  // steps 0 with epochs 0 is a fit of no updates: the network as the task prepared it (image-from-prior).
  if (steps < 0 || steps > kMaxSteps)
    throw InvalidInput("steps must be in [0, " + std::to_string(kMaxSteps) + "] (0 = epochs, or no updates), got " +
                       std::to_string(steps));
  if (epochs < 0 || epochs > kMaxSteps)
    throw InvalidInput("epochs must be in [0, " + std::to_string(kMaxSteps) + "] (0 = count steps), got " +
                       std::to_string(epochs));
  if (!(learning_rate > 0.0) || !std::isfinite(learning_rate) || learning_rate > 10.0)
    throw InvalidInput("learning rate must be in (0, 10], got " + std::to_string(learning_rate) +
                       " (the paper uses 1e-4)");
  if (batch_size < 0) throw InvalidInput("batch size must be >= 0 (0 = full batch), got " + std::to_string(batch_size));
  if (checkpoint_every < 0)
    throw InvalidInput("checkpoint_every must be >= 0 (0 = final checkpoint only), got " +
                       std::to_string(checkpoint_every));
  if (!(clip_grad_norm >= 0.0) || !std::isfinite(clip_grad_norm))
    throw InvalidInput("clip_grad_norm must be >= 0 (0 = off)");
  if (optimizer != "adam" && optimizer != "lbfgs")
    throw InvalidInput("optimizer must be adam or lbfgs, got \"" + optimizer + "\"");
  if (precision != "tf32" && precision != "fp32" && precision != "bf16")
    throw InvalidInput("precision must be tf32, fp32 or bf16, got \"" + precision + "\"");
}

}  // namespace siren
