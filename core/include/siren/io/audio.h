#pragma once
// Audio decoding/encoding via libsndfile over memory buffers (no LibTorch here).
#include <cstdint>
#include <string>
#include <vector>

namespace siren {

// Mono samples as floats (integer formats scaled to [-1, 1) by libsndfile, float formats kept as stored).
struct Audio {
  int sample_rate = 0;
  std::vector<float> samples;

  double duration_seconds() const { return sample_rate > 0 ? double(samples.size()) / sample_rate : 0.0; }
};


// WAV/FLAC/OGG/AIFF/... bytes -> mono Audio (several channels are averaged, as the reference does for
// stereo). Throws InvalidInput on empty, undecodable or truncated input, on zero samples, on more than
// input_limits().max_audio_samples samples (io/input_limits.h), and on NaN or infinite samples.
Audio decode_audio(const std::string& bytes);
// A mono 32-bit float WAV (the format of the paper's gt_bach.wav). Throws InvalidInput for a sample rate
// outside [1, 2^20] Hz.
std::string encode_wav(const Audio& audio);

}  // namespace siren
