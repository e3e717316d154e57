#include "siren/tasks/image_from_prior_task.h"

#include "siren/errors.h"
#include "siren/task_kinds.h"

namespace siren {

ImageFromPriorTask::ImageFromPriorTask(const Image& image, torch::Tensor mask, const ModelSpec& hypo,
                                       HypoParameters params)
    : ImageInpaintingTask(image, std::move(mask), InpaintingOptions{}), hypo_(hypo), params_(std::move(params)) {}

std::string ImageFromPriorTask::kind() const { return kImageFromPriorKind; }

void ImageFromPriorTask::configure_model(ModelSpec& spec) const {
  // The prior decides the network: the SIREN its hypernetwork predicts, whatever the request's model.
  spec = hypo_;
}

void ImageFromPriorTask::prepare_network(FieldNetworkImpl& network, at::Generator&) {
  load_hypo_parameters(params_, 0, network.layers());
}

std::map<std::string, std::string> ImageFromPriorTask::metadata() const {
  std::map<std::string, std::string> meta = ImageInpaintingTask::metadata();
  meta["known_pixels"] = std::to_string(observed_pixels());
  return meta;
}

}  // namespace siren
