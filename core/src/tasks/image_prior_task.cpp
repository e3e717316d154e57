#include "siren/tasks/image_prior_task.h"

#include <algorithm>
#include <cmath>

#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/metrics.h"
#include "siren/task_kinds.h"
#include "siren/tasks/image_prior_baseline.h"
#include "siren/tasks/image_task.h"

namespace siren {
namespace {

constexpr int64_t kEvaluationChunk = 100;  // held-out images per forward pass in the evaluation
constexpr int64_t kEvaluationBatchContext = 100;
constexpr uint64_t kSplitSeed = 0;       // the held-out split is fixed by the dataset, not the fit's seed
constexpr uint64_t kEvaluationSeed = 1;  // the evaluation's known pixels, the same for every fit

torch::Tensor stacked_values(const std::vector<Image>& images, const std::vector<int64_t>& order, int64_t begin,
                             int64_t end) {
  std::vector<torch::Tensor> values;
  for (int64_t i = begin; i < end; ++i) values.push_back(normalized_pixels(images[order[i]]));
  return torch::stack(values);
}

// Per-image MSE on the [0, 1] scale (prediction clipped, as the project's "mse"): (B,).
torch::Tensor per_image_mse(const torch::Tensor& prediction, const torch::Tensor& target) {
  const torch::Tensor p = (prediction / 2 + 0.5).clamp(0.0, 1.0), t = target / 2 + 0.5;
  return (p - t).pow(2).mean({1, 2});
}

}  // namespace

std::vector<std::string> prior_context_names(int64_t pixels) {
  std::vector<std::string> names;
  for (int64_t n : {10, 100, 1000})
    if (n <= pixels) names.push_back(std::to_string(n));
  names.insert(names.end(), {"half", "full"});
  return names;
}

PriorContext prior_evaluation_context(const std::string& name, int64_t count, int64_t pixels, at::Generator& gen) {
  const auto long_options = torch::TensorOptions().dtype(torch::kLong);
  torch::Tensor index;
  if (name == "full" || name == "half") {
    index = torch::arange(name == "full" ? pixels : std::max<int64_t>(1, pixels / 2), long_options)
                .unsqueeze(0)
                .expand({count, -1})
                .contiguous();
  } else {
    const int64_t n = std::min<int64_t>(std::stoll(name), pixels);
    index = torch::rand({count, pixels}, gen).argsort(/*dim=*/1, /*descending=*/false).narrow(1, 0, n).contiguous();
  }
  return {index, torch::ones({count, index.size(1), 1})};
}

ImagePriorTask::ImagePriorTask(const std::vector<Image>& images, ImagePriorOptions options)
    : options_(std::move(options)) {
  const auto n = static_cast<int64_t>(images.size());
  if (n < 2)
    throw InvalidInput("a prior needs at least 2 images (one to train on, one held out), got " + std::to_string(n));
  const Image& first = images.front();
  options_.shape.width = first.width;
  options_.shape.height = first.height;
  options_.shape.channels = first.channels;
  pixels_ = static_cast<int64_t>(first.width) * first.height;
  if (options_.context_min < 1 || options_.context_min > options_.context_max)
    throw InvalidInput("context_min must be in [1, context_max], got " + std::to_string(options_.context_min) +
                       " and context_max " + std::to_string(options_.context_max));
  const double wanted = options_.holdout < 1.0 ? std::round(options_.holdout * n) : options_.holdout;
  const int64_t heldout = std::clamp<int64_t>(static_cast<int64_t>(wanted), 1, n - 1);
  at::Generator split = at::make_generator<at::CPUGeneratorImpl>(kSplitSeed);
  const torch::Tensor permutation = torch::randperm(n, split, torch::TensorOptions().dtype(torch::kLong));
  const std::vector<int64_t> order(permutation.data_ptr<int64_t>(), permutation.data_ptr<int64_t>() + n);
  train_values_ = stacked_values(images, order, 0, n - heldout);
  heldout_values_ = stacked_values(images, order, n - heldout, n);
  coords_ = coordinate_grid({first.height, first.width});
}

std::string ImagePriorTask::kind() const { return kImagePriorKind; }

void ImagePriorTask::configure_model(ModelSpec& spec) const {
  if (spec.activation != Activation::Sine)
    throw InvalidInput("the image prior's hypernetwork predicts a SIREN: the activation must be sine, got " +
                       to_string(spec.activation));
  spec.in_features = 2;
  spec.out_features = options_.shape.channels;
}

void ImagePriorTask::to(const torch::Device& device) {
  coords_ = coords_.to(device);
  train_values_ = train_values_.to(device);
  heldout_values_ = heldout_values_.to(device);
}

void ImagePriorTask::prepare_network(FieldNetworkImpl& network, at::Generator& init_generator) {
  prior_ = ImagePriorNetwork(options_.shape, network.spec(), init_generator);
  network.register_module("prior", prior_);
  field_ = &network;
}

int64_t ImagePriorTask::steps_per_epoch(int64_t batch_size) const {
  if (batch_size <= 0) return 1;
  return (training_images() + batch_size - 1) / batch_size;
}

PriorContext ImagePriorTask::training_context(int64_t batch, at::Generator& gen) const {
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat32);
  if (options_.shape.encoder == "conv") {
    // Each pixel known with probability U(min, max) / pixels (the reference's Bernoulli mask).
    const torch::Tensor expected = torch::rand({batch, 1}, gen) * (options_.context_max - options_.context_min) +
                                   options_.context_min;
    const torch::Tensor mask = (torch::rand({batch, pixels_}, gen) < expected.floor() / pixels_).to(torch::kFloat32);
    return {torch::arange(pixels_, torch::TensorOptions().dtype(torch::kLong)).unsqueeze(0).expand({batch, -1}).contiguous(),
            mask.unsqueeze(-1)};
  }
  // context_max random pixels, of which the first min..max count (the reference's ctxt_mask).
  const int64_t k = std::min<int64_t>(options_.context_max, pixels_);
  const torch::Tensor index = torch::rand({batch, pixels_}, gen).argsort(/*dim=*/1, /*descending=*/false).narrow(1, 0, k).contiguous();
  const torch::Tensor counts = torch::randint(options_.context_min, options_.context_max + 1, {batch, 1}, gen,
                                              torch::TensorOptions().dtype(torch::kLong));
  const torch::Tensor mask = (torch::arange(k, torch::TensorOptions().dtype(torch::kLong)).unsqueeze(0) < counts);
  return {index, mask.to(float_options.dtype()).unsqueeze(-1)};
}

Batch ImagePriorTask::sample(int64_t batch_size, at::Generator& gen) const {
  const torch::Device device = coords_.device();
  Batch batch;
  batch.coords = coords_.narrow(0, 0, 1);  // the field network's placeholder input (see the header)
  PriorContext context;
  torch::Tensor images;
  if (batch_size <= 0) {
    // The evaluation batch: the first held-out images knowing 100 random pixels.
    const int64_t count = std::min<int64_t>(heldout_images(), kEvaluationChunk);
    images = heldout_values_.narrow(0, 0, count);
    context = prior_evaluation_context(std::to_string(std::min(kEvaluationBatchContext, pixels_)), count, pixels_, gen);
    batch.fields["evaluation"] = torch::ones({1}, coords_.options());
  } else {
    const int64_t count = std::min(batch_size, training_images());
    const torch::Tensor chosen =
        torch::randperm(training_images(), gen, torch::TensorOptions().dtype(torch::kLong)).narrow(0, 0, count);
    images = train_values_.index_select(0, chosen.to(device));
    context = training_context(count, gen);
  }
  batch.fields["images"] = images;
  batch.fields["context_index"] = context.index.to(device);
  batch.fields["context_mask"] = context.mask.to(device);
  return batch;
}

LossTerms ImagePriorTask::losses(const torch::Tensor&, const torch::Tensor&, const Batch& batch) const {
  const torch::Tensor& images = batch.field("images");
  const PriorContext context{batch.field("context_index"), batch.field("context_mask")};
  const torch::Tensor latent = net().encode(coords_, images, context);
  HypoParameters params = net().hypo_parameters(latent);
  const torch::Tensor prediction = net().render(params, coords_);
  last_prediction_ = prediction.detach();
  last_params_ = HypoParameters{};
  for (size_t i = 0; i < params.weights.size(); ++i) {
    last_params_.weights.push_back(params.weights[i].detach());
    last_params_.biases.push_back(params.biases[i].detach());
  }
  // The reference's image_hypernetwork_loss.
  return {{"img_loss", (prediction - images).pow(2).mean()},
          {"latent_loss", options_.kl * latent.pow(2).mean()},
          {"hypo_weight_loss", options_.fw * params.mean_square()}};
}

std::map<std::string, double> ImagePriorTask::metrics(const torch::Tensor&, const Batch& batch) const {
  std::map<std::string, double> figures;
  if (!last_prediction_.defined()) return figures;
  // The field network shows the first image's predicted SIREN (renders, previews, the final model).
  if (field_) load_hypo_parameters(last_params_, 0, field_->layers());
  const double mse = mse_on_unit_range(last_prediction_, batch.field("images"));
  figures = {{"psnr", psnr_from_mse(mse)}, {"mse", mse}};
  if (batch.fields.count("evaluation")) {
    const std::map<std::string, double> table = evaluate_heldout();
    figures.insert(table.begin(), table.end());
  }
  return figures;
}

std::map<std::string, double> ImagePriorTask::evaluate_heldout() const {
  torch::NoGradGuard no_grad;
  const bool was_training = net().is_training();
  net().eval();
  std::map<std::string, double> table;
  const int64_t count = std::min<int64_t>(heldout_images(), std::max(1, options_.eval_images));
  const int64_t baseline = std::min<int64_t>(count, std::max(0, options_.baseline_images));
  table["heldout_images"] = static_cast<double>(count);
  table["baseline_images"] = static_cast<double>(baseline);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(kEvaluationSeed);
  for (const std::string& name : prior_context_names(pixels_)) {
    double mse_sum = 0, psnr_sum = 0;
    PriorContext baseline_context;
    for (int64_t start = 0; start < count; start += kEvaluationChunk) {
      const int64_t n = std::min(kEvaluationChunk, count - start);
      const torch::Tensor images = heldout_values_.narrow(0, start, n);
      PriorContext context = prior_evaluation_context(name, n, pixels_, gen);
      context = {context.index.to(coords_.device()), context.mask.to(coords_.device())};
      if (start == 0) baseline_context = context;
      const torch::Tensor prediction =
          net().render(net().hypo_parameters(net().encode(coords_, images, context)), coords_);
      const torch::Tensor mse = per_image_mse(prediction, images).to(torch::kCPU, torch::kDouble);
      if (start == 0 && baseline > 0) {
        // The prior on exactly the images and known pixels the plain SIRENs get.
        const torch::Tensor same = mse.narrow(0, 0, baseline);
        table["prior_mse_" + name] = same.mean().item<double>();
        table["prior_psnr_" + name] = (-10.0 * torch::log10(same.clamp_min(1e-10))).mean().item<double>();
      }
      mse_sum += mse.sum().item<double>();
      psnr_sum += (-10.0 * torch::log10(mse.clamp_min(1e-10))).sum().item<double>();
    }
    table["heldout_mse_" + name] = mse_sum / count;
    table["heldout_psnr_" + name] = psnr_sum / count;
    if (baseline > 0) {
      const torch::Tensor images = heldout_values_.narrow(0, 0, baseline);
      const PriorContext known{baseline_context.index.narrow(0, 0, baseline),
                               baseline_context.mask.narrow(0, 0, baseline)};
      const torch::Tensor prediction =
          fit_plain_sirens(net().hypo(), coords_, images, known, options_.baseline_steps, kEvaluationSeed);
      const torch::Tensor mse = per_image_mse(prediction, images).to(torch::kCPU, torch::kDouble);
      table["siren_mse_" + name] = mse.mean().item<double>();
      table["siren_psnr_" + name] = (-10.0 * torch::log10(mse.clamp_min(1e-10))).mean().item<double>();
    }
  }
  if (was_training) net().train();
  return table;
}

std::map<std::string, std::string> ImagePriorTask::metadata() const {
  return {{"width", std::to_string(options_.shape.width)},
          {"height", std::to_string(options_.shape.height)},
          {"channels", std::to_string(options_.shape.channels)},
          {"encoder", options_.shape.encoder},
          {"latent", std::to_string(options_.shape.latent)},
          {"hyper_hidden", std::to_string(options_.shape.hyper_hidden)},
          {"training_images", std::to_string(training_images())},
          {"heldout_images", std::to_string(heldout_images())}};
}

}  // namespace siren
