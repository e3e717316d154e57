#pragma once
#include <cstdint>
#include <string>

namespace siren {

// Optimisation settings. Defaults are the paper's code: Adam, lr 1e-4, constant rate, no clipping.
struct TrainOptions {
  // Optimiser updates; 0 = `epochs` of them counted as the reference's num_epochs: an epoch is the task's
  // steps_per_epoch (task.h) updates (SDF: points / batch; 1 for tasks that fit one signal per step), and
  // steps becomes epochs x that once the task is built (run_fit; validate_fit returns the config).
  int64_t steps = 10000;
  // The fit's epochs: what steps 0 counts, and what progress reports the epoch against. A fit given steps
  // > 0 keeps epochs only where they agree (steps = epochs x steps per epoch), else it counts in steps.
  int64_t epochs = 0;
  double learning_rate = 1e-4;  // Adam's rate; L-BFGS's first step size (the reference passes lr to both)
  // "adam", or "lbfgs" (the reference's use_lbfgs: optim/lbfgs.h): then a step is one L-BFGS iteration.
  std::string optimizer = "adam";
  int64_t batch_size = 0;        // points per step; 0 = the task's full batch
  uint64_t seed = 0;
  int64_t checkpoint_every = 100; // 0 = only the final checkpoint
  double clip_grad_norm = 0.0;    // 0 = off
  // Speed, not semantics: each sine layer as one fused node (sine_layer.h) where no loss differentiates
  // w.r.t. the coordinates. Same results up to float rounding; bench/RESULTS.md has its figures.
  bool fused_sine_layers = true;
  // Speed, not semantics: the derivatives PDE, Poisson and SDF losses take of the field, carried forward
  // in closed form through a SIREN's layers (sine_derivatives.h) instead of autograd's per-channel double
  // backward. Equal up to float rounding (field_derivatives_test.cpp); other networks always use autograd.
  bool closed_form_derivatives = true;
  std::string device = "auto";    // auto | cpu | cuda | cuda:N
  // GEMM precision on a GPU (device_precision.h): tf32 (default: float32 tensors, TF32 tensor-core
  // products), fp32 (IEEE products throughout) or bf16 (autocast: products and activations in bfloat16,
  // weights, Adam and losses in float32). The CPU computes in float32 whatever is asked.
  std::string precision = "tf32";
  // Speed, not semantics: on a GPU, each training step recorded once as a CUDA graph and replayed while
  // the batch keeps its shapes (training_step_graph.h); steps that cannot be captured run eagerly.
  bool cuda_graphs = true;

  void validate() const;  // throws InvalidInput
};

}  // namespace siren
