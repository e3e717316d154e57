#include "siren/tasks/sdf_export.h"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "siren/errors.h"
#include "siren/mesh/near_surface_sampling.h"
#include "siren/mesh/ply_writer.h"

namespace siren {
namespace {

class PlyFileSink : public IsosurfaceSink {
 public:
  PlyFileSink(PlyMeshFileWriter& writer, std::array<double, 3> offset, double scale)
      : writer_(writer), offset_(offset), scale_(scale) {}
  uint32_t vertex(double x, double y, double z) override {
    return writer_.add_vertex(static_cast<float>(x * scale_ + offset_[0]), static_cast<float>(y * scale_ + offset_[1]),
                              static_cast<float>(z * scale_ + offset_[2]));
  }
  void triangle(uint32_t a, uint32_t b, uint32_t c) override { writer_.add_face(a, b, c); }

 private:
  PlyMeshFileWriter& writer_;
  std::array<double, 3> offset_;
  double scale_;
};

double metadata_number(const FieldModel& model, const std::string& key) {
  const auto& meta = model.info().metadata;
  const auto it = meta.find(key);
  char* end = nullptr;
  const double v = it == meta.end() ? 0.0 : std::strtod(it->second.c_str(), &end);
  if (it == meta.end() || *end != '\0' || !std::isfinite(v))
    throw InvalidInput("the model has no valid \"" + key + "\" metadata, so original_units is not available");
  return v;
}

IsosurfaceGrid parse_grid(const ExportOptions& options) {
  IsosurfaceGrid grid;
  grid.resolution = export_int_option(options, "resolution", kDefaultMeshResolution, 2, kMaxMeshResolution);
  const auto it = options.find("bbox");
  if (it != options.end() && !it->second.empty()) {
    std::vector<double> v;
    std::stringstream in(it->second);
    std::string item;
    while (std::getline(in, item, ',')) {
      char* end = nullptr;
      const double x = std::strtod(item.c_str(), &end);
      if (item.empty() || *end != '\0' || !std::isfinite(x)) {
        v.clear();
        break;
      }
      v.push_back(x);
    }
    if (v.size() != 6 || !(v[3] > v[0] && v[4] > v[1] && v[5] > v[2]))
      throw InvalidInput("option bbox must be \"xmin,ymin,zmin,xmax,ymax,zmax\" with min < max, got \"" + it->second +
                         "\"");
    grid.lo = {v[0], v[1], v[2]};
    grid.hi = {v[3], v[4], v[5]};
  }
  return grid;
}

// Dense sampling: every grid sample, a whole z-slab per query.
SlabSampler every_sample_of(const FieldModel& model, const IsosurfaceGrid& grid) {
  const int n = grid.resolution;
  const size_t plane = static_cast<size_t>(n) * n;
  auto coords = std::make_shared<std::vector<float>>(plane * 3);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const size_t p = static_cast<size_t>(j) * n + i;
      (*coords)[3 * p] = static_cast<float>(grid.coordinate(0, i));
      (*coords)[3 * p + 1] = static_cast<float>(grid.coordinate(1, j));
    }
  return [&model, grid, coords, plane](int k, float* values) {
    const auto z = static_cast<float>(grid.coordinate(2, k));
    for (size_t p = 0; p < plane; ++p) (*coords)[3 * p + 2] = z;
    const std::vector<float> sdf = model.query(*coords);
    std::copy(sdf.begin(), sdf.end(), values);
  };
}

}  // namespace

IsosurfaceStats write_sdf_mesh(const FieldModel& model, const SdfMeshOptions& options, const ByteSink& sink) {
  if (model.in_features() != 3 || model.out_features() != 1)
    throw InvalidInput("a mesh needs a 3-D scalar field (3 inputs, 1 output)");
  const IsosurfaceGrid& grid = options.grid;
  grid.validate();
  std::array<double, 3> offset{0, 0, 0};
  double scale = 1;
  if (options.original_units) {
    offset = {metadata_number(model, "center_x"), metadata_number(model, "center_y"), metadata_number(model, "center_z")};
    scale = metadata_number(model, "scale");
  }
  PlyMeshFileWriter writer;
  PlyFileSink mesh_sink(writer, offset, scale);
  IsosurfaceStats stats;
  if (options.near_surface) {
    NearSurfaceSampler sampler(grid, [&model](const std::vector<float>& xyz) { return model.query(xyz); });
    stats = extract_isosurface(grid, [&sampler](int k, float* values) { sampler(k, values); }, mesh_sink);
  } else {
    stats = extract_isosurface(grid, every_sample_of(model, grid), mesh_sink);
  }
  writer.write_to(sink);
  return stats;
}

TaskExporter sdf_ply_exporter() {
  ExportFormat format{
      "ply", ".ply",
      "the zero level set as a watertight binary PLY triangle mesh (normals outward), as test_sdf",
      {{"resolution", "grid samples per axis (default 256; the reference's test_sdf uses 1600, its README 512 when "
                      "memory is short); time grows as resolution^3, memory as resolution^2"},
       {"bbox", "sampled box in the network's normalised coordinates, \"xmin,ymin,zmin,xmax,ymax,zmax\" (default "
                "-1,-1,-1,1,1,1, the reference's)"},
       {"original_units", "1 = map vertices back to the input point cloud's units by the stored centre and scale; "
                          "0 = normalised [-1,1] units, as the reference (default 0)"},
       {"sampling", "near-surface (default): a coarse grid first, then the fine samples only of the cells the "
                    "surface may cross (3x the field's steepest coarse slope as the bound; the same mesh as dense "
                    "where it holds, from a fraction of the evaluations); dense: every grid sample, as the "
                    "reference"}}};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    SdfMeshOptions mesh;
    mesh.grid = parse_grid(options);
    mesh.original_units = export_int_option(options, "original_units", 0, 0, 1) == 1;
    const auto sampling = options.find("sampling");
    const std::string how = sampling == options.end() || sampling->second.empty() ? "near-surface" : sampling->second;
    if (how != "near-surface" && how != "dense")
      throw InvalidInput("option sampling must be near-surface or dense, got \"" + how + "\"");
    mesh.near_surface = how == "near-surface";
    // The limit bounds what one evaluation holds in memory: the mesh is sampled one z-slab (resolution^2
    // points) at a time, so resolution 1600 (2.6M points per slab) fits the default 2^26.
    const int64_t n = mesh.grid.resolution;
    check_export_samples(n * n, max_samples,
                         "one slab of a resolution-" + std::to_string(n) + " mesh grid (resolution^2 points)");
    write_sdf_mesh(model, mesh, sink);
  };
  return {format, write};
}

}  // namespace siren
