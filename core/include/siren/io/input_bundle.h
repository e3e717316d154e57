#pragma once
// Several named files in one input blob. A fit uploads exactly one input (SubmitFit's input_chunks),
// so a task that needs more than one file (poisson-composite: a background and a foreground image)
// receives them packed in a bundle; the CLI packs, the task unpacks. No LibTorch here.
//
// Layout (all integers little-endian):
//   8 bytes   magic "SRNBNDL1"
//   u32       file count (1..kMaxBundleFiles)
//   per file: u32 name length (1..kMaxBundleNameBytes), the name (printable ASCII),
//             u64 size, the bytes
// and nothing after the last file. Names are unique; order is kept.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace siren {

constexpr uint32_t kMaxBundleFiles = 64;
constexpr uint32_t kMaxBundleNameBytes = 255;

class InputBundle {
 public:
  // Throws InvalidInput for an empty, overlong, non-printable or duplicate name, or too many files.
  void add(const std::string& name, std::string bytes);

  bool contains(const std::string& name) const;
  // Throws InvalidInput naming the files the bundle does have.
  const std::string& file(const std::string& name) const;
  std::vector<std::string> names() const;
  size_t size() const { return files_.size(); }

  std::string pack() const;
  // Throws InvalidInput for anything that is not a complete, well-formed bundle (no magic, truncated,
  // trailing bytes, bad names), saying where it went wrong.
  static InputBundle unpack(const std::string& bytes);
  // True when `bytes` starts with the magic (it may still be malformed: unpack says how).
  static bool looks_like_bundle(const std::string& bytes);

 private:
  std::vector<std::pair<std::string, std::string>> files_;
};

}  // namespace siren
