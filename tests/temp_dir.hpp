// A fresh temporary folder for a test, removed at scope end (mkdtemp: unique across the test
// processes ctest runs in parallel).
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace leosem::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "leosem-test-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // The path of `name` inside the folder.
  std::string file(const std::string& name) const { return (path / name).string(); }
  // Writes `text` to `name` inside the folder and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string f = file(name);
    std::ofstream(f) << text;
    return f;
  }
};

}  // namespace leosem::test
