#pragma once
// "ply": the zero level set of an SDF model as a binary PLY triangle mesh (the reference's test_sdf /
// sdf_meshing.create_mesh, with a streaming, watertight extractor instead of dense marching cubes).
#include "siren/mesh/marching_tetrahedra.h"
#include "siren/task_exporter.h"

namespace siren {

constexpr int kDefaultMeshResolution = 256;  // sdf_meshing.create_mesh's default N (test_sdf passes 1600)
constexpr int kMaxMeshResolution = 4096;

struct SdfMeshOptions {
  IsosurfaceGrid grid;          // resolution and bounding box, in the network's normalised coordinates
  bool original_units = false;  // map vertices back by the fit's stored centre and scale
  bool near_surface = true;     // coarse-to-fine sampling (mesh/near_surface_sampling.h); false: every sample
};

// Samples the model one z-slab at a time (at most resolution^2 points per FieldModel::query) and streams
// the PLY through `sink`; memory is O(resolution^2) plus the mesh's temporary files on disk.
IsosurfaceStats write_sdf_mesh(const FieldModel& model, const SdfMeshOptions& options, const ByteSink& sink);

TaskExporter sdf_ply_exporter();

}  // namespace siren
