// The learned image prior: how it is built from its input (a dataset) and options.
#include "siren/errors.h"
#include "siren/image_size.h"
#include "siren/io/archive.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_dataset.h"
#include "siren/tasks/image_export.h"
#include "siren/tasks/image_prior_task.h"

namespace siren {
namespace {

std::vector<Image> dataset_images(const std::string& bytes, const TaskOptionReader& options) {
  if (bytes.empty())
    throw InvalidInput("the dataset is empty: give a folder or an archive of images, or one image with --tile");
  if (is_archive(bytes)) {
    if (options.has("tile")) throw InvalidInput("--tile cuts a single image; the input is an archive");
    std::vector<Image> images = images_from_archive(bytes);
    if (images.empty())
      throw InvalidInput("the archive holds no images (members named *.png, *.jpg, *.bmp, *.tif, ...)");
    return images;
  }
  Image image;
  try {
    image = decode_image(bytes);
  } catch (const InvalidInput& e) {
    throw InvalidInput(std::string("the dataset is neither an archive of images nor an image: ") + e.what());
  }
  if (!options.has("tile"))
    throw InvalidInput("the input is a single " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                       " image: give --tile WxH to cut it into a dataset, or a folder or an archive of images");
  const ImageSize tile = parse_image_size(options.text("tile"));
  return image_tiles(image, tile.width, tile.height);
}

}  // namespace

TaskRegistration image_prior_task_registration() {
  TaskRegistration r;
  r.description = image_prior_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    ImagePriorOptions prior;
    prior.shape.encoder = options.choice("encoder");
    prior.shape.latent = static_cast<int>(options.integer("latent"));
    prior.shape.hyper_hidden = static_cast<int>(options.integer("hyper_hidden"));
    prior.holdout = options.number("holdout");
    prior.context_min = static_cast<int>(options.integer("context_min"));
    prior.context_max = static_cast<int>(options.integer("context_max"));
    prior.kl = options.number("kl");
    prior.fw = options.number("fw");
    prior.eval_images = static_cast<int>(options.integer("eval_images"));
    prior.baseline_images = static_cast<int>(options.integer("baseline_images"));
    prior.baseline_steps = static_cast<int>(options.integer("baseline_steps"));
    std::vector<Image> images = dataset_images(inputs.at("images"), options);
    // "original": the first image's size.
    const ImageSize size = options.text("size") == "original" ? ImageSize{images.front().width, images.front().height}
                                                              : parse_image_size(options.text("size"));
    images = uniform_images(std::move(images), size.width, size.height);
    return std::make_unique<ImagePriorTask>(images, prior);
  };
  r.exporters = {image_png_exporter()};
  return r;
}

}  // namespace siren
