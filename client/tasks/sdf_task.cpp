#include "tasks/task_command.h"

namespace siren::cli {

TaskCommand sdf_task_command() {
  TaskCommand task;
  task.name = "sdf";
  task.summary = "fit a signed distance function to an oriented point cloud or a mesh (the paper's Sec. 4.2)";
  task.input_help =
      ".xyz text (x y z nx ny nz per line), a PLY point cloud with normals, or a PLY triangle mesh "
      "(oriented points are sampled on it); the format is detected by content";
  task.footer =
      "The points are centred and scaled into [-1,1]^3 as the reference's PointCloud (one scale\n"
      "for all axes). Each step draws N surface points with replacement (--on-surface-points,\n"
      "the reference's --batch_size 1400; its README uses 250,000 on a 12 GB GPU) plus N uniform\n"
      "points in the cube. The loss is the paper's: |f| on the surface x3e3, exp(-100|f|) off it\n"
      "x1e2, 1 - cos(grad f, normal) x1e2 and the eikonal | |grad f| - 1 | x5e1, each averaged\n"
      "over all 2N points. Preset: sine 3->256x3->1, omega_0 30, Adam 1e-4, gradient norm\n"
      "clipped to 1 (train_sdf.py). The reference trains 10,000 epochs of points/N steps each\n"
      "(1.8M steps for 250k points: GPU-days); the preset's 10,000 steps is its epoch count.\n"
      "A PLY mesh without normals gets points sampled on its surface by area, normals from the\n"
      "triangle winding (counter-clockwise = outward). Export the zero level set with\n"
      "`siren export` (format ply: a watertight mesh; options resolution (default 256, the\n"
      "reference's test_sdf uses 1600), bbox, original_units=1 for the input's units).";
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    auto preset_option = [&preset](const std::string& key, const std::string& fallback) {
      const auto it = preset.task.options.find(key);
      return it != preset.task.options.end() && !it->second.empty() ? it->second : fallback;
    };
    add_task_option(command, options, "--on-surface-points", "on_surface_points", "N",
                    "surface points per step; as many uniform off-surface points are added (default: " +
                        preset_option("on_surface_points", "1400") +
                        ", the reference's --batch_size; --batch-size overrides it)");
    add_task_option(command, options, "--mesh-samples", "mesh_samples", "N",
                    "for a PLY mesh without normals: oriented points sampled on its surface (default: " +
                        preset_option("mesh_samples", "250000") + ")");
  };
  return task;
}

}  // namespace siren::cli
