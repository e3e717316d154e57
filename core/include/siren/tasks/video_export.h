#pragma once
#include "siren/io/image.h"
#include "siren/task_exporter.h"

namespace siren {

// "avi": the whole clip re-rendered from the field (any frame count = temporal resampling, any size).
TaskExporter video_avi_exporter();
// "png": one frame; a fractional frame index samples the field between frames.
TaskExporter video_png_exporter();

// The video field at (fractional) frame `frame` of a fit with `fitted_frames` frames, on a width x
// height grid over [-1,1]^2, as RGB in [0,1] (clipped).
Image render_video_frame(const FieldModel& model, double frame, int fitted_frames, int width, int height);

}  // namespace siren
