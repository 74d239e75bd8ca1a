// Helpers over the HDF5 C API shared by the writers and readers: handles closed at scope exit,
// status checks that throw (with the system's reason, e.g. a full disk), whole-dataset /
// attribute reads, and dataset creation with Fletcher-32 checksums on every chunked dataset.
#pragma once
#include <hdf5.h>
#include <hdf5_hl.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {

struct Hdf5Error : IoError {
  using IoError::IoError;
};

// The reason HDF5 recorded for its last failure: the operating system's message when there is
// one ("No space left on device"), else the innermost error description; "" when none.
inline std::string h5_error_detail() {
  struct Found {
    std::string system, innermost;
  } found;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
        auto* f = static_cast<Found*>(data);
        const std::string desc = error->desc ? error->desc : "";
        if (n == 0) f->innermost = desc;
        const std::string marker = "error message = '";
        const size_t at = desc.find(marker);
        if (at != std::string::npos && f->system.empty()) {
          const size_t start = at + marker.size(), end = desc.find('\'', start);
          f->system = desc.substr(start, end == std::string::npos ? std::string::npos : end - start);
        }
        return 0;
      },
      &found);
  return !found.system.empty() ? found.system : found.innermost;
}

inline std::string h5_failure(const std::string& what) {
  const std::string detail = h5_error_detail();
  return "HDF5: " + what + " failed" + (detail.empty() ? "" : " (" + detail + ")");
}

inline void h5_check(herr_t status, const std::string& what) {
  if (status < 0) throw Hdf5Error(h5_failure(what));
}

inline hid_t h5_checked(hid_t id, const std::string& what) {
  if (id < 0) throw Hdf5Error(h5_failure(what));
  return id;
}

// An HDF5 handle closed with the right function at scope exit.
class H5Handle {
 public:
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Handle() {
    if (id_ >= 0) close_(id_);
  }
  H5Handle(H5Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  hid_t get() const { return id_; }
  // Closes now and checks it: closing a dataset writes its cached chunks, and a failure there
  // (a full disk) must not be lost in a destructor.
  void close_checked(const std::string& what) {
    const hid_t id = id_;
    id_ = -1;
    if (id >= 0 && close_(id) < 0) throw Hdf5Error(h5_failure(what));
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Silences HDF5's own error printing: failures surface as Hdf5Error messages instead.
inline void h5_quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// Creates a new HDF5 file at `path`, which must not exist, in the format of HDF5 1.8 and later,
// whose metadata (superblock, object headers, attribute heaps) carries checksums. The name is
// claimed first (O_EXCL), so that a creation that fails (a full disk) removes what it made and
// never another run's file. Throws Hdf5Error "cannot create 'PATH' (REASON)".
inline hid_t h5_create_file(const std::string& path) {
  const int claimed = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (claimed < 0) throw Hdf5Error("cannot create " + quoted_input(path) + " (" + std::strerror(errno) + ")");
  ::close(claimed);
  const hid_t access = H5Pcreate(H5P_FILE_ACCESS);
  hid_t id = -1;
  if (access >= 0 && H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_LATEST) >= 0)
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access);
  const std::string reason = id < 0 ? h5_error_detail() : "";  // before H5Pclose clears HDF5's error stack
  if (access >= 0) H5Pclose(access);
  if (id < 0) {
    std::remove(path.c_str());
    throw Hdf5Error("cannot create " + quoted_input(path) + " (" + reason + ")");
  }
  return id;
}

// A dataset-creation property list for `dims`: chunked (about 4096 elements a chunk, so a
// partial write rewrites little) with the Fletcher-32 checksum filter, which every read checks.
// A dataset with no elements cannot be chunked and stays contiguous (it has no data to protect).
inline H5Handle h5_checksummed_creation(const std::vector<hsize_t>& dims) {
  H5Handle plist(h5_checked(H5Pcreate(H5P_DATASET_CREATE), "dataset creation list"), H5Pclose);
  const bool empty = dims.empty() || std::any_of(dims.begin(), dims.end(), [](hsize_t d) { return d == 0; });
  if (empty) return plist;
  std::vector<hsize_t> chunk(dims.size());
  hsize_t budget = 4096;
  for (size_t d = dims.size(); d-- > 0;) {
    chunk[d] = std::min(dims[d], std::max<hsize_t>(budget, 1));
    budget /= chunk[d];
  }
  h5_check(H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()), "chunk shape");
  h5_check(H5Pset_fletcher32(plist.get()), "Fletcher-32 checksum filter");
  return plist;
}

// A UTF-8 string type of `size` bytes, or variable-length (H5T_VARIABLE).
inline H5Handle h5_utf8_type(size_t size) {
  H5Handle type(h5_checked(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  h5_check(H5Tset_size(type.get(), size), "string size");
  h5_check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string charset");
  return type;
}

// Creates attribute `name` of `type` and `space` on an open object, replacing one of that name.
inline H5Handle h5_replace_attribute(hid_t object, const std::string& name, hid_t type, hid_t space) {
  if (H5Aexists(object, name.c_str()) > 0) h5_check(H5Adelete(object, name.c_str()), "deleting attribute " + name);
  return H5Handle(h5_checked(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                             "creating attribute " + name),
                  H5Aclose);
}

// Writes (or overwrites) a fixed-length UTF-8 string attribute on an open object.
inline void h5_write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  H5Handle type = h5_utf8_type(value.empty() ? 1 : value.size());
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr = h5_replace_attribute(object, name, type.get(), space.get());
  const std::string stored = value.empty() ? std::string(1, '\0') : value;
  h5_check(H5Awrite(attr.get(), type.get(), stored.data()), "writing attribute " + name);
}

template <typename T>
hid_t h5_native_type();

// Writes (or overwrites) a scalar numeric attribute on an open object.
template <typename T>
void h5_write_scalar_attribute(hid_t object, const std::string& name, T value) {
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr = h5_replace_attribute(object, name, h5_native_type<T>(), space.get());
  h5_check(H5Awrite(attr.get(), h5_native_type<T>(), &value), "writing attribute " + name);
}

template <> inline hid_t h5_native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t h5_native_type<int32_t>() { return H5T_NATIVE_INT32; }
template <> inline hid_t h5_native_type<int8_t>() { return H5T_NATIVE_INT8; }
template <> inline hid_t h5_native_type<uint8_t>() { return H5T_NATIVE_UINT8; }
template <> inline hid_t h5_native_type<uint32_t>() { return H5T_NATIVE_UINT32; }
template <> inline hid_t h5_native_type<int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t h5_native_type<uint64_t>() { return H5T_NATIVE_UINT64; }

template <typename T>
std::vector<T> h5_read_all(hid_t file, const std::string& path) {
  H5Handle set(h5_checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
  H5Handle space(h5_checked(H5Dget_space(set.get()), "dataspace of " + path), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  std::vector<T> data(count > 0 ? static_cast<size_t>(count) : 0);
  if (!data.empty())
    h5_check(H5Dread(set.get(), h5_native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "reading " + path);
  return data;
}

// Creates a dataset of the given shape in an open file (or group) and writes all of it.
template <typename T>
void h5_write_dataset(hid_t where, const std::string& path, const std::vector<T>& data,
                      const std::vector<hsize_t>& dims) {
  hsize_t expected = 1;
  for (hsize_t d : dims) expected *= d;
  if (expected != data.size()) throw Hdf5Error("HDF5: dataset " + path + " has the wrong number of elements");
  H5Handle space(h5_checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"),
                 H5Sclose);
  H5Handle creation = h5_checksummed_creation(dims);
  H5Handle set(h5_checked(H5Dcreate2(where, path.c_str(), h5_native_type<T>(), space.get(), H5P_DEFAULT,
                                     creation.get(), H5P_DEFAULT),
                          "creating dataset " + path),
               H5Dclose);
  if (!data.empty())
    h5_check(H5Dwrite(set.get(), h5_native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "writing " + path);
  set.close_checked("writing " + path);
}

template <typename T>
T h5_read_scalar_attribute(hid_t file, const std::string& object, const std::string& name) {
  H5Handle attr(h5_checked(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                           "opening attribute " + object + "@" + name),
                H5Aclose);
  T value{};
  h5_check(H5Aread(attr.get(), h5_native_type<T>(), &value), "reading attribute " + name);
  return value;
}

// ---- variable-length UTF-8 text, N-D hyperslabs, dimension scales (self-describing files) ----

// Writes (or overwrites) a scalar variable-length UTF-8 string attribute.
inline void h5_write_text_attribute(hid_t object, const std::string& name, const std::string& value) {
  H5Handle type = h5_utf8_type(H5T_VARIABLE);
  H5Handle space(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  H5Handle attr = h5_replace_attribute(object, name, type.get(), space.get());
  const char* text = value.c_str();
  h5_check(H5Awrite(attr.get(), type.get(), &text), "writing attribute " + name);
}

// Writes (or overwrites) a 1-D attribute of variable-length UTF-8 strings (a list).
inline void h5_write_text_list_attribute(hid_t object, const std::string& name, const std::vector<std::string>& values) {
  H5Handle type = h5_utf8_type(H5T_VARIABLE);
  const hsize_t count = values.size();
  H5Handle space(h5_checked(H5Screate_simple(1, &count, nullptr), "list space"),  // size 0 for an empty list
                 H5Sclose);
  H5Handle attr = h5_replace_attribute(object, name, type.get(), space.get());
  std::vector<const char*> pointers;
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (count) h5_check(H5Awrite(attr.get(), type.get(), pointers.data()), "writing attribute " + name);
}

// Reads a text attribute written by h5_write_text_attribute (or a fixed-length string).
inline std::vector<std::string> h5_read_text_list_attribute(hid_t file, const std::string& object,
                                                            const std::string& name) {
  H5Handle attr(h5_checked(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                           "opening attribute " + object + "@" + name),
                H5Aclose);
  H5Handle type(h5_checked(H5Aget_type(attr.get()), "attribute type"), H5Tclose);
  H5Handle space(h5_checked(H5Aget_space(attr.get()), "attribute space"), H5Sclose);
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw Hdf5Error("HDF5: attribute " + object + "@" + name + " is not text");
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::string> values;
  if (count <= 0) return values;
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Handle memory = h5_utf8_type(H5T_VARIABLE);
    h5_check(H5Tset_cset(memory.get(), H5Tget_cset(type.get())), "string charset");  // as stored (ASCII or UTF-8)
    std::vector<char*> pointers(static_cast<size_t>(count), nullptr);
    h5_check(H5Aread(attr.get(), memory.get(), pointers.data()), "reading attribute " + name);
    for (char* p : pointers) values.emplace_back(p ? p : "");
    h5_check(H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data()), "freeing attribute " + name);
  } else {
    const size_t size = H5Tget_size(type.get());
    std::string buffer(size * static_cast<size_t>(count), '\0');
    h5_check(H5Aread(attr.get(), type.get(), buffer.data()), "reading attribute " + name);
    for (hssize_t i = 0; i < count; ++i) {
      std::string v = buffer.substr(static_cast<size_t>(i) * size, size);
      while (!v.empty() && v.back() == '\0') v.pop_back();
      values.push_back(v);
    }
  }
  return values;
}

inline std::string h5_read_text_attribute(hid_t file, const std::string& object, const std::string& name) {
  const std::vector<std::string> values = h5_read_text_list_attribute(file, object, name);
  if (values.size() != 1) throw Hdf5Error("HDF5: attribute " + object + "@" + name + " is not a single text");
  return values[0];
}

// Creates a 1-D dataset of fixed-length UTF-8 strings (NUL-padded to the longest) and writes it,
// chunked with Fletcher-32 like every dataset: variable-length strings would keep the values in the
// global heap behind pointers stored in raw data no checksum covers (HDF5 allows no filter on
// them), and HDF5 1.10 follows a damaged pointer into a crash.
inline void h5_write_text_dataset(hid_t where, const std::string& path, const std::vector<std::string>& values) {
  size_t width = 1;
  for (const std::string& v : values) width = std::max(width, v.size());
  H5Handle type = h5_utf8_type(width);
  h5_check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "string padding");
  const hsize_t count = values.size();
  H5Handle space(h5_checked(H5Screate_simple(1, &count, nullptr), "dataspace"), H5Sclose);
  H5Handle creation = h5_checksummed_creation({count});
  H5Handle set(h5_checked(H5Dcreate2(where, path.c_str(), type.get(), space.get(), H5P_DEFAULT, creation.get(),
                                     H5P_DEFAULT),
                          "creating dataset " + path),
               H5Dclose);
  std::string buffer(width * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i) buffer.replace(i * width, values[i].size(), values[i]);
  if (count) h5_check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "writing " + path);
  set.close_checked("writing " + path);
}

// Writes/reads the hyperslab [start, start + count) of an N-D dataset.
template <typename T>
void h5_write_slab(hid_t file, const std::string& path, const std::vector<hsize_t>& start,
                   const std::vector<hsize_t>& count, const T* data) {
  H5Handle set(h5_checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
  H5Handle space(h5_checked(H5Dget_space(set.get()), "dataspace"), H5Sclose);
  h5_check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
           "selecting " + path);
  H5Handle memory(h5_checked(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "memory space"),
                  H5Sclose);
  h5_check(H5Dwrite(set.get(), h5_native_type<T>(), memory.get(), space.get(), H5P_DEFAULT, data), "writing " + path);
  set.close_checked("writing " + path);
}

// One block of a dataset, as h5_for_each_chunk visits it: where it is, and the file and memory
// dataspaces that select it for H5Dread / H5Dwrite.
struct H5Block {
  const std::vector<hsize_t>& start;
  const std::vector<hsize_t>& count;
  hsize_t elements;
  hid_t file_space, memory_space;
};

// Calls visit(const H5Block&) for each block of an open dataset of rank >= 1, last dimension
// fastest: each chunk of a chunked dataset (its part inside the extent), each row of another.
// A block is what HDF5 reads, checks (Fletcher-32) and writes as a unit.
template <typename Visit>
void h5_for_each_chunk(hid_t set, const std::string& name, const Visit& visit) {
  H5Handle space(h5_checked(H5Dget_space(set), "dataspace of " + name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1) throw Hdf5Error("HDF5: " + name + " is not an array");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  for (hsize_t d : dims)
    if (d == 0) return;
  std::vector<hsize_t> block = dims;
  block[0] = 1;
  H5Handle plist(h5_checked(H5Dget_create_plist(set), "dataset creation list of " + name), H5Pclose);
  if (H5Pget_layout(plist.get()) == H5D_CHUNKED) h5_check(H5Pget_chunk(plist.get(), rank, block.data()), "chunk shape of " + name);
  std::vector<hsize_t> start(dims.size(), 0), count(dims.size());
  while (true) {
    hsize_t elements = 1;
    for (size_t d = 0; d < dims.size(); ++d) {
      count[d] = std::min(block[d], dims[d] - start[d]);
      elements *= count[d];
    }
    h5_check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
             "selecting part of " + name);
    H5Handle memory(h5_checked(H5Screate_simple(rank, count.data(), nullptr), "memory space"), H5Sclose);
    visit(H5Block{start, count, elements, space.get(), memory.get()});
    size_t d = dims.size();  // odometer over the block grid
    while (d-- > 0) {
      start[d] += block[d];
      if (start[d] < dims[d]) break;
      start[d] = 0;
    }
    if (d == static_cast<size_t>(-1)) return;
  }
}

template <typename T>
std::vector<T> h5_read_slab(hid_t file, const std::string& path, const std::vector<hsize_t>& start,
                            const std::vector<hsize_t>& count) {
  H5Handle set(h5_checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
  H5Handle space(h5_checked(H5Dget_space(set.get()), "dataspace"), H5Sclose);
  if (static_cast<size_t>(H5Sget_simple_extent_ndims(space.get())) != count.size())
    throw Hdf5Error("HDF5: " + path + " does not have " + std::to_string(count.size()) + " dimensions");
  h5_check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
           "selecting " + path);
  H5Handle memory(h5_checked(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "memory space"),
                  H5Sclose);
  size_t total = 1;
  for (hsize_t c : count) total *= c;
  std::vector<T> data(total);
  if (total)
    h5_check(H5Dread(set.get(), h5_native_type<T>(), memory.get(), space.get(), H5P_DEFAULT, data.data()),
             "reading " + path);
  return data;
}

// A text attribute on the object at `path` (a dataset or group) of an open file.
inline void h5_set_text_attribute(hid_t file, const std::string& path, const std::string& name,
                                  const std::string& value) {
  H5Handle object(h5_checked(H5Oopen(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Oclose);
  h5_write_text_attribute(object.get(), name, value);
}

// A 1-D numeric attribute on the object at `path`.
template <typename T>
void h5_set_array_attribute(hid_t file, const std::string& path, const std::string& name, const std::vector<T>& values) {
  H5Handle object(h5_checked(H5Oopen(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Oclose);
  const hsize_t count = values.size();
  H5Handle space(h5_checked(H5Screate_simple(1, &count, nullptr), "attribute space"), H5Sclose);
  H5Handle attr = h5_replace_attribute(object.get(), name, h5_native_type<T>(), space.get());
  h5_check(H5Awrite(attr.get(), h5_native_type<T>(), values.data()), "writing attribute " + name);
}

// Makes the 1-D dataset at `scale` an HDF5 dimension scale called `name` (xarray and netCDF
// tools read it as the coordinate of that dimension).
inline void h5_make_dimension_scale(hid_t file, const std::string& scale, const std::string& name) {
  H5Handle set(h5_checked(H5Dopen2(file, scale.c_str(), H5P_DEFAULT), "opening " + scale), H5Dclose);
  h5_check(H5DSset_scale(set.get(), name.c_str()), "making " + scale + " a dimension scale");
}

// Attaches the dimension scale at `scale` to dimension `index` of the dataset at `dataset`.
inline void h5_attach_dimension_scale(hid_t file, const std::string& dataset, const std::string& scale,
                                      unsigned index) {
  H5Handle set(h5_checked(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), "opening " + dataset), H5Dclose);
  H5Handle dimension(h5_checked(H5Dopen2(file, scale.c_str(), H5P_DEFAULT), "opening " + scale), H5Dclose);
  h5_check(H5DSattach_scale(set.get(), dimension.get(), index), "attaching " + scale + " to " + dataset);
}

}  // namespace leosem
