// The three Poisson tasks (the paper's Sec. 4.1 / supplement Sec. 3): an image recovered from its
// gradients, from its Laplacian, and a seamless blend of two images' gradients: how each is built
// from its inputs and options, and exported.
#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_task.h"
#include "siren/tasks/poisson_export.h"
#include "siren/tasks/poisson_task.h"

namespace siren {
namespace {

Image decode_named(const std::string& bytes, const std::string& what) {
  try {
    return decode_image(bytes);
  } catch (const InvalidInput& e) {
    throw InvalidInput(what + ": " + e.what());
  }
}

// The tasks supervised by a derivative of one image (gradients, Laplacian): the image, resized by --size,
// becomes the ground truth `derivative` computes.
TaskRegistration one_image_registration(TaskDescription description, const char* kind,
                                        PoissonGroundTruth (*derivative)(const Image&)) {
  TaskRegistration r;
  r.description = std::move(description);
  const TaskDescription& d = r.description;
  r.make = [d, kind, derivative](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    const Image image = resized_by_option(decode_image(inputs.at("image")), options.text("size"));
    return std::make_unique<PoissonTask>(kind, derivative(image));
  };
  r.exporters = {poisson_png_exporter()};
  return r;
}

}  // namespace

TaskRegistration poisson_grad_task_registration() {
  return one_image_registration(poisson_grad_task_description(), kPoissonGradKind, gradient_ground_truth);
}

TaskRegistration poisson_lapl_task_registration() {
  return one_image_registration(poisson_lapl_task_description(), kPoissonLaplKind, laplacian_ground_truth);
}

TaskRegistration poisson_composite_task_registration() {
  TaskRegistration r;
  r.description = poisson_composite_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    const Image background =
        resized_by_option(decode_named(inputs.at("background"), "the background image"), options.text("size"));
    const Image foreground = decode_named(inputs.at("foreground"), "the foreground image");
    return std::make_unique<PoissonTask>(kPoissonCompositeKind, composite_ground_truth(background, foreground));
  };
  r.exporters = {poisson_png_exporter()};
  return r;
}

}  // namespace siren
