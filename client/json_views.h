#pragma once
// How jobs, models, job events and tasks look as JSON lines. Metrics are flattened into the object
// ({"psnr": 27.4, "mse": ...}) so `jq .psnr` works for any task's figures.
#include "output.h"
#include "siren/task_description.h"
#include "siren/v1/service.pb.h"

namespace siren::cli {

Json job_json(const v1::Job& job);            // a listing row / `siren job --json`
Json job_details_json(const v1::Job& job);    // job_json plus the full spec
Json model_json(const v1::Model& model);      // a listing row
Json model_details_json(const v1::Model& model);
Json event_json(const v1::JobEvent& event);   // {"event": "progress", ...}
// The line that always ends `watch --json` (and `fit`): job_id, model_id, state, step and the final
// figures flattened. `error` is added when the job failed or the stream broke.
Json result_json(const v1::Job& job, const std::string& error = "");
// `siren tasks --json`: name, summary, inputs, options (name, type, default, min, max, choices,
// help), export_formats and the preset's settings (task_options, model, train).
Json task_json(const TaskDescription& task);

// Names that never throw, also for enum values newer than this client.
std::string state_name(v1::JobState state);
std::string task_name(v1::TaskKind kind);
std::string event_type_name(v1::JobEvent::Type type);  // "progress", "checkpoint_saved", ...

}  // namespace siren::cli
