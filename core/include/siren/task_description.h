#pragma once
// What a task is, written once: its inputs, its options, its preset and its help. Validation, the
// server's ListTasks, `siren fit <task> --help`, the CLI's flags and the Python client all read this.
// No LibTorch here.
#include <map>
#include <string>
#include <vector>

#include "siren/fit_config.h"

namespace siren {

enum class TaskOptionType {
  Integer,  // a whole number in [min, max]
  Number,   // a finite number in [min, max]
  Choice,   // one of `choices`
  Point,    // "x,y": two numbers, each in [min, max]
  Size,     // an image size: "WxH", "N" (N x N) or "original"
};

// One task option: TaskSpec.options[name], a string on the wire; the CLI's flag is --name with
// '_' written '-'.
struct TaskOptionDescription {
  std::string name;
  TaskOptionType type = TaskOptionType::Number;
  // The value when the option is not given, as text; empty when it depends on the input or on other
  // options (the help says how).
  std::string default_value;
  double min = 0, max = 0;            // Integer, Number, Point
  std::vector<std::string> choices;   // Choice
  std::string value_name;             // how help shows a value, e.g. "N", "WxH", "X,Y"
  std::string help;                   // one line
};

// What kind of data an input holds, so that a client can encode an in-memory value for it (a NumPy
// array as PNG, WAV or .xyz). File: bytes the task decodes itself (an archive, a checkpoint, a .mat).
enum class InputMedia { File, Image, Audio, Video, Points };

// One named input file of a task, e.g. "image", or "background" and "foreground".
struct TaskInputDescription {
  std::string name;
  InputMedia media = InputMedia::File;
  std::string help;  // what it may be (formats)
  // An optional input may be left out (or sent empty): the task then does without it, e.g. the
  // inpainting task draws a random mask when it is given none.
  bool optional = false;
};

struct TaskDescription {
  std::string kind;     // e.g. "poisson-grad"; the API's enum value is TASK_KIND_POISSON_GRAD
  std::string summary;  // one line
  std::string details;  // paragraphs: the paper's setting, the loss, the preset, how to export
  // Inputs are required unless marked optional; the first (always required) is the one a single
  // unnamed upload fills. Empty: the task takes no input (its signal is defined by options, e.g. a
  // PDE's source).
  std::vector<TaskInputDescription> inputs;
  std::vector<TaskOptionDescription> options;
  FitConfig preset;                         // the reference's defaults for this experiment
  // Preset widths of particular activations where the reference's differ from preset.model's (its
  // train_video.py: sine 1024 wide, the relu-pe and relu-rbf baselines 256): a fit that picks such an
  // activation and gives no width gets this one (preset_fit_config(kind, activation)).
  std::map<Activation, int> hidden_features_by_activation;
  // ExportModel formats, the first the default (`siren render`): the names of its registration's
  // exporters (task_registry.h), in order (a test checks they agree).
  std::vector<std::string> export_formats;

  const TaskOptionDescription* option(const std::string& name) const;
};

// Every task this build knows (built in, then any registered with register_task), in listing order.
std::vector<TaskDescription> task_descriptions();
// Throws InvalidInput naming the known kinds.
TaskDescription describe_task(const std::string& kind);
// Adds a description (or replaces the one of its kind); register_task (task_registry.h) calls it.
void add_task_description(TaskDescription description);

// Throws InvalidInput for an unknown kind or an option the task does not declare or whose value is
// not of its type and range: the checks that need no input (a server runs them before an upload).
void check_task_spec(const TaskSpec& spec);

// The built-in tasks' descriptions (src/tasks/*_description.cpp).
TaskDescription image_task_description();
TaskDescription sdf_task_description();
TaskDescription audio_task_description();
TaskDescription video_task_description();
TaskDescription helmholtz_task_description();
TaskDescription wave_task_description();
TaskDescription poisson_grad_task_description();
TaskDescription poisson_lapl_task_description();
TaskDescription poisson_composite_task_description();
TaskDescription image_inpainting_task_description();
TaskDescription image_prior_task_description();
TaskDescription image_from_prior_task_description();
TaskDescription inverse_helmholtz_task_description();

// "on_surface_points" -> "on-surface-points" (the CLI's flag without its dashes).
std::string option_flag_name(const std::string& option_name);
const char* option_type_name(TaskOptionType type);
const char* input_media_name(InputMedia media);  // "file", "image", "audio", "video", "points"

}  // namespace siren
