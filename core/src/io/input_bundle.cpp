#include "siren/io/input_bundle.h"

#include <algorithm>

#include "siren/errors.h"

namespace siren {
namespace {

const std::string kMagic = "SRNBNDL1";

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

void check_name(const std::string& name) {
  if (name.empty()) throw InvalidInput("input bundle: a file name is empty");
  if (name.size() > kMaxBundleNameBytes)
    throw InvalidInput("input bundle: the file name " + quoted(name.substr(0, 40) + "...") + " is longer than " +
                       std::to_string(kMaxBundleNameBytes) + " bytes");
  for (char c : name)
    if (c < 0x20 || c > 0x7e) throw InvalidInput("input bundle: file names must be printable ASCII");
}

// Reads the blob front to back; every read checks the bytes are there first, so a truncated or
// garbage bundle is an InvalidInput that says which field ran out, never an out-of-range read.
class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}

  uint64_t le(int bytes, const std::string& what) {
    need(static_cast<uint64_t>(bytes), what);
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= uint64_t{static_cast<unsigned char>(bytes_[pos_ + i])} << (8 * i);
    pos_ += static_cast<size_t>(bytes);
    return value;
  }
  std::string take(uint64_t n, const std::string& what) {
    need(n, what);
    std::string out = bytes_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return out;
  }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  void need(uint64_t n, const std::string& what) const {
    if (n > remaining())
      throw InvalidInput("input bundle is truncated: " + what + " needs " + std::to_string(n) + " bytes, only " +
                         std::to_string(remaining()) + " remain (the bundle is " + std::to_string(bytes_.size()) +
                         " bytes)");
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

}  // namespace

void InputBundle::add(const std::string& name, std::string bytes) {
  check_name(name);
  if (contains(name)) throw InvalidInput("input bundle: two files are named " + quoted(name));
  if (files_.size() >= kMaxBundleFiles)
    throw InvalidInput("input bundle: more than " + std::to_string(kMaxBundleFiles) + " files");
  files_.emplace_back(name, std::move(bytes));
}

bool InputBundle::contains(const std::string& name) const {
  return std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return f.first == name; });
}

const std::string& InputBundle::file(const std::string& name) const {
  for (const auto& f : files_)
    if (f.first == name) return f.second;
  std::string have;
  for (const auto& f : files_) have += (have.empty() ? "" : ", ") + quoted(f.first);
  throw InvalidInput("the input bundle has no file named " + quoted(name) +
                     (have.empty() ? std::string("; it is empty") : "; it has " + have));
}

std::vector<std::string> InputBundle::names() const {
  std::vector<std::string> out;
  for (const auto& f : files_) out.push_back(f.first);
  return out;
}

std::string InputBundle::pack() const {
  if (files_.empty()) throw InvalidInput("input bundle: nothing to pack");
  std::string out = kMagic;
  put_le(out, files_.size(), 4);
  for (const auto& [name, bytes] : files_) {
    put_le(out, name.size(), 4);
    out += name;
    put_le(out, bytes.size(), 8);
    out += bytes;
  }
  return out;
}

bool InputBundle::looks_like_bundle(const std::string& bytes) { return bytes.compare(0, kMagic.size(), kMagic) == 0; }

InputBundle InputBundle::unpack(const std::string& bytes) {
  if (!looks_like_bundle(bytes))
    throw InvalidInput("the input is not an input bundle (it does not start with \"" + kMagic +
                       "\"); a task that takes several files needs them packed, as `siren fit` does");
  Reader in(bytes);
  in.take(kMagic.size(), "the magic");
  const uint64_t count = in.le(4, "the file count");
  if (count == 0 || count > kMaxBundleFiles)
    throw InvalidInput("input bundle: the file count is " + std::to_string(count) + ", expected 1 to " +
                       std::to_string(kMaxBundleFiles));
  InputBundle bundle;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string which = "file " + std::to_string(i + 1) + " of " + std::to_string(count);
    const uint64_t name_size = in.le(4, "the name length of " + which);
    if (name_size == 0 || name_size > kMaxBundleNameBytes)
      throw InvalidInput("input bundle: " + which + " has a name of " + std::to_string(name_size) +
                         " bytes, expected 1 to " + std::to_string(kMaxBundleNameBytes));
    const std::string name = in.take(name_size, "the name of " + which);
    const uint64_t size = in.le(8, "the size of " + which + " (" + quoted(name) + ")");
    bundle.add(name, in.take(size, "the contents of " + which + " (" + quoted(name) + ")"));
  }
  if (in.remaining() != 0)
    throw InvalidInput("input bundle: " + std::to_string(in.remaining()) + " unexpected bytes after the last file");
  return bundle;
}

}  // namespace siren
