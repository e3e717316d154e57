#include "siren/io/audio.h"

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>

#include "siren/errors.h"
#include "siren/io/input_limits.h"

namespace siren {
namespace {

constexpr int kMaxSampleRate = 1 << 20;
constexpr sf_count_t kReadBlockFrames = 1 << 16;

// libsndfile's virtual I/O over a std::string: reads from the input, or grows it when writing.
struct MemoryFile {
  std::string* bytes;
  sf_count_t position = 0;
};

sf_count_t memory_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes->size()); }

sf_count_t memory_seek(sf_count_t offset, int whence, void* user) {
  auto* file = static_cast<MemoryFile*>(user);
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = file->position;
  else if (whence == SEEK_END) base = static_cast<sf_count_t>(file->bytes->size());
  const sf_count_t target = base + offset;
  if (target < 0) return -1;
  file->position = target;
  return target;
}

sf_count_t memory_read(void* destination, sf_count_t count, void* user) {
  auto* file = static_cast<MemoryFile*>(user);
  const sf_count_t available = static_cast<sf_count_t>(file->bytes->size()) - file->position;
  if (available <= 0 || count <= 0) return 0;
  if (count > available) count = available;
  std::memcpy(destination, file->bytes->data() + file->position, static_cast<size_t>(count));
  file->position += count;
  return count;
}

sf_count_t memory_write(const void* source, sf_count_t count, void* user) {
  auto* file = static_cast<MemoryFile*>(user);
  if (count <= 0) return 0;
  const auto end = static_cast<size_t>(file->position + count);
  if (end > file->bytes->size()) file->bytes->resize(end);
  std::memcpy(&(*file->bytes)[static_cast<size_t>(file->position)], source, static_cast<size_t>(count));
  file->position += count;
  return count;
}

sf_count_t memory_tell(void* user) { return static_cast<MemoryFile*>(user)->position; }

SF_VIRTUAL_IO memory_io() { return {memory_length, memory_seek, memory_read, memory_write, memory_tell}; }

struct SndfileCloser {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

InvalidInput undecodable(const std::string& why) {
  return InvalidInput("could not decode the input as audio: " + why +
                      "; supported formats: WAV, FLAC, OGG/Vorbis, AIFF, AU, ... (libsndfile)");
}

// libsndfile reads a file whose sample data was cut short without complaint; its log says so, as
// "data : <declared> (should be <present>)" (WAV, W64, RF64) or "SSND : ..." (AIFF). Returns the message
// for a truncated file, or "" when the header's length fits the bytes present. Streamed files that
// leave the length unset (0 or all ones) are not truncated.
std::string truncation_message(SNDFILE* file) {
  char log[8192] = {};
  sf_command(file, SFC_GET_LOG_INFO, log, sizeof log);
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    unsigned long long declared = 0, present = 0;
    char chunk[8] = {};
    if (std::sscanf(line.c_str(), " %4s : %llu (should be %llu)", chunk, &declared, &present) != 3) continue;
    const std::string name = chunk;
    if (name != "data" && name != "SSND") continue;
    if (declared > present && declared < 0xFFFFFFF0ull && declared != 0x7FFFFFFFull)
      return "the file is truncated: its header declares " + std::to_string(declared) +
             " bytes of sample data but only " + std::to_string(present) + " are present";
  }
  return "";
}

}  // namespace

Audio decode_audio(const std::string& input) {
  if (input.empty()) throw InvalidInput("the input is empty (0 bytes); expected an audio file (WAV, FLAC, OGG, ...)");
  // Opened for reading only, so the virtual I/O never writes through this pointer.
  MemoryFile memory{const_cast<std::string*>(&input)};
  SF_VIRTUAL_IO io = memory_io();
  SF_INFO info{};
  SndfileHandle file(sf_open_virtual(&io, SFM_READ, &info, &memory));
  if (!file) throw undecodable(sf_strerror(nullptr));
  if (info.channels <= 0 || info.samplerate <= 0)
    throw undecodable("the header gives " + std::to_string(info.channels) + " channels at " +
                      std::to_string(info.samplerate) + " Hz");
  if (const std::string truncated = truncation_message(file.get()); !truncated.empty()) throw undecodable(truncated);
  const int64_t max_samples = input_limits().max_audio_samples;
  if (info.frames > max_samples)
    throw InvalidInput("the audio has " + std::to_string(info.frames) + " samples, more than this server accepts (" +
                       std::to_string(max_samples) + " at most; siren-server --max-audio-samples); cut it shorter");

  Audio audio;
  audio.sample_rate = info.samplerate;
  const int channels = info.channels;
  if (info.frames > 0 && info.frames != SF_COUNT_MAX) audio.samples.reserve(static_cast<size_t>(info.frames));
  std::vector<float> block(static_cast<size_t>(kReadBlockFrames) * channels);
  for (;;) {
    const sf_count_t got = sf_readf_float(file.get(), block.data(), kReadBlockFrames);
    if (got <= 0) break;
    if (static_cast<int64_t>(audio.samples.size()) + got > max_samples)
      throw InvalidInput("the audio has more than " + std::to_string(max_samples) +
                         " samples, more than this server accepts (siren-server --max-audio-samples); cut it shorter");
    for (sf_count_t frame = 0; frame < got; ++frame) {
      // The reference averages stereo channels (np.mean in float64); so do we, for any channel count.
      double sum = 0.0;
      for (int ch = 0; ch < channels; ++ch) sum += block[static_cast<size_t>(frame) * channels + ch];
      audio.samples.push_back(static_cast<float>(sum / channels));
    }
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR) throw undecodable(sf_strerror(file.get()));
  if (info.frames != SF_COUNT_MAX && static_cast<int64_t>(audio.samples.size()) < info.frames)
    throw undecodable("the file is truncated: it declares " + std::to_string(info.frames) + " samples but only " +
                      std::to_string(audio.samples.size()) + " could be read");
  if (audio.samples.empty()) throw InvalidInput("the audio has no samples (0 frames)");
  for (size_t i = 0; i < audio.samples.size(); ++i)
    if (!std::isfinite(audio.samples[i]))
      throw InvalidInput("the audio contains NaN or infinite samples (first at sample " + std::to_string(i) + ")");
  return audio;
}

std::string encode_wav(const Audio& audio) {
  if (audio.sample_rate < 1 || audio.sample_rate > kMaxSampleRate)
    throw InvalidInput("cannot write a WAV at " + std::to_string(audio.sample_rate) + " Hz; the rate must be in [1, " +
                       std::to_string(kMaxSampleRate) + "]");
  std::string bytes;
  bytes.reserve(64 + audio.samples.size() * sizeof(float));
  MemoryFile memory{&bytes};
  SF_VIRTUAL_IO io = memory_io();
  SF_INFO info{};
  info.samplerate = audio.sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  {
    SndfileHandle file(sf_open_virtual(&io, SFM_WRITE, &info, &memory));
    if (!file) throw std::runtime_error(std::string("WAV encoding failed: ") + sf_strerror(nullptr));
    const auto frames = static_cast<sf_count_t>(audio.samples.size());
    if (frames > 0 && sf_writef_float(file.get(), audio.samples.data(), frames) != frames)
      throw std::runtime_error(std::string("WAV encoding failed: ") + sf_strerror(file.get()));
  }  // closing writes the final header lengths
  return bytes;
}

}  // namespace siren
