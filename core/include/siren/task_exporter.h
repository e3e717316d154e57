#pragma once
// How a task plugs an export format in (core-internal; see export.h for the public entry point).
#include <functional>

#include "siren/export.h"

namespace siren {

struct TaskExporter {
  ExportFormat format;
  std::function<void(const FieldModel& model, const ExportOptions& options, const ByteSink& sink,
                     int64_t max_samples)>
      write;
};

// The exporters registered for a task kind (task_registry.cpp).
const std::vector<TaskExporter>& task_exporters(const std::string& task_kind);

}  // namespace siren
