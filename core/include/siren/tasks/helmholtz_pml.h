#pragma once
// What the forward (helmholtz) and inverse (inverse-helmholtz) Helmholtz tasks share: the reference's
// helmholtz_pml loss (loss_functions.py) and its Gaussian point sources (dataio.py).
//
// Wavefields are complex, stored as interleaved (re, im) column pairs as the reference's
// modules.compl_mul / compl_div: (N, 2) for one source, (N, 2 S) for S sources, one pair per source.
//
// The equation, per source: d/dx (ey/ex du/dx) + d/dy (ex/ey du/dy) + ex ey m k^2 u = f, with m the
// squared slowness (1/c^2), k the wavenumber and ex = 1 - i sx/k, ey = 1 - i sy/k the stretch factors of
// a perfectly matched layer (PML) on |x| > 0.5 or |y| > 0.5: sx = k a0 (d/L)^2 with a0 = 5, L = 0.5 and
// d the distance beyond +-0.5, so outgoing waves decay there instead of reflecting off the domain's edge.
#include <torch/torch.h>

#include <array>

#include "siren/task.h"

namespace siren {

constexpr double kPmlA0 = 5;
constexpr double kPmlWidth = 0.5;  // the PML spans [-1, -0.5] and [0.5, 1] on both axes
constexpr double kHelmholtzSigma = 1e-4;  // the sources' Gaussian width (a variance: the reference's gaussian)
constexpr int64_t kHelmholtzSourceSamples = 100;  // points drawn on each source per step
constexpr double kHelmholtzSourceRadius = 5e2 * kHelmholtzSigma;  // 0.05: where they are drawn
constexpr double kHelmholtzWavenumber = 20;

// The PML's damping along one axis, k a0 ((d_lo / L)^2 + (d_hi / L)^2) with d_lo, d_hi the distances
// below -0.5 and above 0.5: zero inside. Same shape as `coord`.
torch::Tensor pml_damping(const torch::Tensor& coord, double wavenumber);
// Its derivative along the axis: 2 k a0 (d_hi - d_lo) / L^2.
torch::Tensor pml_damping_derivative(const torch::Tensor& coord, double wavenumber);

// The PML Helmholtz operator applied to the wavefields u (N, 2 S) at coords (N, 2):
// d/dx (A du/dx) + d/dy (B du/dy) + C m k^2 u with A = ey/ex, B = ex/ey, C = ex ey, for each of the S
// (re, im) pairs; u carries its Jacobian and Hessian diagonal (DerivativeOrder::Second), the stretch
// factors' derivatives are taken in closed form (A depends on x alone, B on y alone). squared_slowness:
// (N, 1), real, shared by all sources (it may itself be a network output: the inverse task trains it
// through this operator). (N, 2 S), differentiable, the reference's helmholtz_pml (which lets autograd
// differentiate the products A du/dx themselves: the same values, field_derivatives_test.cpp).
torch::Tensor helmholtz_pml_residual(const torch::Tensor& coords, const FieldDerivatives& u,
                                     const torch::Tensor& squared_slowness, double wavenumber);

// The reference's PDE loss terms, sums rather than means (N = points): diff_constraint_on =
// sum |R - f| where f != 0, times N / 1e3; diff_constraint_off = sum |R| where f == 0. |.| is taken per
// real and imaginary channel, over all sources. residual and source: (N, 2 S).
LossTerms helmholtz_loss_terms(const torch::Tensor& residual, const torch::Tensor& source);

// The source term f = (1 + 1i) gaussian(x; source, kHelmholtzSigma) at coords (N, 2), set to 0 below
// 1e-5 as the reference: (N, 2) = (re, im).
torch::Tensor helmholtz_source_term(const torch::Tensor& coords, const std::array<double, 2>& source);

}  // namespace siren
