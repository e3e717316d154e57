// Stand-ins for the image, video and audio codecs and the .mat reader in a build without OpenCV,
// libsndfile and libmatio
// (-DSIREN_MEDIA_IO=OFF, as scripts/gpu-check.sh builds on a machine that has LibTorch and nothing else).
// Tasks built from decoded data (ImageTask(Image), AudioTask(Audio), ...) train, query and mesh as
// usual; only reading and writing media files is refused, with a message that says why.
#include <string>

#include "siren/errors.h"
#include "siren/io/archive.h"
#include "siren/io/audio.h"
#include "siren/io/image.h"
#include "siren/io/matlab.h"
#include "siren/io/video.h"

namespace siren {
namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& library) {
  throw InvalidInput(what + " needs " + library + ", and this build was configured without it (SIREN_MEDIA_IO=OFF, "
                     "the LibTorch-only build of scripts/gpu-check.sh); use a full build (make build)");
}

}  // namespace

ReceiverData read_receiver_data_mat(const std::string&) { refuse("reading a MATLAB .mat file", "libmatio"); }

bool is_archive(const std::string&) { return false; }
std::vector<ArchiveMember> read_archive(const std::string&) { refuse("reading an archive", "libarchive"); }
std::string write_tar(const std::vector<ArchiveMember>&) { refuse("writing a tar archive", "libarchive"); }

Image decode_image(const std::string&) { refuse("decoding an image", "OpenCV"); }
Image read_image_file(const std::string&) { refuse("reading an image", "OpenCV"); }
std::string encode_png(const Image&) { refuse("encoding a PNG", "OpenCV"); }
void write_png_file(const Image&, const std::string&) { refuse("writing a PNG", "OpenCV"); }

Video decode_video(const std::string&, const VideoDecodeOptions&) { refuse("decoding a video", "OpenCV"); }
struct VideoWriter::Impl {};
VideoWriter::VideoWriter(int, int, double, VideoCodec) { refuse("encoding a video", "OpenCV"); }
VideoWriter::VideoWriter(VideoWriter&&) noexcept = default;
VideoWriter& VideoWriter::operator=(VideoWriter&&) noexcept = default;
VideoWriter::~VideoWriter() = default;
void VideoWriter::add_frame(const Image&) { refuse("encoding a video", "OpenCV"); }
std::string VideoWriter::finish() { refuse("encoding a video", "OpenCV"); }
int VideoWriter::frames_written() const { return 0; }
std::string encode_video(const Video&, VideoCodec) { refuse("encoding a video", "OpenCV"); }

Audio decode_audio(const std::string&) { refuse("decoding audio", "libsndfile"); }
std::string encode_wav(const Audio&) { refuse("encoding a WAV", "libsndfile"); }

}  // namespace siren
