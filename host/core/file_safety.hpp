// Safe file handling shared by every command that reads or writes: inputs must be regular files,
// outputs are never replaced without --force, and finished files reach their final name only
// after their data and the directory entry are on disk (fsync + rename + fsync of the folder).
#pragma once
#include <string>

namespace leosem {

// Throws "cannot read WHAT 'PATH': reason" unless `path` is a regular file (after symlinks): a directory, a device
// such as /dev/zero or /dev/urandom, or a FIFO would read forever or as garbage.
void require_regular_file(const std::string& path, const std::string& what);

// Refuses, before any work, an output path that cannot or must not be written: an existing file
// without `force` (the message names `option`, e.g. "--out"), something other than a regular file
// even with `force`, a folder that does not exist, a file name longer than the system allows.
void check_output_path(const std::string& path, bool force, const std::string& option);

// `path`.partial, or for a file name too long to take the suffix, a shortened name ending in a
// hash of the whole name (deterministic, so --resume finds it again).
std::string partial_path_for(const std::string& path);
// A temporary name next to `path`, unique to this process (one-shot writers).
std::string temporary_path_for(const std::string& path);

// fsync `from`, rename it to `to` (replacing it), fsync the folder: after a power cut the file is
// either absent or whole under its final name.
void durable_rename(const std::string& from, const std::string& to);

}  // namespace leosem
