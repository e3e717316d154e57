// `siren query MODEL --coords FILE [-o OUT]`: evaluate a field at arbitrary points. The points are
// streamed in chunks of at most 65536 (QueryField is bidirectional: one response per chunk), so
// neither side holds a huge query in memory.
#include <cstdio>
#include <fstream>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "coords_file.h"
#include "exit_codes.h"
#include "output.h"
#include "model_lookup.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

constexpr size_t kPointsPerMessage = 65536;

struct QueryOptions {
  std::string model_id;
  std::string coords_path;
  std::string output_path;  // empty = stdout
  bool gradients = false;
};

// %.9g: the shortest width that round-trips every float exactly.
std::string float_text(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  return buffer;
}

// One line per point: CSV of its values (then its gradient), or {"coords":[...],"values":[...]
// [,"gradients":[...]]} with --json. `gradients` is null when not asked for.
void write_points(std::ostream& out, bool json, const float* coords, int in_features, const float* values,
                  int out_features, const float* gradients, size_t points) {
  for (size_t p = 0; p < points; ++p) {
    const float* point = coords + p * in_features;
    const float* value = values + p * out_features;
    const float* gradient = gradients ? gradients + p * in_features : nullptr;
    if (json) {
      Json line;
      line["coords"] = std::vector<float>(point, point + in_features);
      line["values"] = std::vector<float>(value, value + out_features);
      if (gradient) line["gradients"] = std::vector<float>(gradient, gradient + in_features);
      out << line.dump() << '\n';
    } else {
      for (int i = 0; i < out_features; ++i) out << (i ? "," : "") << float_text(value[i]);
      if (gradient)
        for (int i = 0; i < in_features; ++i) out << "," << float_text(gradient[i]);
      out << '\n';
    }
  }
}

int run_query(const QueryOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  const v1::Model model = fetch_model(connection, options.model_id);  // in_features, NOT_FOUND
  CoordsReader coords_reader(options.coords_path, model.in_features());

  std::ofstream file;
  if (!options.output_path.empty()) {
    file.open(options.output_path, std::ios::trunc);
    if (!file) throw CommandError("cannot write " + options.output_path);
  }
  std::ostream& out = options.output_path.empty() ? std::cout : file;

  auto context = connection.context(std::nullopt);  // as long as the file takes
  auto stream = connection.stub().QueryField(context.get());
  size_t total_points = 0;
  bool first = true;
  std::vector<float> coords;
  v1::QueryFieldResponse response;
  // Lock-step: one chunk out, its values back. Only one chunk is ever buffered on either side.
  while (true) {
    coords.clear();
    const size_t points = coords_reader.read(kPointsPerMessage, coords);
    if (points == 0) break;
    v1::QueryFieldRequest request;
    if (first) {
      request.set_model_id(options.model_id);
      request.set_with_gradients(options.gradients);
    }
    first = false;
    request.mutable_coords()->Add(coords.begin(), coords.end());
    if (!stream->Write(request) || !stream->Read(&response)) break;  // Finish() says why
    const int out_features = response.out_features();
    if (out_features <= 0 || static_cast<size_t>(response.values_size()) != points * out_features) {
      throw CommandError("the server answered " + std::to_string(response.values_size()) +
                         " values for " + std::to_string(points) + " points");
    }
    if (options.gradients && static_cast<size_t>(response.gradients_size()) != points * model.in_features()) {
      throw CommandError("the server answered " + std::to_string(response.gradients_size()) +
                         " gradient components for " + std::to_string(points) + " points");
    }
    write_points(out, output.json(), coords.data(), model.in_features(), response.values().data(), out_features,
                 options.gradients ? response.gradients().data() : nullptr, points);
    total_points += points;
  }
  stream->WritesDone();
  check_rpc(stream->Finish());
  out.flush();
  if (!out) throw CommandError("error writing the output");

  if (!options.output_path.empty()) {
    if (output.json()) {
      output.json_line(Json{{"model_id", options.model_id}, {"points", total_points},
                            {"output", options.output_path}});
    } else {
      output.text("wrote " + std::to_string(total_points) + " points to " + options.output_path);
    }
  }
  return kExitSuccess;
}

}  // namespace

void register_query_command(CLI::App& root, CommandContext& context) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* command = add_command(
      root, "query", "evaluate a field at the points of a file (raw network outputs)", context);
  command->add_option("model_id", options->model_id, "the model")
      ->required()->type_name("MODEL_ID");
  command->add_option("--coords", options->coords_path,
                      "points, one per line: in_features numbers separated by commas or spaces, "
                      "`#` comments; `-` reads stdin. Image models: (row, col) in [-1,1], so "
                      "-1,-1 is the top-left pixel's centre")
      ->required()->type_name("FILE");
  command->add_option("-o,--output", options->output_path,
                      "write the values here instead of stdout (default: stdout)")
      ->type_name("PATH");
  command->add_flag("--gradients", options->gradients,
                    "also output the gradient of the field (summed over outputs) with respect to the "
                    "coordinates at each point, e.g. an SDF's normal direction");
  command->footer(
      "Output: one line per point in input order: its values as CSV (then, with --gradients,\n"
      "in_features gradient components), or with --json {\"coords\":[..],\"values\":[..]}\n"
      "(+ \"gradients\":[..]). Values are the raw network output (images: pixel values mapped\n"
      "to [-1,1]; SDF: signed distance in the normalised cube, negative inside).");
  command->callback([options, &context] {
    context.action = [options, &context] { return run_query(*options, context.global); };
  });
}

}  // namespace siren::cli
