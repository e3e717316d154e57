// Task options the PDE tasks share (see pde_options.h). No LibTorch here.
#include <string>

#include "siren/tasks/pde_options.h"

namespace siren {
namespace {

// 52900 -> "52,900", as the help texts write point counts.
std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<size_t>(i), ",");
  return digits;
}

}  // namespace

TaskOptionDescription velocity_option(const std::string& name, const std::string& note) {
  return {name, TaskOptionType::Choice, "uniform", 0, 0, {"uniform", "square", "circle"}, "uniform|square|circle",
          "the medium: uniform (default); square = velocity 2 in |x|,|y| < 0.3; circle = velocity 2 within 0.1 of "
          "the centre" + (note.empty() ? "" : " " + note)};
}

TaskOptionDescription sidelength_option(int64_t reference_sidelength) {
  const std::string n = std::to_string(reference_sidelength);
  return {"sidelength", TaskOptionType::Integer, n, 1, 1e4, {}, "N",
          "points per step = N^2 (default " + n + ", the reference's: " +
              with_thousands(reference_sidelength * reference_sidelength) +
              "); --batch-size sets the points per step directly"};
}

TaskOptionDescription wavenumber_option() {
  return {"wavenumber", TaskOptionType::Number, "20", 1e-3, 1e4, {}, "K", "k = 2 pi / wavelength (default 20, the reference's)"};
}

}  // namespace siren
