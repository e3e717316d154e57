#include "siren/io/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "siren/errors.h"

namespace siren {
namespace {

using ReadArchive = std::unique_ptr<archive, decltype(&archive_read_free)>;

// A reader over the bytes accepting every format and compression libarchive knows, except "raw"
// (which would take any bytes as a one-file archive); null when libarchive cannot open them.
ReadArchive try_open_reader(const std::string& bytes) {
  ReadArchive reader(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) reader.reset();
  return reader;
}

}  // namespace

bool is_archive(const std::string& bytes) {
  if (bytes.empty()) return false;
  ReadArchive reader = try_open_reader(bytes);
  if (!reader) return false;
  archive_entry* entry = nullptr;
  const int status = archive_read_next_header(reader.get(), &entry);
  return status == ARCHIVE_OK || status == ARCHIVE_WARN || status == ARCHIVE_EOF;
}

std::vector<ArchiveMember> read_archive(const std::string& bytes) {
  ReadArchive reader = try_open_reader(bytes);
  if (!reader) throw InvalidInput("not a readable archive (tar, tar.gz, zip, 7z, ...)");
  std::vector<ArchiveMember> members;
  archive_entry* entry = nullptr;
  while (true) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw InvalidInput(std::string("the archive is corrupt or truncated: ") + archive_error_string(reader.get()));
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    ArchiveMember member;
    member.name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    char buffer[1 << 16];
    la_ssize_t got = 0;
    while ((got = archive_read_data(reader.get(), buffer, sizeof buffer)) > 0) member.bytes.append(buffer, got);
    if (got < 0)
      throw InvalidInput("the archive's member \"" + member.name + "\" is corrupt or truncated: " +
                         archive_error_string(reader.get()));
    members.push_back(std::move(member));
  }
  return members;
}

std::string write_tar(const std::vector<ArchiveMember>& members) {
  std::string out;
  std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(writer.get());
  archive_write_set_bytes_in_last_block(writer.get(), 1);  // no padding to a whole 10 KiB record
  auto append = [](archive*, void* data, const void* buffer, size_t length) -> la_ssize_t {
    static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
  };
  if (archive_write_open(writer.get(), &out, nullptr, append, nullptr) != ARCHIVE_OK)
    throw std::runtime_error(std::string("cannot start a tar archive: ") + archive_error_string(writer.get()));
  for (const ArchiveMember& member : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.bytes.size()));
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(writer.get(), member.bytes.data(), member.bytes.size()) < 0)
      throw std::runtime_error("cannot add \"" + member.name + "\" to a tar archive: " +
                               archive_error_string(writer.get()));
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK)
    throw std::runtime_error(std::string("cannot finish a tar archive: ") + archive_error_string(writer.get()));
  return out;
}

}  // namespace siren
