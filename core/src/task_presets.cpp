// Every task's preset: the defaults of the reference's experiment script for it
// (shared/siren-reference.md, section 7). Plain data, no LibTorch: a request is resolved against these
// and validated before anything is decoded or allocated. The order is the order `task_kinds()` lists.
#include <functional>
#include <utility>
#include <vector>

#include "siren/errors.h"
#include "siren/fit_config.h"
#include "siren/task_kinds.h"

namespace siren {
namespace {

FitConfig image_preset() {
  FitConfig config;  // the struct defaults are train_img's: sine 3x256, omega0 30, Adam 1e-4, 10k steps
  config.task.kind = kImageKind;
  return config;
}

FitConfig sdf_preset() {
  FitConfig config;  // sine 3 hidden x 256, omega0 30, Adam 1e-4: train_sdf's SingleBVPNet
  config.task.kind = kSdfKind;
  config.model.in_features = 3;
  config.model.out_features = 1;
  config.train.clip_grad_norm = 1.0;  // train_sdf: clip_grad=True -> clip_grad_norm_(max_norm=1.0)
  // train_sdf runs 10,000 epochs of points // batch steps each (1.8M steps for 250k points): GPU-days.
  // 10,000 steps is its epoch count, i.e. its schedule when one batch covers the cloud.
  config.train.steps = 10000;
  config.train.batch_size = 0;  // the task's on_surface_points (1400)
  return config;
}

FitConfig audio_preset() {
  // train_audio.py: SingleBVPNet(type=sine, in_features=1) = 1 -> 256 x 3 hidden -> 1, sin(30 x) on every
  // layer, Adam lr 1e-4, num_epochs 9001 (one epoch = one full-signal step).
  FitConfig config;
  config.task.kind = kAudioKind;
  config.model.in_features = 1;
  config.model.out_features = 1;
  config.train.steps = 9001;
  config.train.batch_size = 0;
  return config;
}

FitConfig video_preset() {
  // train_video.py: SingleBVPNet(type=sine, in_features=3, out_features=3, hidden_features=1024,
  // num_hidden_layers=3), sin(30 x) on every layer, Adam lr 1e-4, num_epochs 100000 (one epoch = one
  // draw of sample_frac 38e-4 of the voxels).
  FitConfig config;
  config.task.kind = kVideoKind;
  config.model.in_features = 3;
  config.model.out_features = 3;
  config.model.hidden_features = 1024;
  config.train.steps = 100000;
  config.train.batch_size = 0;
  return config;
}

FitConfig helmholtz_preset() {
  // train_helmholtz.py: SingleBVPNet(out_features=2, type=sine) = 2 -> 256 x 3 hidden -> 2, omega0 30,
  // Adam lr 2e-5, num_epochs 50,000 (one epoch = one step), clip_grad 0 (off).
  FitConfig config;
  config.task.kind = kHelmholtzKind;
  config.model.in_features = 2;
  config.model.out_features = 2;
  config.train.learning_rate = 2e-5;
  config.train.steps = 50000;
  config.train.batch_size = 0;  // sidelength^2 points
  config.train.clip_grad_norm = 0;
  return config;
}

FitConfig wave_preset() {
  // train_wave_equation.py: SingleBVPNet(in_features=3, out_features=1, type=sine, hidden_features=512,
  // num_hidden_layers=3), omega0 30, Adam lr 2e-5, num_epochs 100,000 (one epoch = one step), no clipping.
  FitConfig config;
  config.task.kind = kWaveKind;
  config.model.in_features = 3;
  config.model.out_features = 1;
  config.model.hidden_features = 512;
  config.train.learning_rate = 2e-5;
  config.train.steps = 100000;
  config.train.batch_size = 0;  // sidelength^2 points
  config.train.clip_grad_norm = 0;
  return config;
}

FitConfig poisson_preset(const char* kind, const char* size) {
  // train_poisson_*: SingleBVPNet(2 -> 1, sine, 256 x 3 hidden), Adam 1e-4, 10,000 steps, full batch
  // (its --batch_size has no effect on a one-item dataset): the struct defaults. The Poisson scripts fit
  // the cameraman at 256 (gradients, Laplacian) and the composite at 512.
  FitConfig config;
  config.task.kind = kind;
  config.task.options["size"] = size;
  config.model.in_features = 2;
  config.model.out_features = 1;
  return config;
}

const std::vector<std::pair<std::string, std::function<FitConfig()>>>& presets() {
  static const std::vector<std::pair<std::string, std::function<FitConfig()>>> all = {
      {kImageKind, image_preset},
      {kSdfKind, sdf_preset},
      {kAudioKind, audio_preset},
      {kVideoKind, video_preset},
      {kHelmholtzKind, helmholtz_preset},
      {kWaveKind, wave_preset},
      {kPoissonGradKind, [] { return poisson_preset(kPoissonGradKind, "256"); }},
      {kPoissonLaplKind, [] { return poisson_preset(kPoissonLaplKind, "256"); }},
      {kPoissonCompositeKind, [] { return poisson_preset(kPoissonCompositeKind, "512"); }},
  };
  return all;
}

}  // namespace

const std::vector<std::string>& task_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const auto& [kind, preset] : presets()) out.push_back(kind);
    return out;
  }();
  return kinds;
}

FitConfig preset_fit_config(const std::string& task_kind) {
  for (const auto& [kind, preset] : presets()) {
    if (kind == task_kind) return preset();
  }
  std::string known;
  for (const auto& kind : task_kinds()) known += (known.empty() ? "" : ", ") + kind;
  throw InvalidInput("unknown task kind \"" + task_kind + "\"; known kinds: " + known);
}

}  // namespace siren
