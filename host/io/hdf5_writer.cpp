#include "io/hdf5_writer.hpp"

#include <cstdio>

#include "core/file_safety.hpp"
#include "io/hdf5_verify.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {

Hdf5Writer::Hdf5Writer(std::string path) : path_(std::move(path)), partial_path_(temporary_path_for(path_)) {
  h5_quiet();
  file_ = h5_create_file(partial_path_);
}

Hdf5Writer::~Hdf5Writer() {
  if (file_ >= 0) {
    H5Fclose(file_);
    std::remove(partial_path_.c_str());
  }
}

void Hdf5Writer::create_group(const std::string& path) {
  H5Handle group(h5_checked(H5Gcreate2(file_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                            "creating group " + path),
                 H5Gclose);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::string& value) {
  H5Handle target(h5_checked(H5Oopen(file_, object.c_str(), H5P_DEFAULT), "opening " + object), H5Oclose);
  h5_write_string_attribute(target.get(), name, value);
}

void Hdf5Writer::commit() {
  write_variable_length_sha256(file_);  // these files hold fixed-length text today: the digest of nothing
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  const hid_t file = file_;
  file_ = -1;  // closed below whatever happens: the destructor must not close it again
  if (H5Fclose(file) < 0) {
    const std::string failure = h5_failure("closing " + quoted_input(partial_path_));
    std::remove(partial_path_.c_str());
    throw Hdf5Error(failure);
  }
  try {
    durable_rename(partial_path_, path_);
  } catch (...) {
    std::remove(partial_path_.c_str());
    throw;
  }
}

}  // namespace leosem
