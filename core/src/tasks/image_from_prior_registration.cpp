// An image conditioned on a learned prior: how it is built from the prior, the image and maybe a mask.
// Its exporter is the image task's: the model is an ordinary image model.
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_export.h"
#include "siren/tasks/image_from_prior_task.h"
#include "siren/tasks/image_prior_file.h"
#include "siren/tasks/image_task.h"
#include "siren/tasks/inpainting_mask.h"

namespace siren {
namespace {

// Gray <-> RGB as the prior needs (RGB to gray: the channels' mean).
Image with_channels(Image image, int channels) {
  if (image.channels == channels) return image;
  const size_t pixels = static_cast<size_t>(image.width) * image.height;
  std::vector<float> out;
  out.reserve(pixels * channels);
  for (size_t p = 0; p < pixels; ++p) {
    if (channels == 3) {
      out.insert(out.end(), 3, image.pixels[p]);
    } else {
      float sum = 0;
      for (int c = 0; c < image.channels; ++c) sum += image.pixels[p * image.channels + c];
      out.push_back(sum / image.channels);
    }
  }
  image.pixels = std::move(out);
  image.channels = channels;
  return image;
}

torch::Tensor known_pixels(const Image& original, const Image& fitted, const NamedInputs& inputs,
                           const TaskOptionReader& options) {
  const auto given = inputs.find("mask");
  if (given != inputs.end()) {
    const Image mask = decode_image(given->second);
    check_mask_size(mask, original);
    torch::Tensor known = pixel_mask_from_image(resize_image(mask, fitted.width, fitted.height));
    if (observed_pixel_count(known) == 0)
      throw InvalidInput("the mask marks no pixel as known (all dark): white (>= 0.5) marks the known pixels");
    return known;
  }
  const int64_t pixels = static_cast<int64_t>(fitted.width) * fitted.height;
  const int64_t count = options.integer("context");
  if (count > pixels)
    throw InvalidInput("--context " + std::to_string(count) + " is more than the prior's " + std::to_string(pixels) +
                       " pixels");
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(options.integer("context_seed")));
  const torch::Tensor chosen = torch::randperm(pixels, gen, torch::TensorOptions().dtype(torch::kLong)).narrow(0, 0, count);
  return torch::zeros({pixels, 1}).index_fill_(0, chosen, 1.0);
}

// The prior's prediction for the image from its known pixels: the encoder sees exactly those.
HypoParameters predicted_siren(LoadedImagePrior& prior, const Image& image, const torch::Tensor& known) {
  torch::NoGradGuard no_grad;
  const torch::Tensor values = normalized_pixels(image).unsqueeze(0);
  const torch::Tensor coords = coordinate_grid({image.height, image.width});
  const torch::Tensor index = known.squeeze(1).nonzero().squeeze(1).unsqueeze(0);
  const PriorContext context{index, torch::ones({1, index.size(1), 1})};
  return prior.network->hypo_parameters(prior.network->encode(coords, values, context));
}

}  // namespace

TaskRegistration image_from_prior_task_registration() {
  TaskRegistration r;
  r.description = image_from_prior_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    LoadedImagePrior prior = load_image_prior(inputs.at("prior"));
    const Image original = decode_image(inputs.at("image"));
    const int width = std::stoi(prior.info.metadata.at("width")), height = std::stoi(prior.info.metadata.at("height"));
    const Image image =
        with_channels(resize_image(original, width, height), std::stoi(prior.info.metadata.at("channels")));
    const torch::Tensor known = known_pixels(original, image, inputs, options);
    HypoParameters params = predicted_siren(prior, image, known);
    return std::make_unique<ImageFromPriorTask>(image, known, prior.info.config.model, std::move(params));
  };
  r.exporters = {image_png_exporter()};
  return r;
}

}  // namespace siren
