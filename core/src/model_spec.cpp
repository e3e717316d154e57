#include "siren/model_spec.h"

#include <utility>

#include "siren/errors.h"

namespace siren {
namespace {

const std::vector<std::pair<Activation, std::string>>& table() {
  static const std::vector<std::pair<Activation, std::string>> names = {
      {Activation::Sine, "sine"},         {Activation::Relu, "relu"},
      {Activation::Tanh, "tanh"},         {Activation::ReluPe, "relu-pe"},
      {Activation::Sigmoid, "sigmoid"},   {Activation::Softplus, "softplus"},
      {Activation::Elu, "elu"},           {Activation::Selu, "selu"},
      {Activation::ReluRbf, "relu-rbf"},   {Activation::SineRbf, "sine-rbf"},
      {Activation::TanhRbf, "tanh-rbf"},   {Activation::Pinn, "pinn"}};
  return names;
}

std::string joined_names() {
  std::string out;
  for (const auto& name : activation_names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

std::string to_string(Activation a) {
  for (const auto& [value, name] : table())
    if (value == a) return name;
  return "unknown";
}

bool has_rbf_input(Activation a) {
  return a == Activation::ReluRbf || a == Activation::SineRbf || a == Activation::TanhRbf;
}

bool is_sine(Activation a) { return a == Activation::Sine || a == Activation::SineRbf; }

Activation activation_from_string(const std::string& name) {
  for (const auto& [value, known] : table())
    if (known == name) return value;
  throw InvalidInput("unknown model/activation \"" + name + "\"; choose one of: " + joined_names());
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : table()) out.push_back(entry.second);
    return out;
  }();
  return names;
}

void ModelSpec::validate() const {
  // Bounds keep one request from allocating an absurd network; the paper's largest is 1024 wide.
  constexpr int kMaxWidth = 8192, kMaxHiddenLayers = 64, kMaxFeatures = 4096;
  if (in_features < 1 || in_features > kMaxFeatures)
    throw InvalidInput("in_features must be in [1, " + std::to_string(kMaxFeatures) + "], got " +
                       std::to_string(in_features));
  if (out_features < 1 || out_features > kMaxFeatures)
    throw InvalidInput("out_features must be in [1, " + std::to_string(kMaxFeatures) + "], got " +
                       std::to_string(out_features));
  if (hidden_features < 1 || hidden_features > kMaxWidth)
    throw InvalidInput("hidden features must be in [1, " + std::to_string(kMaxWidth) + "], got " +
                       std::to_string(hidden_features) + " (the paper uses 256)");
  if (hidden_layers < 0 || hidden_layers > kMaxHiddenLayers)
    throw InvalidInput("hidden layers must be in [0, " + std::to_string(kMaxHiddenLayers) + "], got " +
                       std::to_string(hidden_layers) + " (the paper uses 3)");
  auto finite_positive = [](double w) { return w > 0.0 && w < 1e6; };
  if (!finite_positive(first_omega0) || !finite_positive(hidden_omega0))
    throw InvalidInput("omega0 must be a positive finite number (the paper uses 30)");
  if (pe_frequencies < 0 || pe_frequencies > 32)
    throw InvalidInput("pe_frequencies must be in [0, 32] (0 = the reference's Nyquist rule), got " +
                       std::to_string(pe_frequencies));
}

int64_t ModelSpec::parameter_count() const {
  constexpr int64_t kRbfCentres = 1024, kMostReferencePeFrequencies = 16;
  int64_t inputs = in_features, count = 0;
  if (activation == Activation::ReluPe) {
    const int64_t frequencies = pe_frequencies > 0 ? pe_frequencies : kMostReferencePeFrequencies;
    inputs += 2 * in_features * frequencies;
  } else if (has_rbf_input(activation)) {
    count += kRbfCentres * in_features + kRbfCentres;
    inputs = kRbfCentres;
  }
  const int64_t h = hidden_features;
  count += inputs * h + h;                       // first layer
  count += int64_t{hidden_layers} * (h * h + h);  // hidden layers
  count += h * out_features + out_features;      // last layer
  return count;
}

}  // namespace siren
