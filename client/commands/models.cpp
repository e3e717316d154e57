// `siren models` (a table), `siren model ID` (one in full) and `siren rm-model ID`.
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "format.h"
#include "json_views.h"
#include "model_lookup.h"
#include "rpc_error.h"
#include "table.h"

namespace siren::cli {

namespace {

std::string metric_cell(const v1::Model& model, const std::string& name) {
  auto it = model.metrics().find(name);
  if (it == model.metrics().end()) return "-";
  return name == "psnr" ? format_psnr(it->second) : format_loss(it->second);
}

// "256x256x1" for images; otherwise the field's shape, e.g. "3->1".
std::string shape_cell(const v1::Model& model) {
  const int width = metadata_int(model, "width"), height = metadata_int(model, "height");
  if (width > 0 && height > 0) {
    const int channels = metadata_int(model, "channels");
    return std::to_string(width) + "x" + std::to_string(height) +
           (channels > 0 ? "x" + std::to_string(channels) : "");
  }
  return std::to_string(model.in_features()) + "->" + std::to_string(model.out_features());
}

int run_models(const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::ListModelsResponse response;
  check_rpc(connection.stub().ListModels(context.get(), v1::ListModelsRequest(), &response));
  if (output.json()) {
    for (const v1::Model& model : response.models()) output.json_line(model_json(model));
    return kExitSuccess;
  }
  Table table({"ID", "TASK", "SHAPE", "STEPS", "PSNR", "JOB", "NAME", "CREATED"});
  for (const v1::Model& model : response.models()) {
    table.add_row({model.model_id(), task_name(model.task()), shape_cell(model),
                   std::to_string(model.steps()), metric_cell(model, "psnr"), model.job_id(),
                   model.spec().name().empty() ? model.spec().input_filename() : model.spec().name(),
                   format_local_time(model.created_unix_ms())});
  }
  output.text(table.render());
  return kExitSuccess;
}

int run_model(const std::string& model_id, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  const v1::Model model = fetch_model(connection, model_id);
  if (output.json()) {
    output.json_line(model_details_json(model));
    return kExitSuccess;
  }
  Table details({"model", model.model_id()});
  details.add_row({"task", task_name(model.task()) + "  " + model.spec().input_filename()});
  if (!model.spec().name().empty()) details.add_row({"name", model.spec().name()});
  details.add_row({"shape", shape_cell(model) + "  (" + std::to_string(model.in_features()) +
                                " inputs -> " + std::to_string(model.out_features()) + " outputs)"});
  details.add_row({"steps", std::to_string(model.steps())});
  for (const auto& [name, value] : model.metrics()) details.add_row({name, metric_cell(model, name)});
  details.add_row({"settings", format_spec_summary(model.spec())});
  for (const v1::ExportFormat& format : model.export_formats()) {  // for `siren export`
    details.add_row({"export " + format.name(), format.extension() + "  " + format.description()});
    for (const auto& [name, help] : format.options()) {
      details.add_row({"", "  --option " + name + "=...  " + help});
    }
  }
  details.add_row({"job", model.job_id()});
  details.add_row({"checkpoint", format_bytes(model.checkpoint_bytes())});
  details.add_row({"created", format_local_time(model.created_unix_ms())});
  output.text(details.render());
  return kExitSuccess;
}

int run_remove_model(const std::string& model_id, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::DeleteModelRequest request;
  request.set_model_id(model_id);
  v1::DeleteModelResponse response;
  check_rpc(connection.stub().DeleteModel(context.get(), request, &response));
  if (output.json()) {
    output.json_line(Json{{"model_id", model_id}, {"deleted", true}});
  } else {
    output.text("deleted model " + model_id);
  }
  return kExitSuccess;
}

// A command taking one MODEL_ID argument and running `run` with it.
void add_model_id_command(CLI::App& root, CommandContext& context, const std::string& name,
                          const std::string& description,
                          int (*run)(const std::string&, const GlobalOptions&)) {
  auto model_id = std::make_shared<std::string>();
  CLI::App* command = add_command(root, name, description, context);
  command->add_option("model_id", *model_id, "the model, as listed by `siren models`")
      ->required()->type_name("MODEL_ID");
  command->callback([model_id, run, &context] {
    context.action = [model_id, run, &context] { return run(*model_id, context.global); };
  });
}

}  // namespace

void register_models_commands(CLI::App& root, CommandContext& context) {
  CLI::App* models =
      add_command(root, "models", "list trained models (--json: one line per model)", context);
  models->callback([&context] {
    context.action = [&context] { return run_models(context.global); };
  });
  add_model_id_command(root, context, "model", "show one model: shape, metrics, settings",
                       run_model);
  add_model_id_command(root, context, "rm-model", "delete a model and its checkpoint",
                       run_remove_model);
}

}  // namespace siren::cli
