#include "siren/tasks/image_dataset.h"

#include <algorithm>
#include <cctype>

#include "siren/errors.h"
#include "siren/io/archive.h"

namespace siren {
namespace {

bool has_image_extension(const std::string& name) {
  const size_t dot = name.find_last_of('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const char* const kExtensions[] = {"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "pgm", "ppm", "pbm", "pnm"};
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

}  // namespace

std::vector<Image> images_from_archive(const std::string& bytes) {
  std::vector<Image> images;
  for (const ArchiveMember& member : read_archive(bytes)) {
    if (!has_image_extension(member.name)) continue;
    try {
      images.push_back(decode_image(member.bytes));
    } catch (const InvalidInput& e) {
      throw InvalidInput("archive member \"" + member.name + "\" is not a decodable image: " + e.what());
    }
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
