// Any bytes given to the point-cloud loader (.xyz text or PLY, ascii or binary, with normals or a mesh
// to sample) either load as finite oriented points or fail with InvalidInput.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/io/point_cloud.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  siren::PointCloudOptions options;
  options.mesh_samples = 64;
  try {
    const siren::OrientedPoints points =
        siren::load_oriented_points(std::string(reinterpret_cast<const char*>(data), size), options);
    FUZZ_CHECK(points.size() > 0);
    FUZZ_CHECK(points.normals.size() == points.positions.size());
    for (float v : points.positions) FUZZ_CHECK(std::isfinite(v));
    for (float v : points.normals) FUZZ_CHECK(std::isfinite(v));
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
