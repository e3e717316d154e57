#include "siren/task_options.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "siren/errors.h"
#include "siren/image_size.h"
#include "siren/task_description.h"

namespace siren {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// strtod accepts "nan", "inf" and leading blanks; an option value must be a plain finite number.
bool parse_number(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && *end == '\0' && std::isfinite(out);
}

bool parse_integer(const std::string& text, int64_t& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && *end == '\0';
}

bool parse_point(const std::string& text, std::array<double, 2>& out) {
  const size_t comma = text.find(',');
  return comma != std::string::npos && parse_number(text.substr(0, comma), out[0]) &&
         parse_number(text.substr(comma + 1), out[1]);
}

bool in_range(double x, const TaskOptionDescription& o) { return x >= o.min && x <= o.max; }

std::string range_text(const TaskOptionDescription& o) {
  return "[" + number_text(o.min) + ", " + number_text(o.max) + "]";
}

// What a value of the option must be, for messages.
std::string expected(const TaskOptionDescription& o) {
  switch (o.type) {
    case TaskOptionType::Integer: return "an integer in " + range_text(o);
    case TaskOptionType::Number: return "a number in " + range_text(o);
    case TaskOptionType::Choice: return "one of " + join(o.choices);
    case TaskOptionType::Point: return "\"x,y\" with two numbers in " + range_text(o);
    case TaskOptionType::Size: return "an image size: WxH (e.g. 512x384), N for NxN, or original";
  }
  return "valid";
}

bool valid(const TaskOptionDescription& o, const std::string& value) {
  switch (o.type) {
    case TaskOptionType::Integer: {
      int64_t x = 0;
      return parse_integer(value, x) && in_range(static_cast<double>(x), o);
    }
    case TaskOptionType::Number: {
      double x = 0;
      return parse_number(value, x) && in_range(x, o);
    }
    case TaskOptionType::Choice:
      for (const auto& c : o.choices)
        if (value == c) return true;
      return false;
    case TaskOptionType::Point: {
      std::array<double, 2> p{0, 0};
      return parse_point(value, p) && in_range(p[0], o) && in_range(p[1], o);
    }
    case TaskOptionType::Size:
      if (value == "original") return true;
      try {
        parse_image_size(value);
        return true;
      } catch (const InvalidInput&) {
        return false;
      }
  }
  return false;
}

std::vector<std::string> option_names(const TaskDescription& task) {
  std::vector<std::string> names;
  for (const auto& o : task.options) names.push_back(o.name);
  return names;
}

}  // namespace

void check_task_option_value(const std::string& task_kind, const TaskOptionDescription& option,
                             const std::string& value) {
  if (!valid(option, value))
    throw InvalidInput(task_kind + " task option " + option.name + " must be " + expected(option) + ", got \"" +
                       value + "\"");
}

TaskOptionReader::TaskOptionReader(const TaskDescription& task, const std::map<std::string, std::string>& options)
    : task_(task), options_(options) {
  for (const auto& [key, value] : options_) {
    const TaskOptionDescription* option = task_.option(key);
    if (option == nullptr) {
      const auto known = option_names(task_);
      throw InvalidInput("unknown " + task_.kind + " task option \"" + key + "\"; known options: " +
                         (known.empty() ? std::string("none") : join(known)));
    }
    if (!value.empty()) check_task_option_value(task_.kind, *option, value);
  }
}

const TaskOptionDescription& TaskOptionReader::declared(const std::string& name) const {
  const TaskOptionDescription* option = task_.option(name);
  if (option == nullptr) throw std::logic_error(task_.kind + " reads option " + name + ", which it does not declare");
  return *option;
}

bool TaskOptionReader::has(const std::string& name) const {
  const auto it = options_.find(name);
  return it != options_.end() && !it->second.empty();
}

const std::string& TaskOptionReader::given_or_default(const std::string& name) const {
  const TaskOptionDescription& option = declared(name);
  if (has(name)) return options_.at(name);
  if (option.default_value.empty())
    throw std::logic_error(task_.kind + " option " + name + " has no default; read it with a fallback");
  return option.default_value;
}

std::string TaskOptionReader::text(const std::string& name) const {
  if (!has(name) && declared(name).default_value.empty()) return "";
  return given_or_default(name);
}

double TaskOptionReader::number(const std::string& name) const {
  double x = 0;
  parse_number(given_or_default(name), x);
  return x;
}

int64_t TaskOptionReader::integer(const std::string& name) const {
  int64_t x = 0;
  parse_integer(given_or_default(name), x);
  return x;
}

std::array<double, 2> TaskOptionReader::point(const std::string& name) const {
  std::array<double, 2> p{0, 0};
  parse_point(given_or_default(name), p);
  return p;
}

std::array<double, 2> TaskOptionReader::point(const std::string& name, std::array<double, 2> fallback) const {
  if (!has(name)) return fallback;
  return point(name);
}

}  // namespace siren
