#include "io/hdf5_verify.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "core/sha256.hpp"
#include "io/hdf5_util.hpp"

namespace leosem {
namespace {

// The bytes of the open file `file`, read by offset (for the structures HDF5 would trust).
class FileBytes {
 public:
  explicit FileBytes(hid_t file) {
    const ssize_t name_size = H5Fget_name(file, nullptr, 0);
    if (name_size <= 0) throw Hdf5Error(h5_failure("the file's name"));
    path_.assign(static_cast<size_t>(name_size), '\0');
    H5Fget_name(file, path_.data(), path_.size() + 1);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Hdf5Error("cannot read the file (" + std::string(std::strerror(errno)) + ")");
    size_ = static_cast<uint64_t>(std::max<off_t>(::lseek(fd_, 0, SEEK_END), 0));
  }
  ~FileBytes() { ::close(fd_); }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  uint64_t size() const { return size_; }
  void read(uint64_t offset, size_t size, std::string& out) const {
    out.resize(size);
    size_t got = 0;
    while (got < size) {
      const ssize_t n = ::pread(fd_, out.data() + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw Hdf5Error("cannot read the file at byte " + std::to_string(offset + got));
      got += static_cast<size_t>(n);
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

uint64_t little_endian(const std::string& bytes, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;) v = v << 8 | static_cast<uint8_t>(bytes[at + i]);
  return v;
}

// The global heap's objects: collection address -> (object index -> size in bytes).
using GlobalHeapObjects = std::map<uint64_t, std::map<uint16_t, uint64_t>>;

// HDF5 1.10 trusts a global heap object's header: it copies `size` bytes out of the collection
// into a buffer sized by the referring value's own length, and reads a missing index through a
// null pointer, so a damaged file must be refused before any text is read (verify_pass checks
// first). The collections are checked from the file's bytes (HDF5 file format,
// section III.E): in each (signature "GCOL", version 1, 4096 bytes or more), the objects (index,
// reference count, reserved, size, data padded to 8 bytes) must tile the collection exactly up to
// the free space (index 0, sized to the end), and their indices must be 1..n, each once (leosem
// never frees a heap object, so there are no gaps). Throws Hdf5Error naming the collection.
GlobalHeapObjects check_global_heap_structure(hid_t file) {
  const FileBytes bytes(file);
  const uint64_t file_size = bytes.size();
  GlobalHeapObjects found;
  const auto check_collection = [&](uint64_t at, const std::string& header) {
    const uint64_t size = little_endian(header, 8, 8);
    // Not a collection: another signature's bytes (one flipped in a real collection's signature,
    // version or reserved bytes is refused by HDF5 itself when it loads the collection).
    if (header[4] != 1 || header[5] || header[6] || header[7]) return;
    const std::string where = "the global heap collection at byte " + std::to_string(at);
    if (size < 4096 || size > file_size - at)
      throw Hdf5Error(where + " has an impossible size (" + std::to_string(size) + " bytes)");
    std::string collection;
    bytes.read(at, static_cast<size_t>(size), collection);
    std::map<uint16_t, uint64_t>& objects = found[at];
    size_t p = 16;
    while (size - p >= 16) {
      const uint16_t index = static_cast<uint16_t>(little_endian(collection, p, 2));
      const uint64_t object_size = little_endian(collection, p + 8, 8);
      if (index == 0) {  // the free space, to the end
        if (object_size != size - p)
          throw Hdf5Error(where + " is malformed: its free space does not reach its end (a heap object's size "
                          "or index has changed)");
        p = size;
        break;
      }
      if (object_size > size - p - 16 || !objects.emplace(index, object_size).second)
        throw Hdf5Error(where + " is malformed: heap object " + std::to_string(index) + " at byte " +
                        std::to_string(at + p) + " has an impossible size or a repeated index");
      p += 16 + (object_size + 7) / 8 * 8;
    }
    if (p > size) throw Hdf5Error(where + " is malformed: its last heap object passes its end");
    if (!objects.empty() && objects.rbegin()->first != objects.size())
      throw Hdf5Error(where + " is malformed: a heap object index is missing");
  };
  // Find the collections by signature, in blocks that overlap by a header's length.
  const size_t kBlock = size_t{1} << 20, kHeader = 16;
  std::string block, header;
  for (uint64_t offset = 0; offset < file_size; offset += kBlock) {
    const uint64_t want = std::min<uint64_t>(kBlock + kHeader, file_size - offset);
    bytes.read(offset, static_cast<size_t>(want), block);
    for (size_t at = block.find("GCOL"); at != std::string::npos && at < kBlock; at = block.find("GCOL", at + 1)) {
      if (offset + at + kHeader > file_size) continue;
      header = block.substr(at, kHeader);
      check_collection(offset + at, header);
    }
  }
  return found;
}

// Older files (before /algorithm was a fixed-length, checksummed dataset) keep variable-length
// text in a contiguous dataset: its raw data are global-heap pointers that no checksum covers,
// and HDF5 1.10 follows a damaged one out of bounds (a SIGSEGV). Each pointer (HDF5 file format,
// section III.E: 4-byte length, 8-byte collection address, 4-byte index) is checked against the
// collections found, before HDF5 reads one: it must name an object there of exactly its length.
void check_heap_pointers(hid_t set, const std::string& name, hid_t file_type, hsize_t elements,
                         const GlobalHeapObjects& heap, const FileBytes& bytes) {
  H5Handle plist(h5_checked(H5Dget_create_plist(set), "dataset creation list of " + name), H5Pclose);
  const H5D_layout_t layout = H5Pget_layout(plist.get());
  if (layout == H5D_COMPACT) return;  // the pointers are in the object header, which has a checksum
  if (layout != H5D_CONTIGUOUS || H5Tget_class(file_type) != H5T_STRING)
    throw Hdf5Error("dataset " + name + " holds variable-length values in a layout leosem does not write; it "
                    "cannot be verified");
  const haddr_t offset = H5Dget_offset(set);
  const hsize_t stored = H5Dget_storage_size(set);
  constexpr size_t kPointer = 16;
  if (offset == HADDR_UNDEF || stored != elements * kPointer || offset > bytes.size() ||
      bytes.size() - offset < stored)
    throw Hdf5Error("dataset " + name + " is damaged: its variable-length data are not where its header says");
  std::string raw;
  bytes.read(offset, static_cast<size_t>(stored), raw);
  for (hsize_t i = 0; i < elements; ++i) {
    const size_t at = static_cast<size_t>(i) * kPointer;
    const uint64_t length = little_endian(raw, at, 4), collection = little_endian(raw, at + 4, 8);
    const uint64_t index = little_endian(raw, at + 12, 4);
    if (collection == 0 && length == 0) continue;  // a null string: nothing is read
    const auto c = heap.find(collection);
    const auto object = c == heap.end() || index > UINT16_MAX ? std::map<uint16_t, uint64_t>::const_iterator{}
                                                              : c->second.find(static_cast<uint16_t>(index));
    if (c == heap.end() || index > UINT16_MAX || object == c->second.end() || object->second != length)
      throw Hdf5Error("dataset " + name + " is damaged: value " + std::to_string(i) +
                      " points to no global heap object of its length (a pointer stored without a checksum "
                      "has changed)");
  }
}


// Whether values of `type` (a memory type) hold variable-length data anywhere in them.
bool holds_variable_length(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_STRING:
      return H5Tis_variable_str(type) > 0;
    case H5T_VLEN:
      return true;
    case H5T_ARRAY: {
      H5Handle base(h5_checked(H5Tget_super(type), "array base type"), H5Tclose);
      return holds_variable_length(base.get());
    }
    case H5T_COMPOUND:
      for (int m = 0; m < H5Tget_nmembers(type); ++m) {
        H5Handle member(h5_checked(H5Tget_member_type(type, static_cast<unsigned>(m)), "compound member type"),
                        H5Tclose);
        if (holds_variable_length(member.get())) return true;
      }
      return false;
    default:
      return false;
  }
}

// What a pass over the file reads: everything (verification) or the variable-length values only
// (the digest of a file being written, which need not read its datasets back).
enum class Pass { everything, variable_length_only };

// The canonical serialization of the variable-length values met, hashed at the end.
class VariableLengthRecords {
 public:
  // One record: `count` values of memory type `type` in `buffer` (as H5Aread / H5Dread left them),
  // of attribute `name` of object `path` (kind 'A') or of dataset `path` (kind 'D', name "").
  void add(char kind, const std::string& path, const std::string& name, hid_t type, size_t count,
           const unsigned char* buffer) {
    bytes_.push_back(kind);
    append_bytes(path.data(), path.size());
    append_bytes(name.data(), name.size());
    append_u64(count);
    const std::string where = kind == 'A' ? "attribute " + path + "@" + name : "dataset " + path;
    if (H5Tis_variable_str(type) > 0) {
      for (size_t i = 0; i < count; ++i) {
        const char* text = reinterpret_cast<const char* const*>(buffer)[i];
        if (text) append_bytes(text, std::strlen(text));
        else append_u64(UINT64_MAX);  // a null string, unlike ""
      }
      return;
    }
    if (H5Tget_class(type) == H5T_VLEN) {
      H5Handle base(h5_checked(H5Tget_super(type), "base type of " + where), H5Tclose);
      if (!holds_variable_length(base.get())) {
        const size_t element_size = H5Tget_size(base.get());
        for (size_t i = 0; i < count; ++i) {
          const hvl_t& sequence = reinterpret_cast<const hvl_t*>(buffer)[i];
          // Native byte order: a digest is checked on the architecture family that wrote it
          // (x86-64 and aarch64 are both little-endian).
          append_bytes(sequence.p, sequence.len * element_size);
        }
        return;
      }
    }
    throw Hdf5Error("HDF5: " + where + " holds variable-length data nested in another type, which leosem does not "
                    "write and cannot cover by its digest");
  }

  std::string sha256() const { return sha256_hex(bytes_); }

 private:
  void append_u64(uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) bytes_.push_back(static_cast<char>(value >> (8 * byte)));
  }
  void append_bytes(const void* data, size_t size) {
    append_u64(size);
    if (size) bytes_.append(static_cast<const char*>(data), size);
  }

  std::string bytes_;
};

// Variable-length values just read into `buffer` (selection `memory`): into the digest as one
// record (see VariableLengthRecords::add), then freed.
void take_variable_length(char kind, const std::string& path, const std::string& name, hid_t type, hid_t memory,
                          size_t count, std::vector<unsigned char>& buffer, VariableLengthRecords& records) {
  try {
    records.add(kind, path, name, type, count, buffer.data());
  } catch (...) {
    H5Dvlen_reclaim(type, memory, H5P_DEFAULT, buffer.data());
    throw;
  }
  H5Dvlen_reclaim(type, memory, H5P_DEFAULT, buffer.data());
}

void read_attributes(hid_t object, const std::string& name, Pass pass, Hdf5VerifyReport& report,
                     VariableLengthRecords& records) {
  // Names in storage order, sorted here: HDF5 1.10's sorted iteration over dense storage builds a
  // table that its error path frees uninitialized (a damaged heap would crash, not be reported).
  std::vector<std::string> names;
  h5_check(H5Aiterate2(
               object, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
               [](hid_t, const char* attribute, const H5A_info_t*, void* data) -> herr_t {
                 static_cast<std::vector<std::string>*>(data)->push_back(attribute);
                 return 0;
               },
               &names),
           "listing the attributes of " + name);
  std::sort(names.begin(), names.end());
  for (const std::string& attribute_name : names) {
    H5Handle attr(h5_checked(H5Aopen(object, attribute_name.c_str(), H5P_DEFAULT), "opening attribute " + name + "@" + attribute_name),
                  H5Aclose);
    H5Handle file_type(h5_checked(H5Aget_type(attr.get()), "attribute type in " + name), H5Tclose);
    H5Handle type(h5_checked(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), "attribute type in " + name),
                  H5Tclose);
    const bool variable = holds_variable_length(type.get());
    if (pass == Pass::variable_length_only && !variable) continue;
    H5Handle space(h5_checked(H5Aget_space(attr.get()), "attribute space in " + name), H5Sclose);
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    const size_t size = H5Tget_size(type.get());
    if (count < 0 || size == 0) throw Hdf5Error("HDF5: an attribute of " + name + " has an unexpected type");
    std::vector<unsigned char> buffer(static_cast<size_t>(count) * size + 1);
    h5_check(H5Aread(attr.get(), type.get(), buffer.data()), "reading an attribute of " + name);
    // Variable-length values (text, dimension lists) live in HDF5's global heap, which has no
    // checksum: they go into the digest, then are freed.
    if (variable) {
      take_variable_length('A', name, attribute_name, type.get(), space.get(), static_cast<size_t>(count), buffer,
                           records);
      ++report.variable_length_values;
    }
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

// `heap`: the checked global heap (check_global_heap_structure) with the file's bytes, to check
// the pointers of an older file's text dataset before HDF5 follows them; null for a file being
// written (its pointers are this process's own).
struct CheckedHeap {
  const GlobalHeapObjects& objects;
  const FileBytes& bytes;
};

void read_dataset(hid_t file, const std::string& name, Pass pass, Hdf5VerifyReport& report,
                  VariableLengthRecords& records, const CheckedHeap* heap) {
  H5Handle set(h5_checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "opening dataset " + name), H5Dclose);
  H5Handle file_type(h5_checked(H5Dget_type(set.get()), "type of " + name), H5Tclose);
  H5Handle type(h5_checked(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), "type of " + name), H5Tclose);
  const bool variable = holds_variable_length(type.get());
  if (pass == Pass::variable_length_only && !variable) return;
  H5Handle space(h5_checked(H5Dget_space(set.get()), "dataspace of " + name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw Hdf5Error("HDF5: dataspace of " + name + " is unreadable");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  hsize_t elements = 1;
  for (hsize_t d : dims) elements *= d;
  ++report.datasets;
  if (variable) ++report.variable_length_values;
  if (elements == 0) return;
  if (variable && heap) check_heap_pointers(set.get(), name, file_type.get(), elements, heap->objects, heap->bytes);
  // Variable-length data (text) cannot take HDF5 filters: read back into the digest instead.
  if (!variable && !has_fletcher32(set.get())) report.unchecksummed.push_back(name);

  const size_t element_size = H5Tget_size(type.get());
  std::vector<unsigned char> buffer;
  if (rank == 0) {
    buffer.resize(element_size);
    h5_check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "reading " + name);
    if (variable) {
      H5Handle scalar(h5_checked(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
      take_variable_length('D', name, "", type.get(), scalar.get(), 1, buffer, records);
    }
    report.data_bytes += element_size;
    return;
  }
  // Chunk by chunk (row by row for contiguous data), so memory stays bounded.
  h5_for_each_chunk(set.get(), name, [&](const H5Block& block) {
    buffer.resize(static_cast<size_t>(block.elements) * element_size);
    if (H5Dread(set.get(), type.get(), block.memory_space, block.file_space, H5P_DEFAULT, buffer.data()) < 0)
      throw Hdf5Error(h5_failure("reading " + name + " (a checksum mismatch means the data are corrupt)"));
    if (variable)
      take_variable_length('D', name, "", type.get(), block.memory_space, static_cast<size_t>(block.elements), buffer,
                           records);
    report.data_bytes += block.elements * element_size;
  });
}

// Reads the file's objects (sorted by path: the digest's order), their attributes and datasets,
// as `pass` says; returns the digest of the variable-length values met.
std::string read_contents(hid_t file, Pass pass, Hdf5VerifyReport& report, const CheckedHeap* heap) {
  struct Paths {
    std::vector<std::string> objects, datasets;
  } paths;
  // In storage order (sorted below): see read_attributes on HDF5's sorted iteration.
  const herr_t visited = H5Ovisit2(
      file, H5_INDEX_NAME, H5_ITER_NATIVE,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        auto* p = static_cast<Paths*>(data);
        const std::string path = std::string(name) == "." ? "/" : "/" + std::string(name);
        p->objects.push_back(path);
        if (info->type == H5O_TYPE_DATASET) p->datasets.push_back(path);
        return 0;
      },
      &paths, H5O_INFO_BASIC);
  if (visited < 0) throw Hdf5Error(h5_failure("walking the objects of the file (its metadata is corrupt)"));
  std::sort(paths.objects.begin(), paths.objects.end());
  std::sort(paths.datasets.begin(), paths.datasets.end());
  VariableLengthRecords records;
  for (const std::string& path : paths.objects) {
    H5Handle object(h5_checked(H5Oopen(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Oclose);
    read_attributes(object.get(), path, pass, report, records);
    ++report.objects;
  }
  for (const std::string& path : paths.datasets) read_dataset(file, path, pass, report, records, heap);
  return records.sha256();
}

}  // namespace

std::string variable_length_sha256(hid_t file) {
  Hdf5VerifyReport ignored;
  return read_contents(file, Pass::variable_length_only, ignored, nullptr);
}

void write_variable_length_sha256(hid_t file) {
  h5_write_string_attribute(file, kVariableLengthDigestAttribute, variable_length_sha256(file));
}

namespace {

// Reads the file as `pass` says, the global heap's structure checked first (before HDF5 reads a
// variable-length value), and compares the digest of the variable-length values with the stored one.
Hdf5VerifyReport verify_pass(hid_t file, Pass pass) {
  const FileBytes bytes(file);
  const CheckedHeap heap{check_global_heap_structure(file), bytes};
  Hdf5VerifyReport report;
  const std::string digest = read_contents(file, pass, report, &heap);
  const std::string attribute = kVariableLengthDigestAttribute;
  if (H5Aexists(file, attribute.c_str()) > 0) {
    if (h5_read_text_attribute(file, "/", attribute) != digest)
      throw Hdf5Error("the text does not match its digest (root attribute " + attribute +
                      "): a variable-length value (text, the /algorithm coordinate or a dimension list), stored in "
                      "HDF5's global heap without a checksum of its own, has changed");
  } else if (report.variable_length_values > 0) {
    throw Hdf5Error("its text (" + std::to_string(report.variable_length_values) + " variable-length values) is not "
                    "covered by a checksum (no root attribute " + attribute + "): written by an older leosem, it "
                    "cannot be verified");
  }
  return report;
}

}  // namespace

void verify_text(hid_t file) { verify_pass(file, Pass::variable_length_only); }

Hdf5VerifyReport verify_hdf5_contents(hid_t file) { return verify_pass(file, Pass::everything); }

}  // namespace leosem
