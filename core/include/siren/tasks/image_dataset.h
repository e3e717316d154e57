#pragma once
// A dataset of images for learning a prior (image-prior): read from one upload, either an archive of
// image files (PNG, JPEG, ...; tar, compressed or not, zip, 7z: whatever libarchive reads; a folder the
// CLI or the Python client sends is a tar) or a single image cut into tiles of a given size (a grid of
// digits, a sprite sheet). No LibTorch here.
#include <string>
#include <vector>

#include "siren/io/image.h"

namespace siren {

// The image members of an archive (io/archive.h), in archive order. Members whose names end in an image
// extension must decode (else InvalidInput naming the member); other members (text, ...) are skipped.
std::vector<Image> images_from_archive(const std::string& bytes);

// `image` cut into tiles of tile_width x tile_height, row by row; a partial tile at the right or bottom
// edge is dropped. Throws InvalidInput when not even one tile fits.
std::vector<Image> image_tiles(const Image& image, int tile_width, int tile_height);

// Every image resized to width x height and given the same channels (gray becomes RGB when any image is
// colour). Throws InvalidInput for an empty dataset.
std::vector<Image> uniform_images(std::vector<Image> images, int width, int height);

}  // namespace siren
