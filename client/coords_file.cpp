#include "coords_file.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "rpc_error.h"

namespace siren::cli {

namespace {
bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == ';'; }
}  // namespace

bool parse_coords_line(const std::string& line, std::vector<float>& out) {
  out.clear();
  const std::string content = line.substr(0, line.find('#'));
  size_t i = 0;
  while (i < content.size()) {
    while (i < content.size() && is_separator(content[i])) ++i;
    if (i == content.size()) break;
    size_t end = i;
    while (end < content.size() && !is_separator(content[end])) ++end;
    const std::string token = content.substr(i, end - i);
    char* parsed_end = nullptr;
    errno = 0;
    const float value = std::strtof(token.c_str(), &parsed_end);
    if (parsed_end != token.c_str() + token.size() || errno == ERANGE || !std::isfinite(value)) {
      throw CommandError("\"" + token + "\" is not a finite number");
    }
    out.push_back(value);
    i = end;
  }
  return !out.empty();
}

CoordsReader::CoordsReader(const std::string& path, int in_features)
    : name_(path == "-" ? "stdin" : path), in_features_(in_features) {
  if (path == "-") {
    in_ = &std::cin;
  } else {
    file_.open(path);
    if (!file_) throw CommandError("cannot read " + path + ": " + std::strerror(errno));
    in_ = &file_;
  }
}

size_t CoordsReader::read(size_t max_points, std::vector<float>& coords) {
  size_t points = 0;
  std::string line;
  std::vector<float> values;
  while (points < max_points && std::getline(*in_, line)) {
    ++line_number_;
    const std::string where = name_ + ":" + std::to_string(line_number_) + ": ";
    try {
      if (!parse_coords_line(line, values)) continue;
    } catch (const CommandError& e) {
      throw CommandError(where + e.what());
    }
    if (static_cast<int>(values.size()) != in_features_) {
      throw CommandError(where + "expected " + std::to_string(in_features_) +
                         " numbers (the model's in_features), found " +
                         std::to_string(values.size()));
    }
    coords.insert(coords.end(), values.begin(), values.end());
    ++points;
  }
  if (in_->bad()) throw CommandError("error reading " + name_);
  return points;
}

}  // namespace siren::cli
