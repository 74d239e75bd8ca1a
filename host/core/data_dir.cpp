#include "core/data_dir.hpp"
#include "core/text_excerpt.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#ifndef LEOSEM_DATA_RELATIVE
#error "LEOSEM_DATA_RELATIVE (the data directory relative to the installed executable) must be defined by the build"
#endif

namespace leosem {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> candidates() {
  if (const char* env = std::getenv("LEOSEM_DATA_DIR"); env && *env) return {fs::path(env)};
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path dir = exe.parent_path();
  return {dir / LEOSEM_DATA_RELATIVE, dir / "share/leosem/data", dir / "../share/leosem/data"};
}

}  // namespace

std::string data_directory() {
  for (const fs::path& dir : candidates()) {
    std::error_code error;
    if (fs::is_directory(dir, error)) return fs::weakly_canonical(dir, error).string();
  }
  return "";
}

std::string data_directory_search_note() {
  if (const char* env = std::getenv("LEOSEM_DATA_DIR"); env && *env)
    return "LEOSEM_DATA_DIR=" + quoted_input(std::string(env)) + " is not a directory";
  std::vector<std::string> seen;
  std::string looked;
  for (const fs::path& dir : candidates()) {
    const std::string path = dir.lexically_normal().string();
    if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
    seen.push_back(path);
    looked += (looked.empty() ? "" : ", ") + path;
  }
  return "leosem's data directory was not found (looked in " + (looked.empty() ? std::string("nothing") : looked) +
         "); set LEOSEM_DATA_DIR to the folder holding jpeg_table_aerial64.csv";
}

}  // namespace leosem
