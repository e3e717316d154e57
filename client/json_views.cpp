#include "json_views.h"

#include <algorithm>
#include <cctype>

#include <google/protobuf/util/json_util.h>

#include "format.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

namespace siren::cli {

namespace {

// Adds metrics without overwriting the fields already present (step, loss, ...).
void add_flattened(Json& out, const google::protobuf::Map<std::string, double>& metrics) {
  std::vector<std::string> names;
  for (const auto& [name, value] : metrics) names.push_back(name);
  std::sort(names.begin(), names.end());  // proto maps have no stable order
  for (const auto& name : names) {
    if (!out.contains(name)) out[name] = metrics.at(name);
  }
}

void add_progress(Json& out, const v1::Progress& p) {
  out["step"] = p.step();
  out["total_steps"] = p.total_steps();
  if (p.total_epochs() > 0) {  // a fit counted in epochs
    out["epoch"] = p.epoch();
    out["total_epochs"] = p.total_epochs();
  }
  out["loss"] = p.loss();
  add_flattened(out, p.metrics());
  out["steps_per_second"] = p.steps_per_second();
  out["eta_seconds"] = p.eta_seconds();
  out["elapsed_seconds"] = p.elapsed_seconds();
}

Json message_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) return nullptr;
  return Json::parse(text, nullptr, false);
}

std::string lowercase_after(const std::string& name, const std::string& prefix) {
  std::string out = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Json option_json(const TaskOptionDescription& option) {
  Json out;
  out["name"] = option.name;
  out["type"] = option_type_name(option.type);
  out["default"] = option.default_value;  // "" = depends on the input or other options (see help)
  out["min"] = option.min;
  out["max"] = option.max;
  out["choices"] = option.choices;
  out["value_name"] = option.value_name;
  out["help"] = option.help;
  return out;
}

// The settings a preset gives: what FitSpec can set (so not the field's in/out features, which the
// input decides), in core's own spelling.
Json preset_json(const FitConfig& preset) {
  Json config = Json::parse(preset.to_json());
  config["model"].erase("in_features");
  config["model"].erase("out_features");
  return Json{{"task_options", config["task"]["options"]}, {"model", config["model"]}, {"train", config["train"]}};
}

}  // namespace

std::string state_name(v1::JobState state) {
  try {
    return wire::job_state_name(state);
  } catch (const std::exception&) {
    return "state-" + std::to_string(static_cast<int>(state));
  }
}

std::string task_name(v1::TaskKind kind) {
  try {
    return wire::task_kind_name(kind);
  } catch (const std::exception&) {
    return "task-" + std::to_string(static_cast<int>(kind));
  }
}

std::string event_type_name(v1::JobEvent::Type type) {
  const std::string& name = v1::JobEvent::Type_Name(type);
  if (name.empty()) return "event-" + std::to_string(static_cast<int>(type));
  return lowercase_after(name, "TYPE_");
}

Json job_json(const v1::Job& job) {
  Json out;
  out["job_id"] = job.job_id();
  out["state"] = state_name(job.state());
  out["task"] = task_name(job.spec().task());
  out["name"] = job.spec().name();
  out["input_filename"] = job.spec().input_filename();
  add_progress(out, job.progress());
  out["model_id"] = job.model_id();
  if (!job.error().empty()) out["error"] = job.error();
  out["device"] = job.device();
  if (!job.replica().empty()) out["replica"] = job.replica();  // in a fleet: the server that runs (ran) it
  if (job.attempt() > 1) out["attempt"] = job.attempt();        // re-run after its replica went silent
  if (!job.tenant().empty()) out["tenant"] = job.tenant();
  out["last_checkpoint_step"] = job.last_checkpoint_step();
  out["priority"] = wire::priority_name(wire::resolved_priority(job.options().priority()));
  if (!job.options().request_id().empty()) out["request_id"] = job.options().request_id();
  if (job.deadline_unix_ms() > 0) out["deadline_unix_ms"] = job.deadline_unix_ms();
  out["created_unix_ms"] = job.created_unix_ms();
  out["started_unix_ms"] = job.started_unix_ms();
  out["finished_unix_ms"] = job.finished_unix_ms();
  return out;
}

Json job_details_json(const v1::Job& job) {
  Json out = job_json(job);
  out["spec"] = message_json(job.spec());
  return out;
}

Json model_json(const v1::Model& model) {
  Json out;
  out["model_id"] = model.model_id();
  out["job_id"] = model.job_id();
  out["task"] = task_name(model.task());
  out["name"] = model.spec().name();
  out["input_filename"] = model.spec().input_filename();
  out["in_features"] = model.in_features();
  out["out_features"] = model.out_features();
  out["steps"] = model.steps();
  add_flattened(out, model.metrics());
  Json metadata = Json::object();
  for (const auto& [key, value] : model.metadata()) metadata[key] = value;
  out["metadata"] = metadata;
  out["created_unix_ms"] = model.created_unix_ms();
  out["checkpoint_bytes"] = model.checkpoint_bytes();
  Json formats = Json::array();
  for (const v1::ExportFormat& format : model.export_formats()) formats.push_back(format.name());
  out["export_formats"] = formats;
  return out;
}

Json model_details_json(const v1::Model& model) {
  Json out = model_json(model);
  out["spec"] = message_json(model.spec());
  return out;
}

Json event_json(const v1::JobEvent& event) {
  Json out;
  out["event"] = event_type_name(event.type());
  out["job_id"] = event.job().job_id();
  out["state"] = state_name(event.job().state());
  if (event.sequence() > 0) out["sequence"] = event.sequence();  // the job's kept events, numbered
  add_progress(out, event.job().progress());
  if (event.type() == v1::JobEvent::TYPE_CHECKPOINT_SAVED) {
    out["checkpoint_step"] = event.checkpoint_step();
  }
  if (!event.job().model_id().empty()) out["model_id"] = event.job().model_id();
  if (!event.job().error().empty()) out["error"] = event.job().error();
  if (!event.message().empty()) out["message"] = event.message();
  return out;
}

Json result_json(const v1::Job& job, const std::string& error) {
  Json out;
  out["event"] = "result";
  out["job_id"] = job.job_id();
  out["model_id"] = job.model_id();
  out["state"] = state_name(job.state());
  out["step"] = job.progress().step();
  out["total_steps"] = job.progress().total_steps();
  if (job.progress().total_epochs() > 0) {
    out["epoch"] = job.progress().epoch();
    out["total_epochs"] = job.progress().total_epochs();
  }
  out["loss"] = job.progress().loss();
  add_flattened(out, job.progress().metrics());
  out["elapsed_seconds"] = std::max(0.0, job_elapsed_seconds(job));
  if (!error.empty()) {
    out["error"] = error;
  } else if (!job.error().empty()) {
    out["error"] = job.error();
  }
  return out;
}

Json task_json(const TaskDescription& task) {
  Json out;
  out["name"] = task.kind;
  out["summary"] = task.summary;
  Json inputs = Json::array();
  for (const TaskInputDescription& input : task.inputs) {
    inputs.push_back({{"name", input.name},
                      {"media", input_media_name(input.media)},
                      {"help", input.help},
                      {"optional", input.optional}});
  }
  out["inputs"] = inputs;
  Json options = Json::array();
  for (const TaskOptionDescription& option : task.options) options.push_back(option_json(option));
  out["options"] = options;
  out["export_formats"] = task.export_formats;
  out["preset"] = preset_json(task.preset);
  for (const auto& [activation, width] : task.hidden_features_by_activation)  // video: relu-pe 256, ...
    out["preset"]["model"]["hidden_features_by_activation"][to_string(activation)] = width;
  out["details"] = task.details;
  return out;
}

}  // namespace siren::cli
