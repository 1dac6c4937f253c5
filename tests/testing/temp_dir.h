// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
// Not thread-safe; one per test.
#pragma once

#include <filesystem>
#include <string>

namespace yibao::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (truncating). Aborts the test on failure.
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

}  // namespace yibao::testing
