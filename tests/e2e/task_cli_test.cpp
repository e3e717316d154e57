// The CLI built from task descriptions: `siren tasks`, `siren fit TASK --help` (with and without a
// server) and `siren render` of a model that is not an image.
#include <cmath>
#include <set>

#include "e2e_fixture.h"
#include "siren/io/audio.h"

namespace siren::e2e {
namespace {

const std::set<std::string> kBuiltInTasks = {"image", "sdf", "audio", "video", "helmholtz", "wave",
                                             "poisson-grad", "poisson-lapl", "poisson-composite"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const json* find_by_name(const std::vector<json>& items, const std::string& name) {
  for (const json& item : items) {
    if (item["name"] == name) return &item;
  }
  return nullptr;
}

TEST_F(E2ETest, TasksJsonListsTheBuiltInTasksWithTheirOptions) {
  const ProcessResult listed = siren({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<json> tasks = json_lines(listed.out);
  std::set<std::string> names;
  for (const json& task : tasks) names.insert(task["name"].get<std::string>());
  EXPECT_EQ(names, kBuiltInTasks) << listed.out;

  const json* sdf = find_by_name(tasks, "sdf");
  ASSERT_NE(sdf, nullptr);
  const json* on_surface = find_by_name((*sdf)["options"].get<std::vector<json>>(), "on_surface_points");
  ASSERT_NE(on_surface, nullptr) << sdf->dump();
  EXPECT_EQ((*on_surface)["type"], "integer");
  EXPECT_EQ((*on_surface)["default"], "1400");
  EXPECT_FALSE((*on_surface)["help"].get<std::string>().empty());
  EXPECT_EQ((*sdf)["export_formats"], json::array({"ply"}));
  EXPECT_EQ((*sdf)["preset"]["train"]["steps"], 10000);

  const json* composite = find_by_name(tasks, "poisson-composite");
  ASSERT_NE(composite, nullptr);
  ASSERT_EQ((*composite)["inputs"].size(), 2u);
  EXPECT_EQ((*composite)["inputs"][1]["name"], "foreground");
  EXPECT_TRUE(find_by_name(tasks, "helmholtz")->at("inputs").empty());

  // This build's own list (--local) is the same one.
  const ProcessResult local = run_process({SIREN_CLI_BIN, "tasks", "--local", "--json"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(json_lines(local.out).size(), tasks.size());
}

TEST_F(E2ETest, FitHelpShowsTheTasksOptionsAndDetailsWithOrWithoutAServer) {
  const ProcessResult help = siren({"fit", "sdf", "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(contains(help.out, "--on-surface-points N")) << help.out;
  EXPECT_TRUE(contains(help.out, "--mesh-samples N")) << help.out;
  EXPECT_TRUE(contains(help.out, "eikonal")) << help.out;     // the task's details, as the footer
  EXPECT_TRUE(contains(help.out, "points FILE")) << help.out;  // its input
  EXPECT_TRUE(contains(help.out, "(default: 10000)")) << help.out;  // --steps: the preset's

  // No server answering: the same help, from this build's own descriptions.
  const ProcessResult offline = run_process({SIREN_CLI_BIN, "fit", "sdf", "--help", "--server", "127.0.0.1:1"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_TRUE(contains(offline.out, "--on-surface-points N")) << offline.out;
  // ... and a submission then reports the connection error.
  const std::string xyz = write_file("sphere.xyz", sphere_xyz(50));
  const ProcessResult submitted = run_process({SIREN_CLI_BIN, "fit", "sdf", xyz, "--server", "127.0.0.1:1"});
  EXPECT_EQ(submitted.exit_code, 1);
  EXPECT_TRUE(contains(submitted.err, "error: UNAVAILABLE")) << submitted.err;
}

TEST_F(E2ETest, RenderWritesAnAudioModelAsWav) {
  Audio tone;
  tone.sample_rate = 8000;
  for (int i = 0; i < 400; ++i) tone.samples.push_back(0.5f * static_cast<float>(std::sin(0.05 * i)));
  const std::string wav = write_file("tone.wav", encode_wav(tone));
  const ProcessResult fitted = siren({"fit", "audio", wav, "--steps", "2", "--hidden", "16", "--layers", "1"});
  ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
  const json result = last_json_line(fitted);
  ASSERT_EQ(result["state"], "succeeded") << fitted.out;
  const std::string model_id = result["model_id"];

  const std::string out = path("tone-render.wav");
  const ProcessResult rendered = siren({"render", model_id, "-o", out});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(last_json_line(rendered)["format"], "wav");
  const std::string bytes = read_text(out);
  ASSERT_GE(bytes.size(), 44u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(8, 4), "WAVE");
}

}  // namespace
}  // namespace siren::e2e
