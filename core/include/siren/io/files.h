#pragma once
// Whole-file reads and crash-safe writes (no LibTorch here).
#include <string>

namespace siren {

// Throws NotFound if the file cannot be opened.
std::string read_file(const std::string& path);
// Written to a temporary name, fsync'd, then renamed: a reader never sees a half-written file, and a
// crash never leaves one behind a valid name. Creates missing parent directories.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace siren
