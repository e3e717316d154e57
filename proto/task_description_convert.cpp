#include "siren/wire/task_description_convert.h"

#include <algorithm>
#include <limits>

#include "siren/wire/convert.h"

namespace siren::wire {
namespace {

v1::TaskOptionType option_type_to_proto(TaskOptionType type) {
  switch (type) {
    case TaskOptionType::Integer: return v1::TASK_OPTION_TYPE_INTEGER;
    case TaskOptionType::Number: return v1::TASK_OPTION_TYPE_NUMBER;
    case TaskOptionType::Choice: return v1::TASK_OPTION_TYPE_CHOICE;
    case TaskOptionType::Point: return v1::TASK_OPTION_TYPE_POINT;
    case TaskOptionType::Size: return v1::TASK_OPTION_TYPE_SIZE;
  }
  return v1::TASK_OPTION_TYPE_UNSPECIFIED;
}

TaskOptionType option_type_from_proto(v1::TaskOptionType type) {
  switch (type) {
    case v1::TASK_OPTION_TYPE_INTEGER: return TaskOptionType::Integer;
    case v1::TASK_OPTION_TYPE_CHOICE: return TaskOptionType::Choice;
    case v1::TASK_OPTION_TYPE_POINT: return TaskOptionType::Point;
    case v1::TASK_OPTION_TYPE_SIZE: return TaskOptionType::Size;
    default: return TaskOptionType::Number;
  }
}

v1::InputMedia input_media_to_proto(InputMedia media) {
  switch (media) {
    case InputMedia::File: return v1::INPUT_MEDIA_FILE;
    case InputMedia::Image: return v1::INPUT_MEDIA_IMAGE;
    case InputMedia::Audio: return v1::INPUT_MEDIA_AUDIO;
    case InputMedia::Video: return v1::INPUT_MEDIA_VIDEO;
    case InputMedia::Points: return v1::INPUT_MEDIA_POINTS;
  }
  return v1::INPUT_MEDIA_UNSPECIFIED;
}

InputMedia input_media_from_proto(v1::InputMedia media) {
  switch (media) {
    case v1::INPUT_MEDIA_IMAGE: return InputMedia::Image;
    case v1::INPUT_MEDIA_AUDIO: return InputMedia::Audio;
    case v1::INPUT_MEDIA_VIDEO: return InputMedia::Video;
    case v1::INPUT_MEDIA_POINTS: return InputMedia::Points;
    default: return InputMedia::File;  // unspecified, or a kind newer than this program
  }
}

}  // namespace

v1::TaskDescription task_description_to_proto(const TaskDescription& task) {
  v1::TaskDescription out;
  out.set_kind(task_kind_from_name(task.kind));
  out.set_name(task.kind);
  out.set_summary(task.summary);
  out.set_details(task.details);
  for (const auto& input : task.inputs) {
    v1::TaskInput* i = out.add_inputs();
    i->set_name(input.name);
    i->set_help(input.help);
    i->set_optional(input.optional);
    i->set_media(input_media_to_proto(input.media));
  }
  for (const auto& option : task.options) {
    v1::TaskOption* o = out.add_options();
    o->set_name(option.name);
    o->set_type(option_type_to_proto(option.type));
    o->set_default_value(option.default_value);
    o->set_min(option.min);
    o->set_max(option.max);
    for (const auto& choice : option.choices) o->add_choices(choice);
    o->set_value_name(option.value_name);
    o->set_help(option.help);
  }
  *out.mutable_preset() = fit_spec_to_proto(task.preset);
  for (const auto& [activation, width] : task.hidden_features_by_activation)
    (*out.mutable_hidden_features_by_activation())[to_string(activation)] = width;
  for (const auto& format : task.export_formats) out.add_export_formats(format);
  return out;
}

TaskDescription task_description_from_proto(const v1::TaskDescription& task) {
  TaskDescription out;
  out.kind = task.name().empty() ? task_kind_name(task.kind()) : task.name();
  out.summary = task.summary();
  out.details = task.details();
  for (const auto& input : task.inputs())
    out.inputs.push_back({input.name(), input_media_from_proto(input.media()), input.help(), input.optional()});
  for (const auto& option : task.options()) {
    TaskOptionDescription o;
    o.name = option.name();
    o.type = option_type_from_proto(option.type());
    o.default_value = option.default_value();
    o.min = option.min();
    o.max = option.max();
    o.choices.assign(option.choices().begin(), option.choices().end());
    o.value_name = option.value_name();
    o.help = option.help();
    out.options.push_back(std::move(o));
  }
  out.preset = fit_config_from_spec(task.preset());
  out.preset.task.kind = out.kind;
  // An activation or width this build cannot use (a newer server's) is left out rather than failing the listing.
  const std::vector<std::string>& known = activation_names();
  for (const auto& [name, width] : task.hidden_features_by_activation()) {
    if (std::find(known.begin(), known.end(), name) == known.end() || width < 1 ||
        width > std::numeric_limits<int>::max())
      continue;
    out.hidden_features_by_activation[activation_from_string(name)] = static_cast<int>(width);
  }
  out.export_formats.assign(task.export_formats().begin(), task.export_formats().end());
  return out;
}

}  // namespace siren::wire
