#include "siren/task_description.h"

namespace siren {

const TaskOptionDescription* TaskDescription::option(const std::string& name) const {
  for (const auto& o : options)
    if (o.name == name) return &o;
  return nullptr;
}

std::string option_flag_name(const std::string& option_name) {
  std::string flag = option_name;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

const char* option_type_name(TaskOptionType type) {
  switch (type) {
    case TaskOptionType::Integer: return "integer";
    case TaskOptionType::Number: return "number";
    case TaskOptionType::Choice: return "choice";
    case TaskOptionType::Point: return "point";
    case TaskOptionType::Size: return "size";
  }
  return "number";
}

const char* input_media_name(InputMedia media) {
  switch (media) {
    case InputMedia::File: return "file";
    case InputMedia::Image: return "image";
    case InputMedia::Audio: return "audio";
    case InputMedia::Video: return "video";
    case InputMedia::Points: return "points";
  }
  return "file";
}

}  // namespace siren
