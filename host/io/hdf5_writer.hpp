// A small RAII layer over the HDF5 C API for writing result files. Files are written under a
// temporary name and renamed into place by commit(), so a failed or killed run never leaves a
// file that looks complete.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/hdf5_util.hpp"

namespace leosem {

class Hdf5Writer {
 public:
  explicit Hdf5Writer(std::string path);  // creates `path`.partial
  ~Hdf5Writer();                          // removes the partial file unless committed
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  void create_group(const std::string& path);
  void write(const std::string& path, const std::vector<double>& data, const std::vector<hsize_t>& dims);
  void write(const std::string& path, const std::vector<int32_t>& data, const std::vector<hsize_t>& dims);
  void write(const std::string& path, const std::vector<uint8_t>& data, const std::vector<hsize_t>& dims);
  // Attributes on an object (group or dataset; "/" for the root).
  void attribute(const std::string& object, const std::string& name, const std::string& value);
  void attribute(const std::string& object, const std::string& name, double value);
  void attribute(const std::string& object, const std::string& name, int64_t value);

  void commit();  // flush, close and rename to the final path

 private:
  void write_raw(const std::string& path, hid_t type, const void* data, const std::vector<hsize_t>& dims,
                 size_t count);
  std::string path_;
  std::string partial_path_;
  hid_t file_ = -1;
};

}  // namespace leosem
