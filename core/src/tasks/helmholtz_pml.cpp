#include "siren/tasks/helmholtz_pml.h"

#include "siren/tasks/pde_media.h"

namespace siren {
namespace {

// Complex products of (re, im) column pairs, as the reference's modules.compl_mul / compl_div: every
// pair of `a` with every pair of `b` when one of them has a single pair (a factor shared by all sources).
torch::Tensor real_parts(const torch::Tensor& z) { return z.slice(1, 0, z.size(1), 2); }
torch::Tensor imag_parts(const torch::Tensor& z) { return z.slice(1, 1, z.size(1), 2); }
torch::Tensor interleave(const torch::Tensor& re, const torch::Tensor& im) {
  return torch::stack({re, im}, 2).reshape({re.size(0), -1});
}

torch::Tensor complex_mul(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor ar = real_parts(a), ai = imag_parts(a), br = real_parts(b), bi = imag_parts(b);
  return interleave(ar * br - ai * bi, ar * bi + ai * br);
}

torch::Tensor complex_div(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor ar = real_parts(a), ai = imag_parts(a), br = real_parts(b), bi = imag_parts(b);
  const torch::Tensor denominator = br * br + bi * bi;
  return interleave((ar * br + ai * bi) / denominator, (ai * br - ar * bi) / denominator);
}

}  // namespace

torch::Tensor pml_damping(const torch::Tensor& coord, double wavenumber) {
  const double inner = 1.0 - kPmlWidth;
  const torch::Tensor below = torch::clamp(-(coord + inner), 0) / kPmlWidth;
  const torch::Tensor above = torch::clamp(coord - inner, 0) / kPmlWidth;
  return wavenumber * kPmlA0 * (below * below + above * above);
}

torch::Tensor pml_damping_derivative(const torch::Tensor& coord, double wavenumber) {
  const double inner = 1.0 - kPmlWidth;
  const torch::Tensor below = torch::clamp(-(coord + inner), 0) / kPmlWidth;
  const torch::Tensor above = torch::clamp(coord - inner, 0) / kPmlWidth;
  return (2 * wavenumber * kPmlA0 / kPmlWidth) * (above - below);
}

namespace {

// The stretch factor e = 1 - i s/k along one axis and its derivative -i s'/k, as (N, 2) (re, im) pairs.
std::pair<torch::Tensor, torch::Tensor> stretch_factor(const torch::Tensor& coord, double wavenumber) {
  const torch::Tensor s = pml_damping(coord, wavenumber).unsqueeze(1);
  const torch::Tensor ds = pml_damping_derivative(coord, wavenumber).unsqueeze(1);
  return {torch::cat({torch::ones_like(s), -s / wavenumber}, 1), torch::cat({torch::zeros_like(ds), -ds / wavenumber}, 1)};
}

// d/dt (A du/dt) = A' du/dt + A d²u/dt² for A = other/e along the axis t of e (other does not depend on t):
// A' = -other e' / e².
torch::Tensor stretched_second_derivative(const torch::Tensor& other, const torch::Tensor& e, const torch::Tensor& de,
                                          const torch::Tensor& du, const torch::Tensor& d2u) {
  const torch::Tensor factor = complex_div(other, e);
  const torch::Tensor factor_derivative = -complex_div(complex_mul(other, de), complex_mul(e, e));
  return complex_mul(factor_derivative, du) + complex_mul(factor, d2u);
}

}  // namespace

torch::Tensor helmholtz_pml_residual(const torch::Tensor& coords, const FieldDerivatives& u,
                                     const torch::Tensor& squared_slowness, double wavenumber) {
  const auto [ex, dex] = stretch_factor(coords.select(1, 0), wavenumber);
  const auto [ey, dey] = stretch_factor(coords.select(1, 1), wavenumber);
  const torch::Tensor a = stretched_second_derivative(ey, ex, dex, u.jacobian.select(2, 0), u.second.select(2, 0));
  const torch::Tensor b = stretched_second_derivative(ex, ey, dey, u.jacobian.select(2, 1), u.second.select(2, 1));
  const torch::Tensor c = complex_mul(complex_mul(ex, ey), squared_slowness * (wavenumber * wavenumber) * u.value);
  return a + b + c;
}

LossTerms helmholtz_loss_terms(const torch::Tensor& residual, const torch::Tensor& source) {
  const auto n = static_cast<double>(residual.size(0));
  const torch::Tensor on_source = source != 0;
  const torch::Tensor zeros = torch::zeros_like(residual);
  const torch::Tensor on = torch::where(on_source, residual - source, zeros);
  const torch::Tensor off = torch::where(on_source, zeros, residual);
  return {{"diff_constraint_on", on.abs().sum() * (n / 1e3)}, {"diff_constraint_off", off.abs().sum()}};
}

torch::Tensor helmholtz_source_term(const torch::Tensor& coords, const std::array<double, 2>& source) {
  torch::Tensor g = reference_gaussian(coords, source[0], source[1], kHelmholtzSigma);
  g = torch::where(g < 1e-5, torch::zeros_like(g), g);
  return torch::cat({g, g}, 1);  // (1 + 1i) * gaussian
}

}  // namespace siren
