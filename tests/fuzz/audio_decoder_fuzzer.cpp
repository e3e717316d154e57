// Any bytes given to the audio decoder either decode to finite mono samples or fail with InvalidInput.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/io/audio.h"
#include "siren/io/input_limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const siren::Audio audio = siren::decode_audio(std::string(reinterpret_cast<const char*>(data), size));
    FUZZ_CHECK(audio.sample_rate > 0);
    FUZZ_CHECK(!audio.samples.empty());
    FUZZ_CHECK(static_cast<int64_t>(audio.samples.size()) <= siren::input_limits().max_audio_samples);
    for (float v : audio.samples) FUZZ_CHECK(std::isfinite(v));
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
