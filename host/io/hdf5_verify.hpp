// Reading every byte of an HDF5 file's contents back, so that HDF5 checks every checksum: the
// metadata's (superblock, object headers, heaps: files made by h5_create_file) and each chunk's
// Fletcher-32 (datasets made by h5_write_dataset / h5_checksummed_creation). `leosem verify`,
// merge, report and --resume call it before trusting a file.
//
// Variable-length values (text attributes, text datasets, dimension lists) live in HDF5's global
// heap, which has no checksum: the writers store a SHA-256 over all of them (the root attribute
// variable_length_sha256, a fixed-length string in the checksummed metadata), and verification
// recomputes it.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace leosem {

// The root attribute holding the digest of every variable-length value in the file.
inline constexpr const char* kVariableLengthDigestAttribute = "variable_length_sha256";

struct Hdf5VerifyReport {
  size_t objects = 0, attributes = 0, datasets = 0;
  size_t variable_length_values = 0;         // attributes and datasets of variable-length data, all in the digest
  uint64_t data_bytes = 0;                   // dataset bytes read back (unfiltered)
  std::vector<std::string> unchecksummed;    // non-empty fixed-size datasets without Fletcher-32
};

// Throws Hdf5Error naming the object whose metadata or data fails to read (a checksum mismatch,
// a truncated file), when the variable-length values do not match their digest, or when the file
// holds variable-length values but no digest (written by an older leosem: unverifiable). Memory
// stays bounded: datasets are read one chunk at a time (variable-length values are held whole).
Hdf5VerifyReport verify_hdf5_contents(hid_t file);

// The text part of verify_hdf5_contents alone, cheap (no dataset but the text ones is read): the
// global heap's structure, then the digest. For a reader that must trust a file's text before it
// verifies the rest (resume reads format and config_sha256 to know whose file it is): without it,
// a damaged text reads as another leosem's or another configuration's file. Throws Hdf5Error.
void verify_text(hid_t file);

// SHA-256 (hex) over a canonical serialization of every variable-length value in the file: objects
// by path, their attributes by name, then the datasets' values in order; every path, name, count
// and value is length-prefixed, so that no two different contents serialize alike.
std::string variable_length_sha256(hid_t file);

// Writes the digest above as the root attribute kVariableLengthDigestAttribute. Called by every
// writer of a leosem file after its last variable-length value (nothing rewrites text later).
void write_variable_length_sha256(hid_t file);

}  // namespace leosem
