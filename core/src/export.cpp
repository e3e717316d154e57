#include "siren/export.h"

#include <cstdlib>

#include "siren/errors.h"
#include "siren/task_exporter.h"

namespace siren {

std::vector<ExportFormat> export_formats(const std::string& task_kind) {
  std::vector<ExportFormat> out;
  for (const auto& exporter : task_exporters(task_kind)) out.push_back(exporter.format);
  return out;
}

void check_export_samples(int64_t samples, int64_t max_samples, const std::string& what) {
  if (samples > max_samples)
    throw InvalidInput(what + " is " + std::to_string(samples) + " samples, more than the limit of " +
                       std::to_string(max_samples) + " (server flag --max-render-pixels)");
}

void export_model(const FieldModel& model, const std::string& format, const ExportOptions& options,
                  const ByteSink& sink, int64_t max_samples) {
  const auto& exporters = task_exporters(model.info().task_kind);
  std::string known;
  for (const auto& exporter : exporters) {
    if (exporter.format.name == format || (format.empty() && &exporter == &exporters.front())) {
      check_export_options(exporter.format, options);
      exporter.write(model, options, sink, max_samples);
      return;
    }
    known += (known.empty() ? "" : ", ") + exporter.format.name;
  }
  throw InvalidInput("a \"" + model.info().task_kind + "\" model cannot be exported as \"" + format + "\"" +
                     (known.empty() ? std::string("; it has no export formats") : "; formats: " + known));
}

void check_export_options(const ExportFormat& format, const ExportOptions& options) {
  for (const auto& [name, value] : options) {
    bool known = false;
    std::string names;
    for (const auto& option : format.options) {
      known = known || option.name == name;
      names += (names.empty() ? "" : ", ") + option.name;
    }
    if (!known)
      throw InvalidInput("unknown option \"" + name + "\" for " + format.name + " export; options: " +
                         (names.empty() ? "none" : names));
  }
}

double export_double_option(const ExportOptions& options, const std::string& name, double fallback, double min,
                            double max) {
  const auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  const double value = std::strtod(it->second.c_str(), &end);
  if (*end != '\0' || !(value >= min && value <= max))
    throw InvalidInput("option " + name + " must be a number in [" + std::to_string(min) + ", " + std::to_string(max) +
                       "], got \"" + it->second + "\"");
  return value;
}

int export_int_option(const ExportOptions& options, const std::string& name, int fallback, int min, int max) {
  const auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return fallback;
  char* end = nullptr;
  const long value = std::strtol(it->second.c_str(), &end, 10);
  if (*end != '\0' || value < min || value > max)
    throw InvalidInput("option " + name + " must be an integer in [" + std::to_string(min) + ", " +
                       std::to_string(max) + "], got \"" + it->second + "\"");
  return static_cast<int>(value);
}

}  // namespace siren
