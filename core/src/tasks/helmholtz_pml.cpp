#include "siren/tasks/helmholtz_pml.h"

#include "siren/operators.h"
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

torch::Tensor helmholtz_pml_residual(const torch::Tensor& coords, const torch::Tensor& output,
                                     const torch::Tensor& squared_slowness, double wavenumber) {
  const torch::Tensor du = jacobian(output, coords);  // (N, 2 S, x/y)
  const torch::Tensor dudx1 = du.select(2, 0), dudx2 = du.select(2, 1);
  // The stretch factors depend on the coordinates: the derivatives below differentiate them too.
  const torch::Tensor sx = pml_damping(coords.select(1, 0), wavenumber).unsqueeze(1);
  const torch::Tensor sy = pml_damping(coords.select(1, 1), wavenumber).unsqueeze(1);
  const torch::Tensor ex = torch::cat({torch::ones_like(sx), -sx / wavenumber}, 1);
  const torch::Tensor ey = torch::cat({torch::ones_like(sy), -sy / wavenumber}, 1);
  const torch::Tensor a = jacobian(complex_mul(complex_div(ey, ex), dudx1), coords).select(2, 0);
  const torch::Tensor b = jacobian(complex_mul(complex_div(ex, ey), dudx2), coords).select(2, 1);
  const torch::Tensor c = complex_mul(complex_mul(ex, ey), squared_slowness * (wavenumber * wavenumber) * output);
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
