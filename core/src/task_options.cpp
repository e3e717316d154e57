#include "siren/task_options.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "siren/errors.h"

namespace siren {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// strtod accepts "nan", "inf" and leading blanks; an option value must be a plain finite number.
bool parse_number(const std::string& text, double& out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && *end == '\0' && std::isfinite(out);
}

}  // namespace

TaskOptionReader::TaskOptionReader(std::string task_kind, const std::map<std::string, std::string>& options,
                                   std::vector<std::string> known)
    : kind_(std::move(task_kind)), options_(options) {
  for (const auto& [key, v] : options_) {
    bool found = false;
    for (const auto& name : known) found = found || name == key;
    if (!found)
      throw InvalidInput("unknown " + kind_ + " task option \"" + key + "\"; known options: " +
                         (known.empty() ? std::string("none") : join(known)));
  }
}

const std::string* TaskOptionReader::value(const std::string& name) const {
  const auto it = options_.find(name);
  return it == options_.end() || it->second.empty() ? nullptr : &it->second;
}

bool TaskOptionReader::has(const std::string& name) const { return value(name) != nullptr; }

void TaskOptionReader::fail(const std::string& name, const std::string& expected) const {
  throw InvalidInput(kind_ + " task option " + name + " must be " + expected + ", got \"" + *value(name) + "\"");
}

std::string TaskOptionReader::choice(const std::string& name, const std::string& fallback,
                                     const std::vector<std::string>& choices) const {
  const std::string* v = value(name);
  if (!v) return fallback;
  for (const auto& c : choices)
    if (*v == c) return c;
  fail(name, "one of " + join(choices));
}

double TaskOptionReader::number(const std::string& name, double fallback, double min, double max) const {
  const std::string* v = value(name);
  if (!v) return fallback;
  double x = 0;
  if (!parse_number(*v, x) || x < min || x > max)
    fail(name, "a number in [" + number_text(min) + ", " + number_text(max) + "]");
  return x;
}

int64_t TaskOptionReader::integer(const std::string& name, int64_t fallback, int64_t min, int64_t max) const {
  const std::string* v = value(name);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || std::isspace(static_cast<unsigned char>(v->front())) || errno != 0 || *end != '\0' || x < min ||
      x > max)
    fail(name, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return x;
}

std::array<double, 2> TaskOptionReader::point(const std::string& name, std::array<double, 2> fallback, double min,
                                              double max) const {
  const std::string* v = value(name);
  if (!v) return fallback;
  const size_t comma = v->find(',');
  std::array<double, 2> p{0, 0};
  if (comma == std::string::npos || !parse_number(v->substr(0, comma), p[0]) ||
      !parse_number(v->substr(comma + 1), p[1]) || p[0] < min || p[0] > max || p[1] < min || p[1] > max)
    fail(name, "\"x,y\" with two numbers in [" + number_text(min) + ", " + number_text(max) + "]");
  return p;
}

}  // namespace siren
