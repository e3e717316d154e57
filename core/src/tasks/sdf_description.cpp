// The SDF task (the paper's Sec. 4.2): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription sdf_task_description() {
  TaskDescription d;
  d.kind = kSdfKind;
  d.summary = "fit a signed distance function to an oriented point cloud or a mesh (the paper's Sec. 4.2)";
  d.details =
      "The points are centred and scaled into [-1,1]^3 as the reference's PointCloud (one scale\n"
      "for all axes). Each step draws N surface points with replacement (--on-surface-points,\n"
      "the reference's --batch_size 1400; its README uses 250,000 on a 12 GB GPU) plus N uniform\n"
      "points in the cube. The loss is the paper's: |f| on the surface x3e3, exp(-100|f|) off it\n"
      "x1e2, 1 - cos(grad f, normal) x1e2 and the eikonal | |grad f| - 1 | x5e1, each averaged\n"
      "over all 2N points. Preset: sine 3->256x3->1, omega_0 30, Adam 1e-4, gradient norm\n"
      "clipped to 1 (train_sdf.py), 10,000 epochs as the reference: an epoch is floor(points/N)\n"
      "steps (1.8M steps for 250k points: GPU-days; --epochs 1 = one pass over the cloud);\n"
      "--steps S counts steps instead. Progress reports the epoch beside the step.\n"
      "A PLY mesh without normals gets points sampled on its surface by area, normals from the\n"
      "triangle winding (counter-clockwise = outward). Export the zero level set with\n"
      "`siren export` (format ply: a watertight mesh; options resolution (default 256, the\n"
      "reference's test_sdf uses 1600), bbox, original_units=1 for the input's units).";
  d.inputs = {{"points", InputMedia::Points,
               ".xyz text (x y z nx ny nz per line), a PLY point cloud with normals, or a PLY triangle mesh (oriented "
               "points are sampled on it); the format is detected by content"}};
  d.options = {
      {"on_surface_points", TaskOptionType::Integer, "1400", 1, 1e8, {},
       "N",
       "surface points per step; as many uniform off-surface points are added (default: 1400, the reference's "
       "--batch_size; --batch-size overrides it)"},
      {"mesh_samples", TaskOptionType::Integer, "250000", 1, 1e8, {}, "N",
       "for a PLY mesh without normals: oriented points sampled on its surface (default: 250000)"},
  };
  d.preset.task.kind = kSdfKind;  // sine 3 hidden x 256, omega0 30, Adam 1e-4: train_sdf's SingleBVPNet
  d.preset.model.in_features = 3;
  d.preset.model.out_features = 1;
  d.preset.train.clip_grad_norm = 1.0;  // train_sdf: clip_grad=True -> clip_grad_norm_(max_norm=1.0)
  // train_sdf: num_epochs 10,000 of len(PointCloud) = points // batch steps each (1.8M steps for 250k
  // points at 1400: GPU-days). Steps 0: counted from the epochs once the points are known.
  d.preset.train.epochs = 10000;
  d.preset.train.steps = 0;
  d.preset.train.batch_size = 0;  // the task's on_surface_points (1400)
  d.export_formats = {"ply"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
