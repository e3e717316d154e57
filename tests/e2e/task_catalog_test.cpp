// Tasks describe themselves once, in core, and every client reads that description: a task compiled
// into the tests only (tests/test_task, "test-constant", a server built with it) appears in ListTasks,
// `siren tasks`, `siren fit --help`, and fits, with no line of server/ or client/ knowing it. The CLI
// built from descriptions also works offline (--help from its own core) and renders any task's model.
#include <algorithm>
#include <cmath>

#include "e2e_fixture.h"
#include "siren/io/audio.h"

namespace siren::e2e {
namespace {

bool lists_task(const std::vector<json>& lines, const std::string& name) {
  return std::any_of(lines.begin(), lines.end(), [&](const json& line) { return line.value("name", "") == name; });
}

// The entry called `name` of a JSON array of objects (tasks, options, inputs); null if none.
json named(const json& items, const std::string& name) {
  for (const json& item : items) {
    if (item.value("name", "") == name) return item;
  }
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class TaskCatalogTest : public E2ETest {};

TEST_F(TaskCatalogTest, TasksListsEveryBuiltInTaskWithItsOptionsAndInputs) {
  const ProcessResult listed = siren({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<json> tasks = json_lines(listed.out);
  for (const char* name : {"image", "sdf", "audio", "video", "helmholtz", "wave", "poisson-grad", "poisson-lapl",
                           "poisson-composite", "image-inpainting", "image-prior", "image-from-prior",
                           "inverse-helmholtz"})
    EXPECT_TRUE(lists_task(tasks, name)) << name << " missing from:\n" << listed.out;
  EXPECT_FALSE(lists_task(tasks, "test-constant"));  // a real server knows only its own tasks
  EXPECT_EQ(tasks.size(), 13u) << listed.out;

  const json all = tasks;
  const json sdf = named(all, "sdf");
  const json on_surface = named(sdf["options"], "on_surface_points");
  ASSERT_TRUE(on_surface.is_object()) << sdf.dump();
  EXPECT_EQ(on_surface["type"], "integer");
  EXPECT_EQ(on_surface["default"], "1400");
  EXPECT_FALSE(on_surface["help"].get<std::string>().empty());
  EXPECT_EQ(sdf["export_formats"], json::array({"ply"}));
  EXPECT_EQ(sdf["preset"]["train"]["epochs"], 10000);  // train_sdf's num_epochs; steps 0 = counted from them
  EXPECT_EQ(sdf["preset"]["train"]["steps"], 0);
  EXPECT_EQ(named(all, "video")["preset"]["model"]["hidden_features_by_activation"]["relu-pe"], 256);
  const json composite = named(all, "poisson-composite");
  ASSERT_EQ(composite["inputs"].size(), 2u) << composite.dump();
  EXPECT_EQ(composite["inputs"][1]["name"], "foreground");
  EXPECT_TRUE(named(all, "helmholtz")["inputs"].empty());
  EXPECT_EQ(named(named(all, "wave")["options"], "velocity")["choices"].size(), 3u);

  // This build's own list (--local, no server) is the same one.
  const ProcessResult local = run_process({SIREN_CLI_BIN, "tasks", "--local", "--json"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(json_lines(local.out).size(), tasks.size());

  const ProcessResult help = siren({"fit", "sdf", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--on-surface-points"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("eikonal"), std::string::npos) << help.out;  // the task's details
  EXPECT_TRUE(contains(help.out, "points FILE")) << help.out;             // its input
  EXPECT_TRUE(contains(help.out, "(default: --epochs 10000")) << help.out;  // --steps: its preset counts epochs
  EXPECT_TRUE(contains(help.out, "--epochs N")) << help.out;
  const ProcessResult video_help = siren({"fit", "video", "--help"});
  EXPECT_TRUE(contains(video_help.out, "(default: 1024; relu-pe, relu-rbf: 256)")) << video_help.out;  // --hidden
  EXPECT_TRUE(contains(siren({"fit", "image", "--help"}).out, "(default: 10000)"));  // --steps counted in steps
}

TEST_F(TaskCatalogTest, FitHelpNeedsNoServerAndASubmissionThenReportsTheConnectionError) {
  const ProcessResult help = run_process({SIREN_CLI_BIN, "fit", "sdf", "--help", "--server", "127.0.0.1:1"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(contains(help.out, "--on-surface-points N")) << help.out;

  const std::string xyz = write_file("sphere.xyz", sphere_xyz(50));
  const ProcessResult submitted = run_process({SIREN_CLI_BIN, "fit", "sdf", xyz, "--server", "127.0.0.1:1"});
  EXPECT_EQ(submitted.exit_code, 1);
  EXPECT_TRUE(contains(submitted.err, "error: UNAVAILABLE")) << submitted.err;
}

TEST_F(TaskCatalogTest, RenderWritesAnAudioModelAsWav) {
  Audio tone;
  tone.sample_rate = 8000;
  for (int i = 0; i < 400; ++i) tone.samples.push_back(0.5f * static_cast<float>(std::sin(0.05 * i)));
  const std::string wav = write_file("tone.wav", encode_wav(tone));
  const ProcessResult fitted = siren({"fit", "audio", wav, "--steps", "2", "--hidden", "16", "--layers", "1"});
  ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
  const json result = last_json_line(fitted);
  ASSERT_EQ(result["state"], "succeeded") << fitted.out;

  const std::string out = path("tone-render.wav");
  const ProcessResult rendered = siren({"render", result["model_id"].get<std::string>(), "-o", out});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(last_json_line(rendered)["format"], "wav");
  const std::string bytes = read_text(out);
  ASSERT_GE(bytes.size(), 44u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(8, 4), "WAVE");
}

class TestTaskServerTest : public E2ETest {
 protected:
  std::string server_binary() const override { return SIREN_SERVER_WITH_TEST_TASK_BIN; }
};

TEST_F(TestTaskServerTest, ATaskAddedInCoreAloneIsListedDescribedAndFitted) {
  const ProcessResult listed = siren({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(lists_task(json_lines(listed.out), "test-constant")) << listed.out;

  const ProcessResult help = siren({"fit", "test-constant", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--value"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("the constant to fit"), std::string::npos) << help.out;

  const ProcessResult fit = siren({"fit", "test-constant", "--value", "0.25", "--steps", "200", "--lr", "1e-3"});
  ASSERT_EQ(fit.exit_code, 0) << fit.out << fit.err;
  const json result = last_json_line(fit);
  EXPECT_EQ(result.value("state", ""), "succeeded") << result.dump();
  EXPECT_LT(result.value("mse", 1.0), 1e-3) << result.dump();  // 0.0625 for the untrained 0

  // Its option is checked against its description like any built-in one.
  const ProcessResult bad = siren({"fit", "test-constant", "--value", "7"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE((bad.out + bad.err).find("value must be a number in [-1, 1]"), std::string::npos) << bad.out << bad.err;
}

}  // namespace
}  // namespace siren::e2e
