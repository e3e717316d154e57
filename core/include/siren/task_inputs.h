#pragma once
// A fit's input files, by the names its task description gives them ("image"; "background" and
// "foreground"). A plain string is the task's single (first) input, so `run_fit(config, png, ...)`
// reads naturally; an empty one is no input. No LibTorch here.
#include <map>
#include <string>

namespace siren {

struct TaskDescription;

class TaskInputs {
 public:
  TaskInputs() = default;
  TaskInputs(std::string first_input);  // NOLINT: implicit on purpose (see above)
  TaskInputs(const char* first_input) : TaskInputs(std::string(first_input)) {}

  // Adds (or appends to) the input `name`.
  void append(const std::string& name, const std::string& bytes);
  void append_first(const std::string& bytes) { first_ += bytes; }
  bool empty() const { return first_.empty() && named_.empty(); }
  size_t total_bytes() const;

  // The inputs by name as `task` names them: the unnamed first input gets the task's first input's
  // name, and an InputBundle (io/input_bundle.h: how several inputs are stored in one file) is
  // unpacked. An optional input left out or empty is absent from the map. Throws InvalidInput for a
  // name the task does not take, a missing required input, or an input given to a task that takes none.
  std::map<std::string, std::string> resolve(const TaskDescription& task) const;

  // The one file a job keeps its inputs in: the resolved inputs, the first as it is when it is the only
  // one, else an InputBundle of all. Read back as a TaskInputs, it resolves to the same inputs.
  std::string pack(const TaskDescription& task) const;

 private:
  std::string first_;
  std::map<std::string, std::string> named_;
};

}  // namespace siren
