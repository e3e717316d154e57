#include "siren/task_inputs.h"

#include "siren/errors.h"
#include "siren/io/input_bundle.h"
#include "siren/task_description.h"

namespace siren {
namespace {

std::string input_names(const TaskDescription& task) {
  std::string names;
  for (const auto& input : task.inputs) names += (names.empty() ? "" : ", ") + input.name;
  return names;
}

bool takes(const TaskDescription& task, const std::string& name) {
  for (const auto& input : task.inputs)
    if (input.name == name) return true;
  return false;
}

}  // namespace

TaskInputs::TaskInputs(std::string first_input) : first_(std::move(first_input)) {}

void TaskInputs::append(const std::string& name, const std::string& bytes) { named_[name] += bytes; }

size_t TaskInputs::total_bytes() const {
  size_t total = first_.size();
  for (const auto& [name, bytes] : named_) total += bytes.size();
  return total;
}

std::map<std::string, std::string> TaskInputs::resolve(const TaskDescription& task) const {
  std::map<std::string, std::string> resolved = named_;
  if (!first_.empty()) {
    if (task.inputs.empty())
      throw InvalidInput("the " + task.kind + " task takes no input file (got " + std::to_string(first_.size()) +
                         " bytes): its signal is set by task options");
    if (InputBundle::looks_like_bundle(first_)) {
      const InputBundle bundle = InputBundle::unpack(first_);
      for (const std::string& name : bundle.names()) resolved[name] = bundle.file(name);
    } else {
      if (resolved.count(task.inputs.front().name))
        throw InvalidInput("the " + task.kind + " task's input \"" + task.inputs.front().name +
                           "\" was given twice (named and unnamed)");
      resolved[task.inputs.front().name] = first_;
    }
  }
  for (const auto& [name, bytes] : resolved) {
    if (!takes(task, name))
      throw InvalidInput("the " + task.kind + " task has no input \"" + name + "\"; " +
                         (task.inputs.empty() ? std::string("it takes none") : "it takes: " + input_names(task)));
  }
  for (const auto& input : task.inputs) {
    const auto it = resolved.find(input.name);
    if (input.optional) {
      // An empty upload of an optional input is no input: the task sees it absent, not empty.
      if (it != resolved.end() && it->second.empty()) resolved.erase(it);
      continue;
    }
    if (it == resolved.end() || it->second.empty())
      throw InvalidInput("the " + task.kind + " task needs its input \"" + input.name + "\" (" + input.help + ")" +
                         (it == resolved.end() ? "" : ": it is empty (0 bytes)"));
  }
  return resolved;
}

std::string TaskInputs::pack(const TaskDescription& task) const {
  const std::map<std::string, std::string> resolved = resolve(task);
  if (resolved.empty()) return "";
  if (resolved.size() == 1 && !InputBundle::looks_like_bundle(resolved.begin()->second) &&
      resolved.begin()->first == task.inputs.front().name)
    return resolved.begin()->second;
  InputBundle bundle;
  for (const auto& input : task.inputs)
    if (resolved.count(input.name)) bundle.add(input.name, resolved.at(input.name));  // optional ones may be absent
  return bundle.pack();
}

}  // namespace siren
