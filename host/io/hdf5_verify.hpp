// Reading every byte of an HDF5 file's contents back, so that HDF5 checks every checksum: the
// metadata's (superblock, object headers, heaps: files made by h5_create_file) and each chunk's
// Fletcher-32 (datasets made by h5_write_dataset / h5_checksummed_creation). `leosem verify`,
// merge, report and --resume call it before trusting a file.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace leosem {

struct Hdf5VerifyReport {
  size_t objects = 0, attributes = 0, datasets = 0;
  uint64_t data_bytes = 0;                   // dataset bytes read back (unfiltered)
  std::vector<std::string> unchecksummed;    // non-empty fixed-size datasets without Fletcher-32
};

// Throws Hdf5Error naming the object whose metadata or data fails to read (a checksum mismatch,
// a truncated file). Memory stays bounded: datasets are read one chunk at a time.
Hdf5VerifyReport verify_hdf5_contents(hid_t file);

// Opens `path` read-only and verifies it; errors name the file.
Hdf5VerifyReport verify_hdf5_file(const std::string& path);

}  // namespace leosem
