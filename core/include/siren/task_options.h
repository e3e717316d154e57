#pragma once
// Reading a task's options (TaskSpec.options: strings from the API or the CLI) into typed values, as
// its description (task_description.h) declares them: type, range, choices and default. Messages name
// the task, the option, what it accepts and what was given.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace siren {

struct TaskDescription;
struct TaskOptionDescription;

class TaskOptionReader {
 public:
  // Checks every given option against `task`: a name it declares and a value of its type and range.
  // Throws InvalidInput otherwise.
  TaskOptionReader(const TaskDescription& task, const std::map<std::string, std::string>& options);

  // True when the option is given with a non-empty value (empty = the default).
  bool has(const std::string& name) const;
  // The value given, else the description's default. The overloads with `fallback` are for options
  // whose default depends on the input or on other options (the description's default is empty).
  std::string text(const std::string& name) const;
  std::string choice(const std::string& name) const { return text(name); }
  double number(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  std::array<double, 2> point(const std::string& name) const;
  std::array<double, 2> point(const std::string& name, std::array<double, 2> fallback) const;

 private:
  const TaskOptionDescription& declared(const std::string& name) const;
  const std::string& given_or_default(const std::string& name) const;

  const TaskDescription& task_;
  const std::map<std::string, std::string>& options_;
};

// Throws InvalidInput when `value` is not of the option's type and range; `task_kind` names it.
void check_task_option_value(const std::string& task_kind, const TaskOptionDescription& option,
                             const std::string& value);

}  // namespace siren
