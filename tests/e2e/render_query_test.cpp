// Using a trained field: render it (at the fitted size and 2x) and query it at chosen points.
#include <algorithm>
#include <cmath>
#include <fstream>

#include "e2e_fixture.h"
#include "siren/io/image.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, RenderAtFittedSizeMatchesReportedPsnrAndAtTwiceTheSize) {
  const siren::Image input = synthetic_image();
  const std::string image = write_image("gradient.png", input);
  const json fitted = fit_image(image, {"--steps", "150", "--lr", "3e-4"});
  const std::string model_id = fitted["model_id"];
  ASSERT_FALSE(model_id.empty());

  const std::string out = path("render.png");
  const ProcessResult rendered = siren({"render", model_id, "-o", out});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  const siren::Image same = siren::read_image_file(out);
  ASSERT_EQ(same.width, input.width);
  ASSERT_EQ(same.height, input.height);
  ASSERT_EQ(same.channels, 1);
  // 8-bit rounding and clamping to [0,1] move the figure by far less than 0.5 dB.
  EXPECT_NEAR(psnr(same, input), fitted["psnr"].get<double>(), 0.5);

  const std::string big = path("render2x.png");
  const ProcessResult upscaled = siren({"render", model_id, "-o", big, "--scale", "2"});
  ASSERT_EQ(upscaled.exit_code, 0) << upscaled.err;
  const siren::Image twice = siren::read_image_file(big);
  EXPECT_EQ(twice.width, 2 * input.width);
  EXPECT_EQ(twice.height, 2 * input.height);
  EXPECT_EQ(last_json_line(upscaled)["width"], 2 * input.width);

  // The generic export path gives the same picture for the image task's png format.
  const ProcessResult exported =
      siren({"export", model_id, "--option", "scale=2", "-o", path("export.png")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const siren::Image export_2x = siren::read_image_file(path("export.png"));
  EXPECT_EQ(export_2x.width, 2 * input.width);
  EXPECT_EQ(export_2x.pixels, twice.pixels);

  const ProcessResult sized = siren({"render", model_id, "-o", path("r.png"), "--size", "40x16"});
  ASSERT_EQ(sized.exit_code, 0) << sized.err;
  const siren::Image custom = siren::read_image_file(path("r.png"));
  EXPECT_EQ(custom.width, 40);
  EXPECT_EQ(custom.height, 16);
}

TEST_F(E2ETest, QueryReturnsOneValueLinePerPoint) {
  const siren::Image input = synthetic_image();
  const std::string image = write_image("gradient.png", input);
  const json fitted = fit_image(image, {"--steps", "150", "--lr", "3e-4"});
  const std::string model_id = fitted["model_id"];
  ASSERT_EQ(siren({"render", model_id, "-o", path("render.png")}).exit_code, 0);
  const siren::Image rendered = siren::read_image_file(path("render.png"));

  // (row, col) in [-1,1]: the grid's corners are the corner pixels' centres.
  struct Point { float row, col; int pixel_row, pixel_col; };
  const std::vector<Point> corners = {{-1, -1, 0, 0}, {-1, 1, 0, 23}, {1, -1, 23, 0}, {1, 1, 23, 23}};
  const std::string coords = write_file("coords.csv",
                                        "# row, col\n"
                                        "-1,-1\n-1, 1\n 1 -1\n1,1   # last corner\n\n"
                                        "0,0\n0.25,-0.5\n");
  const ProcessResult queried = siren({"query", model_id, "--coords", coords});
  ASSERT_EQ(queried.exit_code, 0) << queried.err;
  const auto lines = json_lines(queried.out);
  ASSERT_EQ(lines.size(), 6u) << queried.out;
  for (const json& line : lines) {
    ASSERT_EQ(line["coords"].size(), 2u);
    ASSERT_EQ(line["values"].size(), 1u);
    EXPECT_TRUE(std::isfinite(line["values"][0].get<double>()));
  }
  for (size_t i = 0; i < corners.size(); ++i) {
    const Point& p = corners[i];
    EXPECT_EQ(lines[i]["coords"][0].get<float>(), p.row);
    EXPECT_EQ(lines[i]["coords"][1].get<float>(), p.col);
    const double value = lines[i]["values"][0];
    // Loosely the input pixel mapped to [-1,1] (a short fit)...
    EXPECT_NEAR(value, 2.0 * input.at(p.pixel_row, p.pixel_col, 0) - 1.0, 0.3) << "corner " << i;
    // ...and tightly the rendered pixel: the same network on the same grid, then 8-bit rounding.
    const double as_pixel = std::clamp((value + 1.0) / 2.0, 0.0, 1.0);
    EXPECT_NEAR(as_pixel, rendered.at(p.pixel_row, p.pixel_col, 0), 1.0 / 255) << "corner " << i;
  }

  // CSV output from stdin ("-"), written to a file: one line of values per point.
  const ProcessResult csv = run_process(
      {SIREN_CLI_BIN, "query", model_id, "--coords", "-", "-o", path("values.csv"), "--server",
       address_},
      "-1,-1\n0,0\n1,1\n");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::ifstream values(path("values.csv"));
  std::vector<double> numbers;
  for (double v; values >> v;) numbers.push_back(v);
  ASSERT_EQ(numbers.size(), 3u);
  // %.9g round-trips a float exactly.
  EXPECT_EQ(static_cast<float>(numbers[0]), lines[0]["values"][0].get<float>());

  // A line with the wrong number of coordinates is the user's error, named by line.
  const ProcessResult bad = siren({"query", model_id, "--coords", "-"}, "0,0\n1,2,3\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("stdin:2"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace siren::e2e
