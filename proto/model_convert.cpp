// ModelInfo -> v1::Model. Apart from the other conversions (convert.cpp) because a model lists its
// task's export formats, which come from the task registry and so from the LibTorch side of the core;
// everything in convert.cpp stays usable without LibTorch (the request fuzzer builds it so).
#include "siren/export.h"
#include "siren/wire/convert.h"

namespace siren::wire {

v1::Model model_info_to_proto(const ModelInfo& info) {
  v1::Model out;
  out.set_task(task_kind_from_name(info.task_kind));
  *out.mutable_spec() = fit_spec_to_proto(info.config);
  out.set_in_features(info.config.model.in_features);
  out.set_out_features(info.config.model.out_features);
  out.set_steps(info.steps);
  for (const auto& [key, value] : info.metrics) (*out.mutable_metrics())[key] = value;
  for (const auto& [key, value] : info.metadata) (*out.mutable_metadata())[key] = value;
  for (const ExportFormat& format : export_formats(info.task_kind)) {
    v1::ExportFormat* f = out.add_export_formats();
    f->set_name(format.name);
    f->set_extension(format.extension);
    f->set_description(format.description);
    for (const auto& option : format.options) (*f->mutable_options())[option.name] = option.help;
  }
  return out;
}

}  // namespace siren::wire
