#pragma once
// Reading a task's options (TaskSpec.options: strings from the API or the CLI) into typed values, with
// InvalidInput messages that name the task, the option, what it accepts and what was given.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace siren {

class TaskOptionReader {
 public:
  // Throws InvalidInput for an option not in `known`.
  TaskOptionReader(std::string task_kind, const std::map<std::string, std::string>& options,
                   std::vector<std::string> known);

  // True when the option is given with a non-empty value (empty = the default).
  bool has(const std::string& name) const;
  // One of `choices`.
  std::string choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& choices) const;
  // A finite number in [min, max].
  double number(const std::string& name, double fallback, double min, double max) const;
  // An integer in [min, max].
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  // "x,y": two finite numbers, each in [min, max].
  std::array<double, 2> point(const std::string& name, std::array<double, 2> fallback, double min, double max) const;

 private:
  const std::string* value(const std::string& name) const;
  [[noreturn]] void fail(const std::string& name, const std::string& expected) const;

  std::string kind_;
  const std::map<std::string, std::string>& options_;
};

}  // namespace siren
