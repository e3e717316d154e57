// The image inpainting task: how it is built from its inputs (an image, maybe a mask) and options.
// Its exporter is the image task's: an inpainting model is an image model.
#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_export.h"
#include "siren/tasks/image_inpainting_task.h"
#include "siren/tasks/inpainting_mask.h"

namespace siren {
namespace {

// The given mask, checked against the image as uploaded and resized with it; or a random one drawn at
// the fitted size. Either must observe a pixel.
torch::Tensor inpainting_mask(const Image& original, const Image& fitted, const NamedInputs& inputs,
                              const TaskOptionReader& options) {
  const auto given = inputs.find("mask");
  if (given != inputs.end()) {
    const Image mask = decode_image(given->second);
    check_mask_size(mask, original);
    torch::Tensor observed = pixel_mask_from_image(resized_by_option(mask, options.text("size")));
    if (observed_pixel_count(observed) == 0)
      throw InvalidInput("the mask observes no pixel (all dark): white (>= 0.5) marks the pixels to fit");
    return observed;
  }
  torch::Tensor drawn = random_pixel_mask(fitted.width, fitted.height, options.number("sparsity"),
                                          static_cast<uint64_t>(options.integer("mask_seed")));
  if (observed_pixel_count(drawn) == 0)
    throw InvalidInput("no pixel is observed: sparsity " + options.text("sparsity") + " of " +
                       std::to_string(fitted.width) + "x" + std::to_string(fitted.height) +
                       " pixels drew none; raise --sparsity or give a mask");
  return drawn;
}

}  // namespace

TaskRegistration image_inpainting_task_registration() {
  TaskRegistration r;
  r.description = image_inpainting_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    const Image original = decode_image(inputs.at("image"));
    const Image image = resized_by_option(original, options.text("size"));
    InpaintingOptions inpainting;
    inpainting.prior = inpainting_prior_from_name(options.choice("prior"));
    inpainting.k1 = options.number("k1");
    inpainting.downsample = options.choice("downsample") == "on";
    return std::make_unique<ImageInpaintingTask>(image, inpainting_mask(original, image, inputs, options), inpainting);
  };
  r.exporters = {image_png_exporter()};
  return r;
}

}  // namespace siren
