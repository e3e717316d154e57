#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "wav": the audio field sampled over the fitted duration at the original sample rate (or "rate"),
// amplitudes scaled back to the input's, as a mono 32-bit float WAV.
TaskExporter audio_wav_exporter();

}  // namespace siren
