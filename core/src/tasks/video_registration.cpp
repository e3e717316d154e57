// The video task (the paper's Sec. 4.1): how it is built from its inputs and options, and exported.
#include "siren/image_size.h"
#include "siren/io/video.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/video_export.h"
#include "siren/tasks/video_task.h"

namespace siren {

TaskRegistration video_task_registration() {
  TaskRegistration r;
  r.description = video_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    VideoDecodeOptions decode;
    const std::string size = options.text("size");
    if (!size.empty() && size != "original") {
      const ImageSize target = parse_image_size(size);
      decode.width = target.width;
      decode.height = target.height;
    }
    if (options.has("max_frames")) decode.max_frames = static_cast<int>(options.integer("max_frames"));
    return std::make_unique<VideoTask>(decode_video(inputs.at("video"), decode), options.number("sample_fraction"),
                                       options.integer("summary_every"));
  };
  r.exporters = {video_avi_exporter(), video_png_exporter()};
  return r;
}

}  // namespace siren
