#pragma once
// What the Helmholtz tests share: analytic wavefields and the PML residual of a field given as a tensor
// computed from the coordinates (its derivatives by autograd, as the reference takes them).
#include <torch/torch.h>

#include "siren/field_derivatives.h"
#include "siren/tasks/helmholtz_pml.h"

namespace siren::testing {

// A plane wave exp(-i k' . x) as (re, im), evaluated through autograd from `coords`.
inline torch::Tensor plane_wave(const torch::Tensor& coords, double kx, double ky) {
  const torch::Tensor phase = kx * coords.select(1, 0) + ky * coords.select(1, 1);
  return torch::stack({torch::cos(phase), -torch::sin(phase)}, 1);
}

// helmholtz_pml_residual of u (N, 2 S), computed from coords (which require grad).
inline torch::Tensor pml_residual_of(const torch::Tensor& coords, const torch::Tensor& u,
                                     const torch::Tensor& squared_slowness, double wavenumber) {
  return helmholtz_pml_residual(coords, derivatives_by_autograd(u, coords, DerivativeOrder::Second),
                                squared_slowness, wavenumber);
}

}  // namespace siren::testing
