#include <gtest/gtest.h>

#include <filesystem>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/task.h"
#include "siren/task_registry.h"
#include "siren/io/point_cloud.h"
#include "siren/tasks/audio_task.h"
#include "siren/tasks/helmholtz_task.h"
#include "siren/tasks/inverse_helmholtz_task.h"
#include "siren/tasks/sdf_task.h"
#include "siren/tasks/video_task.h"
#include "siren/tasks/wave_task.h"
#include "siren/fit.h"
#include "synthetic.h"
#include "test_support.h"

namespace siren {
namespace {

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = (std::filesystem::temp_directory_path() / ("siren_export_" + std::to_string(::getpid()) + ".ckpt")).string();
    FitConfig c = preset_fit_config("image");
    c.model.hidden_features = 16;
    c.train.steps = 3;
    run_fit(c, encode_png(testing::synthetic_image(12, 10, 3)), {"", path_}, {});
  }
  static void TearDownTestSuite() { std::filesystem::remove(path_); }

  static std::string export_bytes(const std::string& format, const ExportOptions& options) {
    return testing::exported_bytes(FieldModel::load(path_), format, options);
  }
  static std::string path_;
};
std::string ExportTest::path_;

TEST_F(ExportTest, ImageExportsPngAtAnySize) {
  EXPECT_EQ(export_formats("image").front().name, "png");
  const Image same = decode_image(export_bytes("", {}));  // default format, fitted size
  EXPECT_EQ(same.width, 12);
  EXPECT_EQ(same.height, 10);
  EXPECT_EQ(same.channels, 3);
  const Image twice = decode_image(export_bytes("png", {{"scale", "2"}}));
  EXPECT_EQ(twice.width, 24);
  EXPECT_EQ(twice.height, 20);
  const Image sized = decode_image(export_bytes("png", {{"width", "7"}, {"height", "5"}}));
  EXPECT_EQ(sized.width, 7);
  EXPECT_EQ(sized.height, 5);
}

TEST_F(ExportTest, BadFormatsAndOptionsAreInvalidInput) {
  EXPECT_THROW(export_bytes("wav", {}), InvalidInput);
  EXPECT_THROW(export_bytes("png", {{"dpi", "300"}}), InvalidInput);
  EXPECT_THROW(export_bytes("png", {{"width", "-4"}}), InvalidInput);
  EXPECT_THROW(export_bytes("png", {{"width", "1000000"}}), InvalidInput);
  EXPECT_THROW(export_bytes("png", {{"scale", "two"}}), InvalidInput);
  std::string out;
  EXPECT_THROW(export_model(FieldModel::load(path_), "png", {{"scale", "2"}}, [&](const std::string& b) { out += b; },
                            /*max_samples=*/100),
               InvalidInput);
  EXPECT_TRUE(export_formats("no-such-task").empty());
}

// The presets (plain data, task_presets.cpp) and the registry (how tasks are built and exported) list
// the same kinds: a kind in one and not the other would be accepted and then fail, or never be offered.
TEST(TaskKinds, EveryPresetHasATaskWithAnExportFormat) {
  ASSERT_FALSE(task_kinds().empty());
  for (const std::string& kind : task_kinds()) {
    EXPECT_EQ(preset_fit_config(kind).task.kind, kind);
    EXPECT_FALSE(export_formats(kind).empty()) << kind;
    // The registry knows the kind: building it fails on the input, never on the kind.
    const std::string message = testing::invalid_input_message([&] { make_task(TaskSpec{kind, {}}, "not a signal"); });
    EXPECT_EQ(message.find("unknown task kind"), std::string::npos) << kind << ": " << message;
  }
  EXPECT_NE(testing::invalid_input_message([] { preset_fit_config("no-such-task"); }).find("known kinds: image"),
            std::string::npos);
}

// A description names its registration's exporters (the description is torch-free; the exporters are
// not), in the same order: the first is the default `siren render` uses.
TEST(TaskKinds, DescriptionsNameTheirExporters) {
  for (const TaskDescription& task : task_descriptions()) {
    std::vector<std::string> exporters;
    for (const ExportFormat& format : export_formats(task.kind)) exporters.push_back(format.name);
    EXPECT_EQ(task.export_formats, exporters) << task.kind;
  }
}

// The descriptions' defaults are the tasks' own (the constants the task classes default to).
TEST(TaskKinds, DescriptionDefaultsAreTheTasksConstants) {
  EXPECT_EQ(describe_task("sdf").option("on_surface_points")->default_value, std::to_string(kDefaultOnSurfacePoints));
  EXPECT_EQ(describe_task("sdf").option("mesh_samples")->default_value, std::to_string(kDefaultMeshSamples));
  EXPECT_EQ(describe_task("helmholtz").option("sidelength")->default_value, std::to_string(kHelmholtzSidelength));
  EXPECT_EQ(std::stod(describe_task("helmholtz").option("wavenumber")->default_value), kHelmholtzWavenumber);
  EXPECT_EQ(describe_task("wave").option("sidelength")->default_value, std::to_string(kWaveSidelength));
  EXPECT_EQ(describe_task("wave").option("pretrain_steps")->default_value, std::to_string(kWavePretrainSteps));
  EXPECT_EQ(std::stod(describe_task("audio").option("time_scale")->default_value), kDefaultAudioTimeScale);
  EXPECT_EQ(std::stod(describe_task("video").option("sample_fraction")->default_value), kDefaultVideoSampleFraction);
  EXPECT_EQ(describe_task("helmholtz").option("velocity")->choices, velocity_names());
  EXPECT_EQ(describe_task("inverse-helmholtz").option("sidelength")->default_value,
            std::to_string(kInverseHelmholtzSidelength));
  EXPECT_EQ(describe_task("inverse-helmholtz").option("pretrain_velocity")->choices, velocity_names());
}

// Options are checked against the description before any input is read: type, range, choices, names.
TEST(TaskKinds, OptionsAreCheckedAgainstTheDescription) {
  EXPECT_NO_THROW(check_task_spec(TaskSpec{"sdf", {{"on_surface_points", "77"}}}));
  EXPECT_NE(testing::invalid_input_message([] { check_task_spec(TaskSpec{"sdf", {{"on_surface_points", "7.5"}}}); })
                .find("sdf task option on_surface_points must be an integer in [1, 1e+08]"),
            std::string::npos);
  EXPECT_NE(testing::invalid_input_message([] { check_task_spec(TaskSpec{"image", {{"colour", "red"}}}); })
                .find("unknown image task option \"colour\"; known options: size"),
            std::string::npos);
  EXPECT_NE(testing::invalid_input_message([] { check_task_spec(TaskSpec{"image", {{"size", "big"}}}); })
                .find("WxH"),
            std::string::npos);
  EXPECT_NO_THROW(check_task_spec(TaskSpec{"poisson-grad", {{"size", "original"}}}));
  EXPECT_NE(testing::invalid_input_message([] { check_task_spec(TaskSpec{"wave", {{"velocity", "fast"}}}); })
                .find("one of uniform, square, circle"),
            std::string::npos);
}

// Named inputs: the first may come unnamed; a missing, unknown or doubled one is a clear InvalidInput.
TEST(TaskKinds, InputsResolveByTheDescriptionsNames) {
  const TaskDescription composite = describe_task("poisson-composite");
  TaskInputs inputs("BG");
  inputs.append("foreground", "FG");
  EXPECT_EQ(inputs.resolve(composite), (std::map<std::string, std::string>{{"background", "BG"}, {"foreground", "FG"}}));
  // Packed into one file and read back, the same inputs.
  EXPECT_EQ(TaskInputs(inputs.pack(composite)).resolve(composite), inputs.resolve(composite));
  EXPECT_EQ(TaskInputs("PNG").pack(describe_task("image")), "PNG");  // one input stays as it is
  EXPECT_NE(testing::invalid_input_message([&] { TaskInputs("BG").resolve(composite); }).find("needs its input \"foreground\""),
            std::string::npos);
  TaskInputs unknown("BG");
  unknown.append("mask", "M");
  EXPECT_NE(testing::invalid_input_message([&] { unknown.resolve(composite); }).find("has no input \"mask\"; it takes: background, foreground"),
            std::string::npos);
  EXPECT_NE(testing::invalid_input_message([] { TaskInputs("x").resolve(describe_task("wave")); }).find("takes no input"),
            std::string::npos);
  EXPECT_NO_THROW(TaskInputs().resolve(describe_task("wave")));
}

}  // namespace
}  // namespace siren
