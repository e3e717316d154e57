#pragma once
// Task options the PDE tasks (helmholtz, inverse-helmholtz, wave) share, described once so their help
// reads the same. No LibTorch here: the descriptions use them.
#include <cstdint>
#include <string>

#include "siren/task_description.h"

namespace siren {

// "velocity": uniform|square|circle, default uniform (pde_media.h's media). `note` ends the help.
TaskOptionDescription velocity_option(const std::string& name = "velocity", const std::string& note = "");
// "sidelength": points per step = N^2, default the reference's.
TaskOptionDescription sidelength_option(int64_t reference_sidelength);
// "wavenumber": k, default the reference's 20.
TaskOptionDescription wavenumber_option();

}  // namespace siren
