#pragma once
// Archives of files (tar, tar.gz/.bz2/.xz, zip, 7z, ...), read and written with libarchive: a dataset
// arrives as one upload. No LibTorch here.
#include <string>
#include <vector>

namespace siren {

struct ArchiveMember {
  std::string name;  // its path inside the archive
  std::string bytes;
};

// Whether libarchive recognises the bytes as an archive of some format (not merely compressed data).
bool is_archive(const std::string& bytes);
// The regular files of an archive, in archive order. Throws InvalidInput naming the problem for bytes
// that are no archive, or a corrupt or truncated one.
std::vector<ArchiveMember> read_archive(const std::string& bytes);
// A POSIX tar archive (pax format) of the given files, e.g. a folder a client sends as one input.
std::string write_tar(const std::vector<ArchiveMember>& members);

}  // namespace siren
