#include "core/file_safety.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/errors.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

namespace fs = std::filesystem;

std::string folder_of(const std::string& path) {
  const fs::path folder = fs::path(path).parent_path();
  return folder.empty() ? "." : folder.string();
}

size_t name_max(const std::string& folder) {
  const long limit = pathconf(folder.c_str(), _PC_NAME_MAX);
  return limit > 0 ? static_cast<size_t>(limit) : NAME_MAX;
}

// FNV-1a, 64 bits: a stable short digest of a file name (not a security hash).
std::string name_digest(const std::string& name) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

// `path` with `suffix` appended to its file name, shortened (with a digest of the full name)
// when the result would exceed the folder's name limit.
std::string with_suffix(const std::string& path, const std::string& suffix) {
  const fs::path p(path);
  const std::string name = p.filename().string();
  const size_t limit = name_max(folder_of(path));
  if (name.size() + suffix.size() <= limit) return path + suffix;
  const std::string digest = "~" + name_digest(name);
  const size_t keep = limit > suffix.size() + digest.size() ? limit - suffix.size() - digest.size() : 0;
  return (p.parent_path() / (name.substr(0, keep) + digest + suffix)).string();
}

void fsync_path(const std::string& path, int flags, const std::string& what) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open " + what + " " + quoted_input(path) + " to sync it: " + std::strerror(errno));
  const int status = fsync(fd);
  const int error = errno;
  close(fd);
  if (status != 0) throw IoError("cannot sync " + what + " " + quoted_input(path) + " to disk: " + std::strerror(error));
}

}  // namespace

void require_regular_file(const std::string& path, const std::string& what) {
  const std::string name = "cannot read " + (what.empty() ? "" : what + " ") + quoted_input(path);
  if (path.empty()) throw InputError(name + ": the path is empty");
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) throw InputError(name + ": " + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw InputError(name + ": it is a directory, not a file");
  if (!S_ISREG(info.st_mode))
    throw InputError(name + ": it is not a regular file (a device, pipe or socket)");
}

void check_output_path(const std::string& path, bool force, const std::string& option) {
  if (path.empty()) throw IoError(option + ": the output path is empty");
  const std::string folder = folder_of(path);
  std::error_code error;
  if (!fs::is_directory(folder, error))
    throw IoError("cannot write " + quoted_input(path) + " (" + option + "): the directory " + quoted_input(folder) +
                             " does not exist");
  const std::string name = fs::path(path).filename().string();
  if (name.empty() || name == "." || name == "..")
    throw IoError("cannot write " + quoted_input(path) + " (" + option + "): it names a directory, not a file");
  if (name.size() > name_max(folder))
    throw IoError("cannot write " + quoted_input(path) + " (" + option + "): the file name has " +
                             std::to_string(name.size()) + " characters, more than the " +
                             std::to_string(name_max(folder)) + " this file system allows");
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return;  // absent: fine
  if (!S_ISREG(info.st_mode))
    throw IoError("cannot write " + quoted_input(path) + " (" + option + "): it exists and is not a regular file");
  if (!force)
    throw IoError(quoted_input(path) + " exists already: add --force to replace it, or choose another " + option);
}

std::string partial_path_for(const std::string& path) { return with_suffix(path, ".partial"); }

std::string temporary_path_for(const std::string& path) {
  return with_suffix(path, ".tmp" + std::to_string(getpid()));
}

void durable_rename(const std::string& from, const std::string& to) {
  fsync_path(from, O_RDONLY, "file");
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw IoError("cannot rename " + quoted_input(from) + " to " + quoted_input(to) + ": " + std::strerror(errno));
  fsync_path(folder_of(to), O_RDONLY | O_DIRECTORY, "directory");
}

}  // namespace leosem
