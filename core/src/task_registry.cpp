#include "siren/task_registry.h"

#include <functional>

#include "siren/errors.h"
#include "siren/task.h"
#include "siren/task_exporter.h"
#include "siren/task_kinds.h"
#include "siren/tasks/audio_export.h"
#include "siren/tasks/audio_task.h"
#include "siren/tasks/helmholtz_export.h"
#include "siren/tasks/helmholtz_task.h"
#include "siren/tasks/image_export.h"
#include "siren/tasks/image_task.h"
#include "siren/tasks/poisson_export.h"
#include "siren/tasks/poisson_task.h"
#include "siren/tasks/sdf_export.h"
#include "siren/tasks/sdf_task.h"
#include "siren/tasks/video_export.h"
#include "siren/tasks/video_task.h"
#include "siren/tasks/wave_export.h"
#include "siren/tasks/wave_task.h"

namespace siren {
namespace {

// How each kind is built and exported. Its preset (the defaults) is plain data in task_presets.cpp.
struct TaskEntry {
  std::string kind;
  std::function<std::unique_ptr<Task>(const TaskSpec&, const std::string&)> make;
  std::vector<TaskExporter> exporters;  // the first is the default format
};

// One line per task. Kept explicit (no static self-registration) because the linker drops unreferenced
// objects of a static library, which would silently lose tasks.
const std::vector<TaskEntry>& entries() {
  static const std::vector<TaskEntry> all = {
      {kImageKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<ImageTask>(spec, bytes); },
       {image_png_exporter()}},
      {kSdfKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<SdfTask>(spec, bytes); },
       {sdf_ply_exporter()}},
      {kAudioKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<AudioTask>(spec, bytes); },
       {audio_wav_exporter()}},
      {kVideoKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<VideoTask>(spec, bytes); },
       {video_avi_exporter(), video_png_exporter()}},
      {kHelmholtzKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<HelmholtzTask>(spec, bytes); },
       {helmholtz_png_exporter()}},
      {kWaveKind,
       [](const TaskSpec& spec, const std::string& bytes) { return std::make_unique<WaveTask>(spec, bytes); },
       {wave_png_exporter()}},
      {kPoissonGradKind,
       [](const TaskSpec& spec, const std::string& bytes) {
         return std::make_unique<PoissonTask>(kPoissonGradKind, spec, bytes);
       },
       {poisson_png_exporter()}},
      {kPoissonLaplKind,
       [](const TaskSpec& spec, const std::string& bytes) {
         return std::make_unique<PoissonTask>(kPoissonLaplKind, spec, bytes);
       },
       {poisson_png_exporter()}},
      {kPoissonCompositeKind,
       [](const TaskSpec& spec, const std::string& bytes) {
         return std::make_unique<PoissonTask>(kPoissonCompositeKind, spec, bytes);
       },
       {poisson_png_exporter()}},
  };
  return all;
}

const TaskEntry& entry(const std::string& kind) {
  for (const auto& e : entries())
    if (e.kind == kind) return e;
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.kind;
  throw InvalidInput("unknown task kind \"" + kind + "\"; known kinds: " + known);
}

}  // namespace

const std::vector<TaskExporter>& task_exporters(const std::string& task_kind) {
  static const std::vector<TaskExporter> none;
  for (const auto& e : entries())
    if (e.kind == task_kind) return e.exporters;
  return none;
}

std::unique_ptr<Task> make_task(const TaskSpec& spec, const std::string& input_bytes) {
  return entry(spec.kind).make(spec, input_bytes);
}

}  // namespace siren
