#include "tasks/task_command.h"

namespace siren::cli {

TaskCommand audio_task_command() {
  TaskCommand task;
  task.name = "audio";
  task.summary = "fit audio: a field t -> amplitude, one coordinate per sample (the paper's Sec. 4.1)";
  task.input_help =
      "the audio to fit: WAV, FLAC, OGG/Vorbis, AIFF, ... (libsndfile); several channels are "
      "averaged to mono, as the reference does for stereo";
  task.footer =
      "Sample i sits at t = linspace(-100, 100, n)[i] (the reference's train_audio.py: the wide\n"
      "time axis lets the sine layers' omega_0 = 30 reach audio frequencies; the Colab instead\n"
      "keeps t in [-1,1] with a first-layer omega_0 of 3000). Amplitudes are divided by their\n"
      "peak; the loss and the reported mse are the mean squared error of that normalised\n"
      "amplitude, the figure the paper reports (Bach: SIREN 1.1e-5, ReLU 2.5e-2). Preset:\n"
      "sine 1->256x3->1, Adam 1e-4, 9001 full-signal steps. Baseline: --model relu-pe (its\n"
      "frequency count follows the sample count). Export the trained field as a float WAV\n"
      "with `siren export` (format wav; option rate=HZ resamples the continuous field).";
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    const auto it = preset.task.options.find("time_scale");
    const std::string fallback = it != preset.task.options.end() && !it->second.empty() ? it->second : "100";
    add_task_option(command, options, "--time-scale", "time_scale", "X",
                    "time runs over [-X, X]: a larger X lets the same omega_0 fit higher frequencies "
                    "(default: " + fallback + ", the reference's)");
  };
  return task;
}

}  // namespace siren::cli
