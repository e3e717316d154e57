// Conversions between siren.v1 messages and core types (see convert.h).
//
// Enum <-> name mapping goes through the protobuf enum descriptors, so a new task kind or
// activation needs only a proto value whose name follows the pattern (TASK_KIND_<NAME>,
// ACTIVATION_<NAME>, with '-' in core's name written as '_'): no code here changes.
#include "siren/wire/convert.h"

#include <google/protobuf/descriptor.h>

#include <cctype>
#include <limits>

#include "siren/errors.h"
#include "siren/task_description.h"

namespace siren::wire {
namespace {

namespace pb = google::protobuf;

// "relu-pe" -> "RELU_PE"
std::string to_enum_suffix(const std::string& name) {
  std::string out = name;
  for (char& c : out) c = (c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "RELU_PE" -> "relu-pe"
std::string from_enum_suffix(const std::string& suffix) {
  std::string out = suffix;
  for (char& c : out) c = (c == '_') ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The core-style names of every value of `desc` except the UNSPECIFIED one.
std::vector<std::string> enum_names(const pb::EnumDescriptor* desc, const std::string& prefix) {
  std::vector<std::string> names;
  for (int i = 0; i < desc->value_count(); ++i) {
    const auto* v = desc->value(i);
    if (v->number() != 0) names.push_back(from_enum_suffix(v->name().substr(prefix.size())));
  }
  return names;
}

std::string name_of(const pb::EnumDescriptor* desc, const std::string& prefix, int number,
                    const char* what) {
  const auto* v = desc->FindValueByNumber(number);
  if (v == nullptr || number == 0) {
    throw InvalidInput(std::string(what) + " is " + (v ? "unspecified" : "unknown (" + std::to_string(number) + ")") +
                       "; expected one of: " + join(enum_names(desc, prefix)));
  }
  return from_enum_suffix(v->name().substr(prefix.size()));
}

int number_of(const pb::EnumDescriptor* desc, const std::string& prefix, const std::string& name,
              const char* what) {
  const auto* v = desc->FindValueByName(prefix + to_enum_suffix(name));
  if (v == nullptr || v->number() == 0) {
    throw InvalidInput(std::string("unknown ") + what + " '" + name +
                       "'; expected one of: " + join(enum_names(desc, prefix)));
  }
  return v->number();
}

const std::string kTaskPrefix = "TASK_KIND_";
const std::string kActivationPrefix = "ACTIVATION_";

// proto int64 -> core int with a clear message instead of silent truncation.
int checked_int(int64_t value, const char* field) {
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    throw InvalidInput(std::string(field) + " = " + std::to_string(value) + " is out of range");
  }
  return static_cast<int>(value);
}

void apply_model_settings(const v1::ModelSettings& m, ModelSpec& spec) {
  if (m.activation() != v1::ACTIVATION_UNSPECIFIED) spec.activation = activation_from_proto(m.activation());
  if (m.has_hidden_features()) spec.hidden_features = checked_int(m.hidden_features(), "model.hidden_features");
  if (m.has_hidden_layers()) spec.hidden_layers = checked_int(m.hidden_layers(), "model.hidden_layers");
  if (m.has_first_omega0()) spec.first_omega0 = m.first_omega0();
  if (m.has_hidden_omega0()) spec.hidden_omega0 = m.hidden_omega0();
  if (m.has_pe_frequencies()) spec.pe_frequencies = checked_int(m.pe_frequencies(), "model.pe_frequencies");
}

void apply_train_settings(const v1::TrainSettings& t, TrainOptions& train) {
  if (t.has_steps()) train.steps = t.steps();
  if (t.has_epochs()) train.epochs = t.epochs();
  // One given alone decides, whatever the preset counts: steps alone count steps, epochs alone epochs.
  if (t.has_steps() && !t.has_epochs()) train.epochs = 0;
  if (t.has_epochs() && !t.has_steps()) train.steps = 0;
  if (t.has_learning_rate()) train.learning_rate = t.learning_rate();
  if (t.has_optimizer()) train.optimizer = t.optimizer();
  if (t.has_batch_size()) train.batch_size = t.batch_size();
  if (t.has_seed()) train.seed = t.seed();
  if (t.has_checkpoint_every()) train.checkpoint_every = t.checkpoint_every();
  if (t.has_clip_grad_norm()) train.clip_grad_norm = t.clip_grad_norm();
  if (t.has_fused_sine_layers()) train.fused_sine_layers = t.fused_sine_layers();
  if (t.has_closed_form_derivatives()) train.closed_form_derivatives = t.closed_form_derivatives();
  if (t.has_device()) train.device = t.device();
  if (t.has_precision()) train.precision = t.precision();
  if (t.has_cuda_graphs()) train.cuda_graphs = t.cuda_graphs();
}

}  // namespace

std::string task_kind_name(v1::TaskKind kind) {
  return name_of(v1::TaskKind_descriptor(), kTaskPrefix, kind, "task kind");
}

v1::TaskKind task_kind_from_name(const std::string& name) {
  return static_cast<v1::TaskKind>(number_of(v1::TaskKind_descriptor(), kTaskPrefix, name, "task kind"));
}

v1::Activation activation_to_proto(Activation a) {
  return static_cast<v1::Activation>(
      number_of(v1::Activation_descriptor(), kActivationPrefix, to_string(a), "activation"));
}

Activation activation_from_proto(v1::Activation a) {
  return activation_from_string(name_of(v1::Activation_descriptor(), kActivationPrefix, a, "activation"));
}

FitConfig fit_config_from_proto(const v1::FitSpec& spec) {
  // The preset of the chosen activation (a task may preset another width for a baseline), then what
  // the request sets.
  const std::string kind = task_kind_name(spec.task());
  const bool chooses_activation = spec.has_model() && spec.model().activation() != v1::ACTIVATION_UNSPECIFIED;
  FitConfig config = chooses_activation ? preset_fit_config(kind, activation_from_proto(spec.model().activation()))
                                        : preset_fit_config(kind);
  for (const auto& [key, value] : spec.task_options()) config.task.options[key] = value;
  if (spec.has_model()) apply_model_settings(spec.model(), config.model);
  if (spec.has_train()) apply_train_settings(spec.train(), config.train);
  check_task_spec(config.task);
  config.model.validate();
  config.train.validate();
  return config;
}

FitConfig fit_config_from_spec(const v1::FitSpec& spec) {
  FitConfig config;
  for (const auto& [key, value] : spec.task_options()) config.task.options[key] = value;
  if (spec.has_model()) apply_model_settings(spec.model(), config.model);
  if (spec.has_train()) apply_train_settings(spec.train(), config.train);
  return config;
}

v1::FitSpec fit_spec_to_proto(const FitConfig& config) {
  v1::FitSpec spec;
  spec.set_task(task_kind_from_name(config.task.kind));
  for (const auto& [key, value] : config.task.options) (*spec.mutable_task_options())[key] = value;

  auto* m = spec.mutable_model();
  m->set_activation(activation_to_proto(config.model.activation));
  m->set_hidden_features(config.model.hidden_features);
  m->set_hidden_layers(config.model.hidden_layers);
  m->set_first_omega0(config.model.first_omega0);
  m->set_hidden_omega0(config.model.hidden_omega0);
  m->set_pe_frequencies(config.model.pe_frequencies);

  auto* t = spec.mutable_train();
  t->set_steps(config.train.steps);
  t->set_epochs(config.train.epochs);
  t->set_learning_rate(config.train.learning_rate);
  t->set_optimizer(config.train.optimizer);
  t->set_batch_size(config.train.batch_size);
  t->set_seed(config.train.seed);
  t->set_checkpoint_every(config.train.checkpoint_every);
  t->set_clip_grad_norm(config.train.clip_grad_norm);
  t->set_fused_sine_layers(config.train.fused_sine_layers);
  t->set_closed_form_derivatives(config.train.closed_form_derivatives);
  t->set_device(config.train.device);
  t->set_precision(config.train.precision);
  t->set_cuda_graphs(config.train.cuda_graphs);
  return spec;
}

v1::Progress progress_to_proto(const Progress& p) {
  v1::Progress out;
  out.set_step(p.step);
  out.set_total_steps(p.total_steps);
  out.set_epoch(p.epoch);
  out.set_total_epochs(p.total_epochs);
  out.set_loss(p.loss);
  for (const auto& [key, value] : p.metrics) (*out.mutable_metrics())[key] = value;
  out.set_steps_per_second(p.steps_per_second);
  out.set_eta_seconds(p.eta_seconds);
  out.set_elapsed_seconds(p.elapsed_seconds);
  return out;
}

Progress progress_from_proto(const v1::Progress& p) {
  Progress out;
  out.step = p.step();
  out.total_steps = p.total_steps();
  out.epoch = p.epoch();
  out.total_epochs = p.total_epochs();
  out.loss = p.loss();
  out.metrics.insert(p.metrics().begin(), p.metrics().end());
  out.steps_per_second = p.steps_per_second();
  out.eta_seconds = p.eta_seconds();
  out.elapsed_seconds = p.elapsed_seconds();
  return out;
}

std::string job_state_name(v1::JobState state) {
  const std::string prefix = "JOB_STATE_";
  const auto* v = v1::JobState_descriptor()->FindValueByNumber(state);
  if (v == nullptr) return "unknown";
  return from_enum_suffix(v->name().substr(prefix.size()));
}

}  // namespace siren::wire

namespace siren::wire {

std::string priority_name(v1::Priority priority) {
  return name_of(v1::Priority_descriptor(), "PRIORITY_", priority, "priority");
}

v1::Priority priority_from_name(const std::string& name) {
  return static_cast<v1::Priority>(number_of(v1::Priority_descriptor(), "PRIORITY_", name, "priority"));
}

}  // namespace siren::wire
