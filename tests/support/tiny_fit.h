#pragma once
// What the service and load tests submit: a small synthetic PNG and a fit that takes milliseconds.
// Needs the proto and the core's PNG encoder, not the server.
#include <cstdint>
#include <string>

#include "siren/io/image.h"
#include "siren/v1/service.grpc.pb.h"

namespace siren::testing {

// A width x height gray gradient, encoded as PNG by the core.
inline std::string gradient_png(int width, int height) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = 1;
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) image.pixels.push_back(static_cast<float>(r + c) / static_cast<float>(width + height));
  return encode_png(image);
}

// A tiny, fast image fit: 16-wide network, `steps` steps, checkpoints only at the end.
inline siren::v1::FitSpec tiny_image_spec(int64_t steps, const std::string& name = "tiny") {
  siren::v1::FitSpec spec;
  spec.set_task(siren::v1::TASK_KIND_IMAGE);
  spec.mutable_model()->set_hidden_features(16);
  spec.mutable_model()->set_hidden_layers(1);
  spec.mutable_train()->set_steps(steps);
  spec.mutable_train()->set_checkpoint_every(0);
  spec.set_name(name);
  return spec;
}

}  // namespace siren::testing
