// The audio task (the paper's Sec. 4.1): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription audio_task_description() {
  TaskDescription d;
  d.kind = kAudioKind;
  d.summary = "fit audio: a field t -> amplitude, one coordinate per sample (the paper's Sec. 4.1)";
  d.details =
      "Sample i sits at t = linspace(-100, 100, n)[i] (the reference's train_audio.py: the wide\n"
      "time axis lets the sine layers' omega_0 = 30 reach audio frequencies; the Colab instead\n"
      "keeps t in [-1,1] with a first-layer omega_0 of 3000). Amplitudes are divided by their\n"
      "peak; the loss and the reported mse are the mean squared error of that normalised\n"
      "amplitude, the figure the paper reports (Bach: SIREN 1.1e-5, ReLU 2.5e-2). Preset:\n"
      "sine 1->256x3->1, Adam 1e-4, 9001 full-signal steps. Baseline: --model relu-pe (its\n"
      "frequency count follows the sample count). Export the trained field as a float WAV\n"
      "with `siren export` (format wav; option rate=HZ resamples the continuous field).";
  d.inputs = {{"audio", InputMedia::Audio,
               "the audio to fit: WAV, FLAC, OGG/Vorbis, AIFF, ... (libsndfile); several channels are averaged to "
               "mono, as the reference does for stereo"}};
  d.options = {{"time_scale", TaskOptionType::Number, "100", 1e-6, 1e6, {}, "X",
                "time runs over [-X, X]: a larger X lets the same omega_0 fit higher frequencies (default: 100, the "
                "reference's)"}};
  // train_audio.py: SingleBVPNet(type=sine, in_features=1) = 1 -> 256 x 3 hidden -> 1, sin(30 x) on every
  // layer, Adam lr 1e-4, num_epochs 9001 (one epoch = one full-signal step).
  d.preset.task.kind = kAudioKind;
  d.preset.model.in_features = 1;
  d.preset.model.out_features = 1;
  d.preset.train.steps = 9001;
  d.preset.train.batch_size = 0;
  d.export_formats = {"wav"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
