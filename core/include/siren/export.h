#pragma once
// Exporting a trained field to a file format: image -> PNG at any resolution, audio -> WAV, SDF -> PLY
// mesh, ... Each task registers its formats beside the task (task_registry.cpp), so the server and the
// CLI serve every task through this one entry point. No LibTorch in this header.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "siren/field_model.h"

namespace siren {

struct ExportOption {
  std::string name;
  std::string help;  // with the default
};

struct ExportFormat {
  std::string name;       // e.g. "png"
  std::string extension;  // e.g. ".png"
  std::string description;
  std::vector<ExportOption> options;
};

using ExportOptions = std::map<std::string, std::string>;
// Receives the output in pieces, so large exports (meshes) stream in bounded memory.
using ByteSink = std::function<void(const std::string& bytes)>;

// Formats a model of this task kind exports to; the first is the default. Unknown kind: empty.
std::vector<ExportFormat> export_formats(const std::string& task_kind);

// Throws InvalidInput for an unknown format, an unknown option, a bad option value, or an export that would
// evaluate the field at more than `max_samples` points (pixels, audio samples, grid voxels).
// An empty format means the task's default.
constexpr int64_t kDefaultMaxExportSamples = int64_t{1} << 26;
void export_model(const FieldModel& model, const std::string& format, const ExportOptions& options,
                  const ByteSink& sink, int64_t max_samples = kDefaultMaxExportSamples);
// The InvalidInput an exporter throws when a request is over max_samples.
void check_export_samples(int64_t samples, int64_t max_samples, const std::string& what);

// Helpers for exporters: reject options the format does not know, and read typed values.
void check_export_options(const ExportFormat& format, const ExportOptions& options);
int export_int_option(const ExportOptions& options, const std::string& name, int fallback, int min, int max);
double export_double_option(const ExportOptions& options, const std::string& name, double fallback, double min,
                            double max);

}  // namespace siren
