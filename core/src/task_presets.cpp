// Every task's preset, read from its description (the reference's defaults for that experiment).
#include "siren/fit_config.h"
#include "siren/task_description.h"

namespace siren {
namespace {

// The reference's PINNet (modules.py; Raissi et al. 2019) is one fixed network, whatever the task: 8 hidden
// tanh layers of 20, and train_helmholtz.py's --mode pinn trains it with L-BFGS (training.py, use_lbfgs).
constexpr int kPinnHiddenFeatures = 20;
constexpr int kPinnHiddenLayers = 8;

void apply_activation_preset(FitConfig& config) {
  if (config.model.activation != Activation::Pinn) return;
  config.model.hidden_features = kPinnHiddenFeatures;
  config.model.hidden_layers = kPinnHiddenLayers;
  config.train.optimizer = "lbfgs";
}

}  // namespace

std::vector<std::string> task_kinds() {
  std::vector<std::string> kinds;
  for (const auto& description : task_descriptions()) kinds.push_back(description.kind);
  return kinds;
}

FitConfig preset_fit_config(const std::string& task_kind) { return describe_task(task_kind).preset; }

FitConfig preset_fit_config(const std::string& task_kind, Activation activation) {
  const TaskDescription description = describe_task(task_kind);
  FitConfig config = description.preset;
  config.model.activation = activation;
  apply_activation_preset(config);
  const auto width = description.hidden_features_by_activation.find(activation);
  if (width != description.hidden_features_by_activation.end()) config.model.hidden_features = width->second;
  return config;
}

}  // namespace siren
