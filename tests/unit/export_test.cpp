#include <gtest/gtest.h>

#include <filesystem>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/task.h"
#include "siren/task_registry.h"
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

}  // namespace
}  // namespace siren
