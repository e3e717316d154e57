#include "siren/io/image.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "siren/errors.h"
#include "siren/io/input_limits.h"

namespace siren {
namespace {

void divide_all(cv::Mat& f, float divisor) {
  for (int r = 0; r < f.rows; ++r) {
    float* row = f.ptr<float>(r);
    for (int i = 0; i < f.cols * f.channels(); ++i) row[i] = row[i] / divisor;
  }
}

// Converts any decoded Mat to float pixels in [0,1]: 8-bit / 255 (as torchvision's ToTensor), 16-bit /
// 65535, float kept if it lies in [0,1]. BGR(A) -> RGB, alpha dropped.
Image from_mat(const cv::Mat& decoded) {
  cv::Mat m = decoded;
  if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGB);
  else if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  else if (m.channels() == 2) { std::vector<cv::Mat> planes; cv::split(m, planes); m = planes[0]; }
  else if (m.channels() != 1) throw InvalidInput("unsupported image with " + std::to_string(m.channels()) + " channels");

  cv::Mat f;
  switch (m.depth()) {
    // Divide in float32 element by element: bit-identical to torchvision's ToTensor (x.float() / 255),
    // which OpenCV's scaled conversion (a multiply by the reciprocal) is not.
    case CV_8U: m.convertTo(f, CV_32F); divide_all(f, 255.0f); break;
    case CV_16U: m.convertTo(f, CV_32F); divide_all(f, 65535.0f); break;
    case CV_32F: f = m.clone(); break;
    case CV_64F: m.convertTo(f, CV_32F); break;
    default: throw InvalidInput("unsupported image sample depth");
  }
  Image img;
  img.width = f.cols;
  img.height = f.rows;
  img.channels = f.channels();
  img.pixels.resize(static_cast<size_t>(img.width) * img.height * img.channels);
  for (int r = 0; r < f.rows; ++r) {
    const float* row = f.ptr<float>(r);
    std::copy(row, row + static_cast<size_t>(f.cols) * img.channels,
              img.pixels.begin() + static_cast<size_t>(r) * f.cols * img.channels);
  }
  // Integer samples land in [0,1] by construction; floating-point ones (PFM, float TIFF, EXR) carry
  // whatever the file holds, and the task's [-1,1] normalisation and PSNR assume [0,1].
  for (float v : img.pixels) {
    if (!std::isfinite(v)) throw InvalidInput("image contains NaN or infinite samples");
    if (v < 0.0f || v > 1.0f)
      throw InvalidInput("floating-point image samples must lie in [0, 1] (found " + std::to_string(v) +
                         "); scale the image into that range first");
  }
  return img;
}

cv::Mat to_mat(const Image& image) {
  const int type = CV_MAKETYPE(CV_32F, image.channels);
  cv::Mat f(image.height, image.width, type, const_cast<float*>(image.pixels.data()));
  return f.clone();
}

InvalidInput too_large_image_error(const std::string& size = "") {
  return InvalidInput("the image " + size + "has more pixels than this server accepts (" +
                      std::to_string(input_limits().max_image_pixels) +
                      " at most; siren-server --max-image-pixels); resize it first");
}

}  // namespace

Image decode_image(const std::string& bytes) {
  if (bytes.empty()) throw InvalidInput("the input is empty (0 bytes); expected an image file (PNG, JPEG, ...)");
  cv::Mat decoded;
  try {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    decoded = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    // OpenCV's own cap, checked from the header before it allocates (see set_input_limits).
    if (std::string(e.what()).find("CV_IO_MAX_IMAGE") != std::string::npos) throw too_large_image_error();
    throw InvalidInput(std::string("could not decode the input as an image: ") + e.what());
  }
  if (decoded.empty() || decoded.cols <= 0 || decoded.rows <= 0)
    throw InvalidInput("could not decode the input as an image, or it has no pixels (0x0); "
                       "supported formats: PNG, JPEG, BMP, TIFF, WebP, PPM/PGM");
  if (int64_t{decoded.cols} * decoded.rows > input_limits().max_image_pixels)
    throw too_large_image_error(std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows) + " ");
  return from_mat(decoded);
}

Image read_image_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot open image file \"" + path + "\"");
  return decode_image(std::string(std::istreambuf_iterator<char>(in), {}));
}

std::string encode_png(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || (image.channels != 1 && image.channels != 3))
    throw InvalidInput("cannot encode an image of " + std::to_string(image.width) + "x" +
                       std::to_string(image.height) + "x" + std::to_string(image.channels));
  cv::Mat f = to_mat(image), u8;
  f.convertTo(u8, CV_8U, 255.0);  // saturates to [0, 255], rounds to nearest
  if (image.channels == 3) cv::cvtColor(u8, u8, cv::COLOR_RGB2BGR);
  std::vector<uchar> buffer;
  if (!cv::imencode(".png", u8, buffer)) throw std::runtime_error("PNG encoding failed");
  return std::string(buffer.begin(), buffer.end());
}

void write_png_file(const Image& image, const std::string& path) {
  const std::string png = encode_png(image);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw InvalidInput("cannot write \"" + path + "\"");
  out.write(png.data(), static_cast<std::streamsize>(png.size()));
  if (!out) throw std::runtime_error("failed writing \"" + path + "\"");
}

}  // namespace siren
