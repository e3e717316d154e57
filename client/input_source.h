#pragma once
// What the CLI sends for an input given as a path: the file's bytes, or for a folder a tar archive of
// the files under it (a dataset of images for image-prior), so any task's input may be a folder.
#include <string>

namespace siren::cli {

bool is_folder(const std::string& path);
// The regular files under `folder`, recursively, in sorted order, named relative to it, as one tar.
// Throws CommandError for an empty or unreadable folder.
std::string folder_as_tar(const std::string& folder);
// A file's bytes, or folder_as_tar for a folder. Throws CommandError when it cannot be read.
std::string input_bytes(const std::string& path);

}  // namespace siren::cli
