#include "input_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "rpc_error.h"
#include "siren/io/archive.h"

namespace siren::cli {

namespace fs = std::filesystem;

namespace {

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw CommandError("error reading " + path.string());
  return bytes.str();
}

}  // namespace

bool is_folder(const std::string& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

std::string folder_as_tar(const std::string& folder) {
  std::vector<fs::path> files;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  if (error) throw CommandError("cannot list " + folder + ": " + error.message());
  if (files.empty()) throw CommandError(folder + " is an empty folder: it holds no files to send");
  std::sort(files.begin(), files.end());
  std::vector<ArchiveMember> members;
  members.reserve(files.size());
  for (const fs::path& file : files)
    members.push_back({fs::relative(file, folder).generic_string(), file_bytes(file)});
  return write_tar(members);
}

std::string input_bytes(const std::string& path) { return is_folder(path) ? folder_as_tar(path) : file_bytes(path); }

}  // namespace siren::cli
