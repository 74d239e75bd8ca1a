#include "io/hdf5_writer.hpp"

#include <cstdio>

namespace leosem {

Hdf5Writer::Hdf5Writer(std::string path) : path_(std::move(path)), partial_path_(path_ + ".partial") {
  h5_quiet();
  file_ = H5Fcreate(partial_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) throw Hdf5Error("cannot create HDF5 file '" + partial_path_ + "'");
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
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  h5_check(H5Fclose(file_), "close");
  file_ = -1;
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    std::remove(partial_path_.c_str());
    throw Hdf5Error("cannot rename '" + partial_path_ + "' to '" + path_ + "'");
  }
}

}  // namespace leosem
