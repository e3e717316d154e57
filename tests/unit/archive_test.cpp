// Archives (libarchive): what write_tar writes reads back member for member; bytes that are no archive
// are told apart; a truncated archive is InvalidInput naming the problem.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "siren/errors.h"
#include "siren/io/archive.h"

namespace siren {
namespace {

TEST(Archive, TarRoundTripsItsFiles) {
  const std::vector<ArchiveMember> files = {
      {"faces/a.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(3000, 'x')},
      {"faces/deeper/b.txt", "hello"},
      {"empty.bin", ""},
      {std::string(150, 'n') + ".png", "a long name (pax header)"}};
  const std::string tar = write_tar(files);
  ASSERT_TRUE(is_archive(tar));
  const std::vector<ArchiveMember> back = read_archive(tar);
  ASSERT_EQ(back.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(back[i].name, files[i].name);
    EXPECT_EQ(back[i].bytes, files[i].bytes);
  }
}

TEST(Archive, OtherBytesAreNoArchiveAndTruncatedOnesAreInvalidInput) {
  EXPECT_FALSE(is_archive(""));
  EXPECT_FALSE(is_archive("x y z nx ny nz\n0 0 0 0 0 1\n"));
  EXPECT_FALSE(is_archive(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(600, '\0')));
  EXPECT_THROW(read_archive("definitely not an archive"), InvalidInput);
  const std::string tar = write_tar({{"big.bin", std::string(5000, 'b')}});
  try {
    read_archive(tar.substr(0, 2000));
    FAIL() << "a truncated archive was read";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace siren
