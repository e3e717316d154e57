#pragma once
// Reading a learned image prior back from an image-prior model file (the fit's model or a checkpoint):
// its info (the hypo-network's spec, the image size and encoder in the metadata) and the trained encoder
// and hypernetwork.
#include <string>

#include "siren/model_info.h"
#include "siren/tasks/image_prior_network.h"

namespace siren {

struct LoadedImagePrior {
  ModelInfo info;
  ImagePriorNetwork network{nullptr};
};

// Throws InvalidInput when the bytes are not a siren model file of the image-prior task.
LoadedImagePrior load_image_prior(const std::string& model_file_bytes);

}  // namespace siren
