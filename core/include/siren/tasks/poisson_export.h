#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "png" for the Poisson kinds: the reconstructed image, the field sampled on a grid over [-1,1]^2 at
// any size, mapped to gray by option "range":
//  * "affine" (default): a * Phi + b with the least-squares match to the training image stored with
//    the model (metrics fit_scale / fit_offset), then as an image's [-1,1] -> [0,1], clipped: the
//    reconstruction in the input's brightness, what the reported PSNR measures;
//  * "minmax": Phi's minimum -> black, maximum -> white over the exported grid, as the reference's
//    summaries display it (needs nothing but the field).
TaskExporter poisson_png_exporter();

}  // namespace siren
