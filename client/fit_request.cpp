#include "fit_request.h"

#include <filesystem>

#include "siren/model_spec.h"
#include "siren/wire/convert.h"

namespace siren::cli {

v1::FitSpec build_fit_spec(const FitRequest& request) {
  const FitSettings& s = request.settings;
  v1::FitSpec spec;
  spec.set_task(wire::task_kind_from_name(request.task));
  for (const auto& [key, value] : request.task_options) (*spec.mutable_task_options())[key] = value;
  spec.set_input_filename(std::filesystem::path(request.first_input_path()).filename().string());
  spec.set_name(request.name);

  v1::ModelSettings& model = *spec.mutable_model();
  if (s.model) model.set_activation(wire::activation_to_proto(activation_from_string(*s.model)));
  if (s.hidden_features) model.set_hidden_features(*s.hidden_features);
  if (s.hidden_layers) model.set_hidden_layers(*s.hidden_layers);
  // --w0 sets both; the more specific --first-w0 / --hidden-w0 win over it.
  if (auto first = s.first_omega0 ? s.first_omega0 : s.omega0) model.set_first_omega0(*first);
  if (auto hidden = s.hidden_omega0 ? s.hidden_omega0 : s.omega0) model.set_hidden_omega0(*hidden);
  if (s.pe_frequencies) model.set_pe_frequencies(*s.pe_frequencies);

  v1::TrainSettings& train = *spec.mutable_train();
  if (s.steps) train.set_steps(*s.steps);
  if (s.epochs) train.set_epochs(*s.epochs);
  if (s.learning_rate) train.set_learning_rate(*s.learning_rate);
  if (s.optimizer) train.set_optimizer(*s.optimizer);
  if (s.batch_size) train.set_batch_size(*s.batch_size);
  if (s.seed) train.set_seed(*s.seed);
  if (s.checkpoint_every) train.set_checkpoint_every(*s.checkpoint_every);
  if (s.clip_grad_norm) train.set_clip_grad_norm(*s.clip_grad_norm);
  if (s.fused_sine_layers) train.set_fused_sine_layers(*s.fused_sine_layers);
  if (s.closed_form_derivatives) train.set_closed_form_derivatives(*s.closed_form_derivatives);
  if (s.device) train.set_device(*s.device);
  if (s.precision) train.set_precision(*s.precision);
  if (s.cuda_graphs) train.set_cuda_graphs(*s.cuda_graphs);
  return spec;
}

v1::JobOptions build_job_options(const FitRequest& request) {
  v1::JobOptions options;
  if (!request.priority.empty()) options.set_priority(wire::priority_from_name(request.priority));
  if (request.deadline_seconds) options.set_deadline_seconds(*request.deadline_seconds);
  options.set_request_id(request.request_id);
  return options;
}

std::string default_local_model_path(const FitRequest& request) {
  const std::string stem = request.inputs.empty() ? request.task
                                                  : std::filesystem::path(request.first_input_path()).stem().string();
  return stem + ".siren.ckpt";
}

}  // namespace siren::cli
