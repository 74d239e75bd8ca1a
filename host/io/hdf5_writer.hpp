// Writing a whole HDF5 result file in one go (instance and solution exports). The file is
// written under a temporary name of this process and, by commit(), synced and renamed into place
// (replacing any file there: callers check --force first), so a failed or killed run never
// leaves a file that looks complete. Every dataset carries Fletcher-32 checksums.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "io/hdf5_util.hpp"

namespace leosem {

class Hdf5Writer {
 public:
  explicit Hdf5Writer(std::string path);  // creates a temporary file next to `path`
  ~Hdf5Writer();                          // removes the partial file unless committed
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  void create_group(const std::string& path);

  template <typename T>
  void write(const std::string& path, const std::vector<T>& data, const std::vector<hsize_t>& dims) {
    h5_write_dataset(file_, path, data, dims);
  }

  // Attributes on an object (group or dataset; "/" for the root).
  void attribute(const std::string& object, const std::string& name, const std::string& value);
  template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  void attribute(const std::string& object, const std::string& name, T value) {
    H5Handle target(h5_checked(H5Oopen(file_, object.c_str(), H5P_DEFAULT), "opening " + object), H5Oclose);
    h5_write_scalar_attribute(target.get(), name, value);
  }

  void commit();  // flush, close and rename to the final path

 private:
  std::string path_;
  std::string partial_path_;
  hid_t file_ = -1;
};

}  // namespace leosem
