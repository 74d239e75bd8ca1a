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

void Hdf5Writer::write_raw(const std::string& path, hid_t type, const void* data,
                           const std::vector<hsize_t>& dims, size_t count) {
  hsize_t expected = 1;
  for (hsize_t d : dims) expected *= d;
  if (expected != count) throw Hdf5Error("HDF5: dataset " + path + " has the wrong number of elements");
  H5Handle space(h5_checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"), H5Sclose);
  H5Handle set(h5_checked(H5Dcreate2(file_, path.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     "creating dataset " + path),
             H5Dclose);
  if (count > 0) h5_check(H5Dwrite(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + path);
}

void Hdf5Writer::write(const std::string& path, const std::vector<double>& data, const std::vector<hsize_t>& dims) {
  write_raw(path, H5T_NATIVE_DOUBLE, data.data(), dims, data.size());
}
void Hdf5Writer::write(const std::string& path, const std::vector<int32_t>& data, const std::vector<hsize_t>& dims) {
  write_raw(path, H5T_NATIVE_INT32, data.data(), dims, data.size());
}
void Hdf5Writer::write(const std::string& path, const std::vector<uint8_t>& data, const std::vector<hsize_t>& dims) {
  write_raw(path, H5T_NATIVE_UINT8, data.data(), dims, data.size());
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, const std::string& value) {
  H5Handle type(h5_checked(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  h5_check(H5Tset_size(type.get(), value.empty() ? 1 : value.size()), "string size");
  h5_check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string charset");
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr(h5_checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose);
  const std::string stored = value.empty() ? std::string(1, '\0') : value;
  h5_check(H5Awrite(attr.get(), type.get(), stored.data()), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, double value) {
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr(h5_checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), H5T_NATIVE_DOUBLE, space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose);
  h5_check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, int64_t value) {
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr(h5_checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), H5T_NATIVE_INT64, space.get(),
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose);
  h5_check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "writing attribute " + name);
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
