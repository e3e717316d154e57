#pragma once
// Small helpers the unit tests share: the message of an expected InvalidInput, and an export to memory.
#include <functional>
#include <string>

#include "siren/errors.h"
#include "siren/export.h"

namespace siren::testing {

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
