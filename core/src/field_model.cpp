#include "siren/field_model.h"

#include <cmath>

#include "siren/checkpoint.h"
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/network.h"
#include "siren/query_stages.h"
#include "siren/runtime.h"
#include "siren/task_kinds.h"
#include "siren/tasks/image_task.h"

namespace siren {
namespace {

constexpr int64_t kGradientBlockPoints = 1 << 14;  // every layer's activation (or cosine) is kept
constexpr int64_t kDeviceGradientBlockPoints = 1 << 18;

}  // namespace

struct FieldModel::Impl {
  ModelInfo info;
  FieldNetwork network{nullptr};
  torch::Device device = torch::kCPU;

  torch::Tensor evaluate(const torch::Tensor& host_coords) {
    return values_on_host(evaluate_in_blocks(network, coordinates_on_device(host_coords, device)));
  }

  torch::Tensor evaluate_gradients(const torch::Tensor& host_coords) {
    const torch::Tensor coords = coordinates_on_device(host_coords, device);
    const int64_t block = device.is_cpu() ? kGradientBlockPoints : kDeviceGradientBlockPoints;
    std::vector<torch::Tensor> blocks;
    for (int64_t start = 0; start < coords.size(0); start += block)
      blocks.push_back(network->input_gradient(coords.narrow(0, start, std::min(block, coords.size(0) - start))));
    if (blocks.empty()) return torch::zeros({0, info.config.model.in_features});
    return values_on_host(torch::cat(blocks, 0));
  }
};

FieldModel::FieldModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FieldModel::FieldModel(FieldModel&&) noexcept = default;
FieldModel& FieldModel::operator=(FieldModel&&) noexcept = default;
FieldModel::~FieldModel() = default;

FieldModel FieldModel::load(const std::string& path, const std::string& device) {
  auto impl = std::make_unique<Impl>();
  impl->device = torch::Device(resolve_device(device));
  CheckpointReader reader(path, impl->device);
  impl->info = reader.info();
  impl->network = FieldNetwork(impl->info.config.model);
  impl->network->to(impl->device);
  reader.restore_network(impl->network);
  impl->network->eval();
  return FieldModel(std::move(impl));
}

FieldModel field_model_of_network(const ModelInfo& info, const FieldNetwork& network) {
  auto impl = std::make_unique<FieldModel::Impl>();
  impl->info = info;
  impl->network = network;  // shared, not copied: the caller keeps it unchanged while the model is used
  const auto parameters = network->parameters();
  impl->device = parameters.empty() ? torch::Device(torch::kCPU) : parameters.front().device();
  return FieldModel(std::move(impl));
}

ModelInfo FieldModel::read_info(const std::string& path) { return CheckpointReader(path).info(); }

const ModelInfo& FieldModel::info() const { return impl_->info; }
std::string FieldModel::device() const { return impl_->device.str(); }
int FieldModel::in_features() const { return impl_->info.config.model.in_features; }
int FieldModel::out_features() const { return impl_->info.config.model.out_features; }

std::vector<float> FieldModel::query(const std::vector<float>& coords) const {
  const torch::Tensor y = impl_->evaluate(coordinate_tensor(coords, in_features())).contiguous();
  return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
}

std::vector<float> FieldModel::query_gradients(const std::vector<float>& coords) const {
  const torch::Tensor g = impl_->evaluate_gradients(coordinate_tensor(coords, in_features())).contiguous();
  return std::vector<float>(g.data_ptr<float>(), g.data_ptr<float>() + g.numel());
}

Image FieldModel::render_image(int width, int height) const {
  // An image field: (row, col) -> gray or RGB (the image task's, and those built on it).
  if (in_features() != 2 || (out_features() != 1 && out_features() != 3))
    throw InvalidInput("model is a \"" + impl_->info.task_kind + "\" field, not an image; use a query instead");
  if (width <= 0 || height <= 0) throw InvalidInput("render size must be positive");
  const torch::Tensor values = impl_->evaluate(coordinate_grid({height, width}));
  return image_from_normalized(values, width, height);
}

}  // namespace siren
