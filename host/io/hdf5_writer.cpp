#include "io/hdf5_writer.hpp"

#include <cstdio>

namespace leosem {
namespace {

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Hdf5Error("HDF5: " + what + " failed");
}

hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw Hdf5Error("HDF5: " + what + " failed");
  return id;
}

// Closes an HDF5 handle with the right function at scope exit.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

}  // namespace

Hdf5Writer::Hdf5Writer(std::string path) : path_(std::move(path)), partial_path_(path_ + ".partial") {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr dumps
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
  Handle group{checked(H5Gcreate2(file_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "creating group " + path),
               H5Gclose};
}

void Hdf5Writer::write_raw(const std::string& path, hid_t type, const void* data,
                           const std::vector<hsize_t>& dims, size_t count) {
  hsize_t expected = 1;
  for (hsize_t d : dims) expected *= d;
  if (expected != count) throw Hdf5Error("HDF5: dataset " + path + " has the wrong number of elements");
  Handle space{checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"), H5Sclose};
  Handle set{checked(H5Dcreate2(file_, path.c_str(), type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     "creating dataset " + path),
             H5Dclose};
  if (count > 0) check(H5Dwrite(set.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + path);
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
  Handle type{checked(H5Tcopy(H5T_C_S1), "string type"), H5Tclose};
  check(H5Tset_size(type.id, value.empty() ? 1 : value.size()), "string size");
  check(H5Tset_cset(type.id, H5T_CSET_UTF8), "string charset");
  Handle space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  Handle attr{checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), type.id, space.id, H5P_DEFAULT,
                                        H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose};
  const std::string stored = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(attr.id, type.id, stored.data()), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, double value) {
  Handle space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  Handle attr{checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), H5T_NATIVE_DOUBLE, space.id,
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose};
  check(H5Awrite(attr.id, H5T_NATIVE_DOUBLE, &value), "writing attribute " + name);
}

void Hdf5Writer::attribute(const std::string& object, const std::string& name, int64_t value) {
  Handle space{checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose};
  Handle attr{checked(H5Acreate_by_name(file_, object.c_str(), name.c_str(), H5T_NATIVE_INT64, space.id,
                                        H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + object + "@" + name),
              H5Aclose};
  check(H5Awrite(attr.id, H5T_NATIVE_INT64, &value), "writing attribute " + name);
}

void Hdf5Writer::commit() {
  check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  check(H5Fclose(file_), "close");
  file_ = -1;
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    std::remove(partial_path_.c_str());
    throw Hdf5Error("cannot rename '" + partial_path_ + "' to '" + path_ + "'");
  }
}

}  // namespace leosem
