#pragma once
// A trained field on a square grid over [-1,1]^2 in its last two inputs (image rows = the first of them,
// as the reference's get_mgrid + lin2img), with any leading inputs fixed, e.g. the time of a wave slice.
// For the PDE tasks' image exports.
#include <vector>

#include "siren/field_model.h"

namespace siren {

// size * size * out_features values, row-major, channels interleaved. `leading` holds the fixed values
// of the first in_features - 2 inputs. Evaluated in blocks, so memory stays bounded at any size.
std::vector<float> evaluate_field_plane(const FieldModel& model, int size, const std::vector<float>& leading = {});

}  // namespace siren
