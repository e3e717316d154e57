#pragma once
// An image model conditioned on a learned prior (image-prior): the prior's encoder reads the image's
// known pixels and its hypernetwork predicts a SIREN of the whole image in one forward pass (the
// reference's test_neural_process). That SIREN is the fit's network as it starts: with 0 steps (the
// preset) the model is the prediction itself; more steps fine-tune it on the known pixels alone (the
// inpainting task's masked MSE). It is an inpainting task in every other respect: same grid, metrics
// ("psnr" over every pixel of the given image, "psnr_observed" over the known ones) and exports.
#include "siren/network_preparing_task.h"
#include "siren/tasks/image_inpainting_task.h"
#include "siren/tasks/image_prior_network.h"

namespace siren {

class ImageFromPriorTask : public ImageInpaintingTask, public NetworkPreparingTask {
 public:
  // image: at the prior's size and channels; mask (H*W, 1): 1 = known; params: the predicted SIREN
  // (one item) of `hypo`'s shape.
  ImageFromPriorTask(const Image& image, torch::Tensor mask, const ModelSpec& hypo, HypoParameters params);

  std::string kind() const override;
  void configure_model(ModelSpec& spec) const override;
  void prepare_network(FieldNetworkImpl& network, at::Generator& init_generator) override;
  std::map<std::string, std::string> metadata() const override;

 private:
  ModelSpec hypo_;
  HypoParameters params_;
};

}  // namespace siren
