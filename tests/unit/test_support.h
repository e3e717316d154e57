#pragma once
// Small helpers the unit tests share: the message of an expected InvalidInput, and an export to memory.
#include <functional>
#include <string>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/task.h"
#include "siren/task_registry.h"

namespace siren::testing {

// The task `spec` names, built from `inputs` as a fit builds it (options checked against its
// description), as its concrete type T.
template <class T>
T built_task(const TaskSpec& spec, const TaskInputs& inputs) {
  std::unique_ptr<Task> task = make_task(spec, inputs);
  T* typed = dynamic_cast<T*>(task.get());
  if (typed == nullptr) throw std::logic_error("task kind " + spec.kind + " is not the type asked for");
  return std::move(*typed);
}

// The message of the InvalidInput `f` throws; "(no InvalidInput thrown)" when it throws none.
inline std::string invalid_input_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  return "(no InvalidInput thrown)";
}

// `model` exported in `format`, the sink's pieces joined.
inline std::string exported_bytes(const FieldModel& model, const std::string& format, const ExportOptions& options,
                                  int64_t max_samples = kDefaultMaxExportSamples) {
  std::string bytes;
  export_model(model, format, options, [&](const std::string& piece) { bytes += piece; }, max_samples);
  return bytes;
}

}  // namespace siren::testing
