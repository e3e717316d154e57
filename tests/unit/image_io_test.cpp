#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "siren/errors.h"
#include "siren/io/image.h"
#include "synthetic.h"

namespace siren {
namespace {

std::string encode_with_opencv(const cv::Mat& m, const std::string& ext = ".png") {
  std::vector<uchar> buf;
  cv::imencode(ext, m, buf);
  return std::string(buf.begin(), buf.end());
}

TEST(ImageIo, GrayPngRoundTripsExactly) {
  const Image img = testing::synthetic_image(17, 9, 1);
  const Image back = decode_image(encode_png(img));
  ASSERT_EQ(back.width, 17);
  ASSERT_EQ(back.height, 9);
  ASSERT_EQ(back.channels, 1);
  for (size_t i = 0; i < img.pixels.size(); ++i) EXPECT_NEAR(back.pixels[i], img.pixels[i], 0.5 / 255 + 1e-6);
}

TEST(ImageIo, EightBitValuesAreDividedBy255) {
  cv::Mat m(1, 3, CV_8UC1);
  m.at<uchar>(0, 0) = 0;
  m.at<uchar>(0, 1) = 128;
  m.at<uchar>(0, 2) = 255;
  const Image img = decode_image(encode_with_opencv(m));
  EXPECT_EQ(img.pixels[0], 0.0f);
  EXPECT_EQ(img.pixels[1], 128.0f / 255.0f);
  EXPECT_EQ(img.pixels[2], 1.0f);
}

TEST(ImageIo, ColourBecomesRgbAndAlphaIsDropped) {
  cv::Mat m(1, 1, CV_8UC4, cv::Scalar(10, 20, 30, 40));  // B, G, R, A
  const Image img = decode_image(encode_with_opencv(m));
  ASSERT_EQ(img.channels, 3);
  EXPECT_EQ(img.pixels[0], 30.0f / 255.0f);  // R first
  EXPECT_EQ(img.pixels[2], 10.0f / 255.0f);
}

TEST(ImageIo, SixteenBitIsNormalisedTo65535) {
  cv::Mat m(1, 1, CV_16UC1, cv::Scalar(65535));
  EXPECT_EQ(decode_image(encode_with_opencv(m)).pixels[0], 1.0f);
}

TEST(ImageIo, RgbPngRoundTrip) {
  const Image img = testing::synthetic_image(8, 6, 3);
  const Image back = decode_image(encode_png(img));
  ASSERT_EQ(back.channels, 3);
  EXPECT_NEAR(back.at(3, 4, 2), img.at(3, 4, 2), 0.5 / 255 + 1e-6);
}

TEST(ImageIo, BadBytesAreInvalidInput) {
  EXPECT_THROW(decode_image(""), InvalidInput);
  EXPECT_THROW(decode_image("this is not an image at all"), InvalidInput);
  std::string png = encode_png(testing::synthetic_image(8, 8));
  EXPECT_THROW(decode_image(png.substr(0, 40)), InvalidInput);  // truncated
}

// PFM holds raw floats: those in [0,1] are kept as they are, others are refused with a message
// (the fuzzer's finding: a PFM with samples far outside [0,1] used to pass into the task).
TEST(ImageIo, FloatSamplesOutsideTheUnitRangeAreInvalidInput) {
  cv::Mat inside(2, 3, CV_32FC1);
  for (int i = 0; i < 6; ++i) inside.at<float>(i / 3, i % 3) = static_cast<float>(i) / 5.0f;
  const Image kept = decode_image(encode_with_opencv(inside, ".pfm"));
  ASSERT_EQ(kept.pixels.size(), 6u);
  EXPECT_FLOAT_EQ(kept.pixels[5], 1.0f);

  cv::Mat outside = inside.clone();
  outside.at<float>(1, 2) = 7.5f;
  try {
    decode_image(encode_with_opencv(outside, ".pfm"));
    ADD_FAILURE() << "a float sample of 7.5 was accepted";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("must lie in [0, 1]"), std::string::npos) << e.what();
  }
  outside.at<float>(1, 2) = -0.25f;
  EXPECT_THROW(decode_image(encode_with_opencv(outside, ".pfm")), InvalidInput);
}

TEST(ImageIo, ZeroByZeroPngIsInvalidInput) {
  // A PNG signature and an IHDR chunk declaring width 0 and height 0.
  const unsigned char bytes[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55};
  try {
    decode_image(std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
    FAIL() << "expected InvalidInput";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("0x0"), std::string::npos) << e.what();
  }
}

TEST(ImageIo, ResizeShrinksAndEnlarges) {
  const Image img = testing::synthetic_image(32, 16);
  const Image small = resize_image(img, 8, 4);
  EXPECT_EQ(small.width, 8);
  EXPECT_EQ(small.pixels.size(), 32u);
  const Image big = resize_image(img, 64, 40);
  EXPECT_EQ(big.height, 40);
  EXPECT_EQ(big.pixels.size(), 64u * 40u);
}

}  // namespace
}  // namespace siren
