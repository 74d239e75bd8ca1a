#include "io/hdf5_verify.hpp"

#include <algorithm>

#include "io/hdf5_util.hpp"

namespace leosem {
namespace {

bool holds_variable_length(hid_t type) {
  return H5Tis_variable_str(type) > 0 || H5Tdetect_class(type, H5T_VLEN) > 0;
}

void read_attributes(hid_t object, const std::string& name, Hdf5VerifyReport& report) {
  H5O_info_t info{};
  h5_check(H5Oget_info2(object, &info, H5O_INFO_NUM_ATTRS), "reading the header of " + name);
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    H5Handle attr(h5_checked(H5Aopen_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
                             "opening an attribute of " + name),
                  H5Aclose);
    H5Handle file_type(h5_checked(H5Aget_type(attr.get()), "attribute type in " + name), H5Tclose);
    H5Handle type(h5_checked(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), "attribute type in " + name),
                  H5Tclose);
    H5Handle space(h5_checked(H5Aget_space(attr.get()), "attribute space in " + name), H5Sclose);
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    const size_t size = H5Tget_size(type.get());
    if (count < 0 || size == 0) throw Hdf5Error("HDF5: an attribute of " + name + " has an unexpected type");
    std::vector<unsigned char> buffer(static_cast<size_t>(count) * size + 1);
    h5_check(H5Aread(attr.get(), type.get(), buffer.data()), "reading an attribute of " + name);
    // Variable-length values (text, dimension lists) live in HDF5's global heap, read above
    // (without a checksum of their own) and freed here.
    if (holds_variable_length(type.get())) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
    ++report.attributes;
  }
}

bool has_fletcher32(hid_t set) {
  H5Handle plist(h5_checked(H5Dget_create_plist(set), "dataset creation list"), H5Pclose);
  unsigned flags = 0;
  size_t values = 0;
  char filter_name[64];
  return H5Pget_filter_by_id2(plist.get(), H5Z_FILTER_FLETCHER32, &flags, &values, nullptr, sizeof filter_name,
                              filter_name, nullptr) >= 0;
}

void read_dataset(hid_t file, const std::string& name, Hdf5VerifyReport& report) {
  H5Handle set(h5_checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "opening dataset " + name), H5Dclose);
  H5Handle file_type(h5_checked(H5Dget_type(set.get()), "type of " + name), H5Tclose);
  H5Handle type(h5_checked(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), "type of " + name), H5Tclose);
  const bool variable = holds_variable_length(type.get());
  H5Handle space(h5_checked(H5Dget_space(set.get()), "dataspace of " + name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Hdf5Error("HDF5: dataspace of " + name + " is unreadable");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  hsize_t elements = 1;
  for (hsize_t d : dims) elements *= d;
  ++report.datasets;
  if (elements == 0) return;
  // Variable-length data (text) cannot take HDF5 filters: read back, but not checksummed.
  if (!variable && !has_fletcher32(set.get())) report.unchecksummed.push_back(name);

  // Read in blocks of whole chunks (or of rows, for contiguous data) to bound memory.
  std::vector<hsize_t> block(dims.size(), 1);
  H5Handle plist(h5_checked(H5Dget_create_plist(set.get()), "dataset creation list"), H5Pclose);
  if (rank > 0 && H5Pget_layout(plist.get()) == H5D_CHUNKED) {
    H5Pget_chunk(plist.get(), rank, block.data());
  } else if (rank > 0) {
    block = dims;
    block[0] = 1;
  }
  const size_t element_size = H5Tget_size(type.get());
  hsize_t block_elements = 1;
  for (hsize_t b : block) block_elements *= b;
  std::vector<unsigned char> buffer(static_cast<size_t>(block_elements) * element_size);
  if (rank == 0) {
    h5_check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "reading " + name);
    if (variable) {
      H5Handle scalar(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
      H5Dvlen_reclaim(type.get(), scalar.get(), H5P_DEFAULT, buffer.data());
    }
    report.data_bytes += element_size;
    return;
  }
  std::vector<hsize_t> start(dims.size(), 0), count(dims.size());
  while (true) {
    for (size_t d = 0; d < dims.size(); ++d) count[d] = std::min(block[d], dims[d] - start[d]);
    H5Handle file_space(h5_checked(H5Dget_space(set.get()), "dataspace of " + name), H5Sclose);
    h5_check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
             "selecting part of " + name);
    H5Handle memory(h5_checked(H5Screate_simple(rank, count.data(), nullptr), "memory space"), H5Sclose);
    if (H5Dread(set.get(), type.get(), memory.get(), file_space.get(), H5P_DEFAULT, buffer.data()) < 0)
      throw Hdf5Error(h5_failure("reading " + name + " (a checksum mismatch means the data are corrupt)"));
    if (variable) H5Dvlen_reclaim(type.get(), memory.get(), H5P_DEFAULT, buffer.data());
    hsize_t read = 1;
    for (hsize_t c : count) read *= c;
    report.data_bytes += read * element_size;
    size_t d = dims.size();  // odometer over the block grid, last dimension fastest
    while (d-- > 0) {
      start[d] += block[d];
      if (start[d] < dims[d]) break;
      start[d] = 0;
    }
    if (d == static_cast<size_t>(-1)) break;
  }
}

struct VisitState {
  hid_t file;
  Hdf5VerifyReport* report;
  std::vector<std::string> datasets;
  std::vector<std::string> objects;
};

}  // namespace

Hdf5VerifyReport verify_hdf5_contents(hid_t file) {
  Hdf5VerifyReport report;
  VisitState state{file, &report, {}, {}};
  const herr_t visited = H5Ovisit2(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        auto* s = static_cast<VisitState*>(data);
        const std::string path = std::string(name) == "." ? "/" : "/" + std::string(name);
        s->objects.push_back(path);
        if (info->type == H5O_TYPE_DATASET) s->datasets.push_back(path);
        return 0;
      },
      &state, H5O_INFO_BASIC);
  if (visited < 0) throw Hdf5Error(h5_failure("walking the objects of the file (its metadata is corrupt)"));
  for (const std::string& path : state.objects) {
    H5Handle object(h5_checked(H5Oopen(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Oclose);
    read_attributes(object.get(), path, report);
    ++report.objects;
  }
  for (const std::string& path : state.datasets) read_dataset(file, path, report);
  return report;
}

Hdf5VerifyReport verify_hdf5_file(const std::string& path) {
  h5_quiet();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw Hdf5Error("'" + path + "' is not a readable HDF5 file (" + h5_error_detail() + ")");
  H5Handle file(id, H5Fclose);
  try {
    return verify_hdf5_contents(id);
  } catch (const Hdf5Error& e) {
    throw Hdf5Error("'" + path + "': " + e.what());
  }
}

}  // namespace leosem
