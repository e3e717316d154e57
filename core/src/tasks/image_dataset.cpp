#include "siren/tasks/image_dataset.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

#include "siren/errors.h"

namespace siren {
namespace {

constexpr size_t kTarBlock = 512;

bool has_image_extension(const std::string& name) {
  const size_t dot = name.find_last_of('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char* const kExtensions[] = {"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "pgm", "ppm", "pbm", "pnm"};
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

// A NUL- or space-terminated octal field of a tar header.
uint64_t octal_field(const char* field, size_t size, const std::string& what) {
  uint64_t value = 0;
  size_t i = 0;
  while (i < size && field[i] == ' ') ++i;
  for (; i < size && field[i] >= '0' && field[i] <= '7'; ++i) value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  if (i < size && field[i] != '\0' && field[i] != ' ') throw InvalidInput("the tar archive is corrupt: bad " + what);
  return value;
}

std::string text_field(const char* field, size_t size) { return std::string(field, strnlen(field, size)); }

bool all_zero(const char* block) {
  return std::all_of(block, block + kTarBlock, [](char c) { return c == '\0'; });
}

}  // namespace

bool is_tar_archive(const std::string& bytes) {
  return bytes.size() >= kTarBlock && bytes.compare(257, 5, "ustar") == 0;
}

std::vector<Image> images_from_tar(const std::string& bytes) {
  std::vector<Image> images;
  std::string long_name;  // a GNU 'L' member's name for the member that follows
  size_t offset = 0;
  while (offset + kTarBlock <= bytes.size()) {
    const char* header = bytes.data() + offset;
    if (all_zero(header)) break;  // the end-of-archive blocks
    const uint64_t size = octal_field(header + 124, 12, "member size");
    const char type = header[156];
    std::string name = text_field(header + 345, 155);  // ustar prefix
    name = name.empty() ? text_field(header, 100) : name + "/" + text_field(header, 100);
    if (!long_name.empty()) name = long_name, long_name.clear();
    const size_t data = offset + kTarBlock;
    if (size > bytes.size() - data)
      throw InvalidInput("the tar archive is truncated: member \"" + name + "\" needs " + std::to_string(size) +
                         " bytes, " + std::to_string(bytes.size() - data) + " remain");
    const std::string body = bytes.substr(data, size);
    if (type == 'L') {
      long_name = text_field(body.data(), body.size());
    } else if ((type == '0' || type == '\0') && has_image_extension(name)) {
      try {
        images.push_back(decode_image(body));
      } catch (const InvalidInput& e) {
        throw InvalidInput("archive member \"" + name + "\" is not a decodable image: " + e.what());
      }
    }
    offset = data + (size + kTarBlock - 1) / kTarBlock * kTarBlock;
  }
  return images;
}

std::vector<Image> image_tiles(const Image& image, int tile_width, int tile_height) {
  if (tile_width <= 0 || tile_height <= 0 || tile_width > image.width || tile_height > image.height)
    throw InvalidInput("tiles of " + std::to_string(tile_width) + "x" + std::to_string(tile_height) +
                       " do not fit the " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                       " image");
  std::vector<Image> tiles;
  for (int top = 0; top + tile_height <= image.height; top += tile_height)
    for (int left = 0; left + tile_width <= image.width; left += tile_width) {
      Image tile{tile_width, tile_height, image.channels, {}};
      tile.pixels.reserve(static_cast<size_t>(tile_width) * tile_height * image.channels);
      for (int row = 0; row < tile_height; ++row) {
        const auto begin = image.pixels.begin() +
                           (static_cast<ptrdiff_t>(top + row) * image.width + left) * image.channels;
        tile.pixels.insert(tile.pixels.end(), begin, begin + static_cast<ptrdiff_t>(tile_width) * image.channels);
      }
      tiles.push_back(std::move(tile));
    }
  return tiles;
}

std::vector<Image> uniform_images(std::vector<Image> images, int width, int height) {
  if (images.empty()) throw InvalidInput("the dataset holds no images");
  const bool colour = std::any_of(images.begin(), images.end(), [](const Image& i) { return i.channels == 3; });
  for (Image& image : images) {
    if (image.width != width || image.height != height) image = resize_image(image, width, height);
    if (colour && image.channels == 1) {
      std::vector<float> rgb;
      rgb.reserve(image.pixels.size() * 3);
      for (float v : image.pixels) rgb.insert(rgb.end(), {v, v, v});
      image.pixels = std::move(rgb);
      image.channels = 3;
    }
  }
  return images;
}

}  // namespace siren
