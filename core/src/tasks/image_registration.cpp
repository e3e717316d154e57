// The image task (the paper's Sec. 4.1): how it is built from its inputs and options, and exported.
#include "siren/errors.h"
#include "siren/image_size.h"
#include "siren/io/image.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_export.h"
#include "siren/tasks/image_task.h"

namespace siren {

Image resized_by_option(const Image& image, const std::string& size) {
  if (size.empty() || size == "original") return image;
  const ImageSize target = parse_image_size(size);
  return resize_image(image, target.width, target.height);
}

TaskRegistration image_task_registration() {
  TaskRegistration r;
  r.description = image_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    return std::make_unique<ImageTask>(resized_by_option(decode_image(inputs.at("image")), options.text("size")));
  };
  r.exporters = {image_png_exporter()};
  return r;
}

}  // namespace siren
