#pragma once
// L-BFGS as the reference trains its PINN baseline (training.py, use_lbfgs, "settings from Raissi et al.
// (2019)"): strong-Wolfe line search, 50 correction pairs, the learning rate as the step size the line
// search starts from, default tolerances. The reference runs up to 50,000 iterations inside one
// optimizer step per epoch; here a training step is one L-BFGS iteration, so progress, checkpoints and
// stop requests come between iterations. LibTorch's LBFGS keeps its history across step() calls, so the
// iterations follow one another as in one long call; each call evaluates the loss and gradient at its start
// once more, which the reference's single call does not (about one extra evaluation per iteration).
#include <torch/torch.h>

#include <memory>
#include <vector>

namespace siren::optim {

constexpr int64_t kLbfgsHistorySize = 50;
// The reference's max_iter: its one step(closure) per epoch iterates up to this many times on the epoch's
// one batch. The trainer likewise holds a batch for this many L-BFGS steps before it draws the next (the
// line search and the curvature pairs then see one objective). Checkpoints do not hold L-BFGS's history:
// a resumed fit starts a fresh history on a fresh batch (trainer.cpp, Trainer::restore).
constexpr int64_t kLbfgsIterationsPerBatch = 50000;

std::unique_ptr<torch::optim::LBFGS> make_reference_lbfgs(const std::vector<torch::Tensor>& parameters,
                                                          double learning_rate);

}  // namespace siren::optim
