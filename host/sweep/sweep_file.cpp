#include "sweep/sweep_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/build_info.hpp"
#include "core/units.hpp"
#include "scenario/field_table.hpp"
#include "core/file_safety.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_verify.hpp"
#include "core/toml_reader.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

const std::vector<int8_t> kStatusFlagValues{-1, 0, 1, 2, 3};
const char* kStatusFlagMeanings = "not_computed optimal feasible infeasible unsolved";

template <typename T>
void create_filled(hid_t file, const std::string& path, const std::vector<hsize_t>& dims, T fill) {
  H5Handle space(h5_checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"),
                 H5Sclose);
  H5Handle plist = h5_checksummed_creation(dims);
  // Allocated and filled now: later writes change raw data only, never metadata (and need no
  // new space on the disk: a full disk fails the run at its start, not half-way).
  h5_check(H5Pset_alloc_time(plist.get(), H5D_ALLOC_TIME_EARLY), "alloc time");
  h5_check(H5Pset_fill_time(plist.get(), H5D_FILL_TIME_ALLOC), "fill time");
  h5_check(H5Pset_fill_value(plist.get(), h5_native_type<T>(), &fill), "fill value");
  H5Handle set(h5_checked(H5Dcreate2(file, path.c_str(), h5_native_type<T>(), space.get(), H5P_DEFAULT, plist.get(),
                                     H5P_DEFAULT),
                          "creating " + path),
               H5Dclose);
}

// Describes dataset `path`: units, long name, and its dimensions ("algorithm", the axes, "instance"
// as flagged) attached as dimension scales.
void describe(hid_t file, const std::string& path, const SweepHeader& h, bool algorithm, bool instance,
              const std::string& units, const std::string& long_name) {
  unsigned index = 0;
  if (algorithm) h5_attach_dimension_scale(file, path, "/algorithm", index++);
  for (const std::string& field : h.axis_fields) h5_attach_dimension_scale(file, path, "/" + field, index++);
  if (instance) h5_attach_dimension_scale(file, path, "/instance", index++);
  if (!units.empty()) h5_set_text_attribute(file, path, "units", units);
  h5_set_text_attribute(file, path, "long_name", long_name);
}

std::vector<hsize_t> result_dims(const SweepHeader& h, bool algorithm, bool instance) {
  std::vector<hsize_t> dims;
  if (algorithm) dims.push_back(h.algorithms.size());
  for (hsize_t n : h.axis_sizes()) dims.push_back(n);
  if (instance) dims.push_back(h.instance_index.size());
  return dims;
}

// The root attributes every sweep file has (besides `complete` and an adaptive run's own), and
// the header members they hold.
const std::pair<const char*, std::string SweepHeader::*> kTextAttributes[] = {
    {"format", &SweepHeader::format},
    {"leosem_version", &SweepHeader::leosem_version},
    {"git_commit", &SweepHeader::git_commit},
    {"backend", &SweepHeader::backend},
    {"device", &SweepHeader::device},
    {"driver_version", &SweepHeader::driver_version},
    {"runtime_version", &SweepHeader::runtime_version},
    {"sweep_name", &SweepHeader::sweep_name},
    {"config_text", &SweepHeader::config_text},
    {"config_sha256", &SweepHeader::config_sha256}};
const std::pair<const char*, std::vector<std::string> SweepHeader::*> kListAttributes[] = {
    {"algorithms", &SweepHeader::algorithms}, {"axis_fields", &SweepHeader::axis_fields}, {"overrides", &SweepHeader::overrides}};
const std::pair<const char*, int64_t SweepHeader::*> kNumberAttributes[] = {
    {"seed", &SweepHeader::seed},       {"instances_per_point", &SweepHeader::instances_per_point},
    {"points", &SweepHeader::points},   {"shard_index", &SweepHeader::shard_index},
    {"shard_count", &SweepHeader::shard_count}};

// The summary arrays [algorithm, axes...], created with the layout and filled by write_summary().
struct SummaryDataset {
  const char* path;
  bool integer;
  const char* units;
  const char* long_name;
};
const SummaryDataset kSummaryDatasets[] = {
    {"/evaluated", true, "1", "instances evaluated"},
    {"/feasible", true, "1", "instances served (status optimal or feasible)"},
    {"/feasible_fraction", false, "1", "fraction of the evaluated instances served"},
    {"/mean_power_w", false, "W", "mean total transmit power over the served instances"},
    {"/mean_power_dbm", false, "dBm", "mean total transmit power over the served instances"},
    {"/ci95_low_dbm", false, "dBm", "95% confidence interval of the mean power, lower end (mean - 1.96 s/sqrt(n))"},
    {"/ci95_high_dbm", false, "dBm", "95% confidence interval of the mean power, upper end (mean + 1.96 s/sqrt(n))"},
};

// The datasets a run writes after the layout is made: the results, the done flags, the summary and
// an adaptive run's stop records. A write that fails half-way (a full disk, an I/O error) can cut
// one of their chunks short, so that it fails its Fletcher-32 check; everything they hold can be
// computed again, so resuming resets such a chunk (reset_damaged_chunks) instead of refusing the file.
std::vector<std::string> datasets_written_by_runs(const SweepHeader& h) {
  std::vector<std::string> paths{"/done", "/power_w", "/status", "/iterations"};  // /done first: see repair_failed_writes
  for (const SummaryDataset& d : kSummaryDatasets) paths.push_back(d.path);
  if (h.adaptive()) paths.insert(paths.end(), {"/instances_used", "/stop_reason", "/ci95_half_width_db"});
  return paths;
}

// A block of a dataset that failed its checksum, and was reset to the dataset's fill value.
struct DamagedChunk {
  std::string dataset;
  std::vector<hsize_t> start, count;
};

// Reads `path` chunk by chunk and resets each chunk that fails its Fletcher-32 check to the fill
// value. Any other read failure throws: only checksum damage is repaired.
std::vector<DamagedChunk> reset_damaged_chunks(hid_t file, const std::string& path) {
  H5Handle set(h5_checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose);
  H5Handle file_type(h5_checked(H5Dget_type(set.get()), "type of " + path), H5Tclose);
  H5Handle type(h5_checked(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), "type of " + path), H5Tclose);
  const size_t element_size = H5Tget_size(type.get());
  H5Handle plist(h5_checked(H5Dget_create_plist(set.get()), "dataset creation list of " + path), H5Pclose);
  std::vector<unsigned char> fill(element_size);
  h5_check(H5Pget_fill_value(plist.get(), type.get(), fill.data()), "fill value of " + path);
  // An edge chunk is only partly overwritten, so HDF5 reads the damaged chunk first: without
  // checking its checksum here.
  H5Handle unchecked(h5_checked(H5Pcreate(H5P_DATASET_XFER), "transfer list"), H5Pclose);
  h5_check(H5Pset_edc_check(unchecked.get(), H5Z_DISABLE_EDC), "checksum switch");
  std::vector<DamagedChunk> damaged;
  std::vector<unsigned char> buffer;
  h5_for_each_chunk(set.get(), path, [&](const H5Block& block) {
    buffer.resize(static_cast<size_t>(block.elements) * element_size);
    if (H5Dread(set.get(), type.get(), block.memory_space, block.file_space, H5P_DEFAULT, buffer.data()) >= 0) return;
    const std::string detail = h5_error_detail();
    if (detail.find("Fletcher32") == std::string::npos)
      throw Hdf5Error("HDF5: reading " + path + " failed (" + detail + ")");
    for (hsize_t i = 0; i < block.elements; ++i) std::memcpy(&buffer[i * element_size], fill.data(), element_size);
    h5_check(H5Dwrite(set.get(), type.get(), block.memory_space, block.file_space, unchecked.get(), buffer.data()),
             "resetting a damaged chunk of " + path);
    damaged.push_back({path, block.start, block.count});
  });
  set.close_checked("resetting the damaged chunks of " + path);
  return damaged;
}

// An adaptive run's per-point record [algorithm, axes...], written when the point stops (the
// same instances_used and stop_reason for every algorithm of a point: all see every instance).
const std::vector<int8_t> kStopFlagValues{0, 1, 2};
const char* kStopFlagMeanings = "running target_reached cap_reached";

}  // namespace

std::vector<hsize_t> SweepHeader::axis_sizes() const {
  std::vector<hsize_t> sizes;
  for (const std::vector<double>& values : axis_coordinates) sizes.push_back(values.size());
  return sizes;
}

std::vector<hsize_t> SweepHeader::point_indices(size_t point) const {
  std::vector<hsize_t> index(axis_coordinates.size());
  for (size_t a = axis_coordinates.size(); a-- > 0;) {
    index[a] = point % axis_coordinates[a].size();
    point /= axis_coordinates[a].size();
  }
  return index;
}

H5Slab SweepHeader::instances_slab(size_t point, hsize_t first, hsize_t n) const {
  H5Slab s{point_indices(point), std::vector<hsize_t>(axis_coordinates.size(), 1)};
  s.start.push_back(first);
  s.count.push_back(n);
  return s;
}

H5Slab SweepHeader::results_slab(size_t algorithm, size_t point, hsize_t first, hsize_t n) const {
  H5Slab s = instances_slab(point, first, n);
  s.start.insert(s.start.begin(), algorithm);
  s.count.insert(s.count.begin(), 1);
  return s;
}

uint32_t Shard::first(uint32_t instances) const {
  return static_cast<uint32_t>(static_cast<uint64_t>(instances) * index / count);
}
uint32_t Shard::size(uint32_t instances) const {
  return static_cast<uint32_t>(static_cast<uint64_t>(instances) * (index + 1) / count) - first(instances);
}

SweepHeader make_header(const SweepSpec& spec, const Shard& shard, const RunIdentity& who) {
  SweepHeader h;
  h.leosem_version = kVersion;
  h.git_commit = kGitCommit;
  h.backend = who.backend;
  h.device = who.device;
  h.driver_version = who.driver_version;
  h.runtime_version = who.runtime_version;
  h.sweep_name = spec.name;
  h.config_text = spec.resolved_text();
  h.config_sha256 = spec.config_sha256();
  h.algorithms = spec.algorithms;
  for (const SweepAxis& axis : spec.axes) {
    h.axis_fields.push_back(axis.field);
    h.axis_coordinates.push_back(axis.values);
  }
  if (spec.instances_overridden) h.overrides.push_back("instances = " + std::to_string(spec.instances));
  for (const FieldOverride& o : spec.overrides) h.overrides.push_back(o.field + " = " + o.value_toml);
  if (spec.target_ci_overridden) h.overrides.push_back("target_ci_db = " + format_number(spec.target_ci_db));
  if (spec.block_instances_overridden) h.overrides.push_back("block_instances = " + std::to_string(spec.block_instances));
  if (spec.target_ci_paired_overridden)
    h.overrides.push_back("target_ci_paired = " + spec.target_ci_paired[0] + "," + spec.target_ci_paired[1]);
  if (spec.adaptive()) {
    h.target_ci_db = spec.target_ci_db;
    h.block_instances = spec.adaptive_block();
    h.target_ci_paired = spec.target_ci_paired;
  }
  h.seed = static_cast<int64_t>(spec.seed);
  h.instances_per_point = spec.instances;
  h.points = static_cast<int64_t>(spec.point_count());
  h.shard_index = shard.index;
  h.shard_count = shard.count;
  for (size_t p = 0; p < spec.point_count(); ++p)
    for (double v : spec.point_values(p)) h.axis_values.push_back(v);
  const uint32_t first = shard.first(spec.instances);
  for (uint32_t j = 0; j < shard.size(spec.instances); ++j) h.instance_index.push_back(first + j);
  return h;
}

void create_sweep_layout(hid_t root, const SweepHeader& h) {
  for (const auto& [name, member] : kTextAttributes) h5_write_text_attribute(root, name, h.*member);
  for (const auto& [name, member] : kListAttributes) h5_write_text_list_attribute(root, name, h.*member);
  for (const auto& [name, member] : kNumberAttributes) h5_write_scalar_attribute<int64_t>(root, name, h.*member);
  h5_write_scalar_attribute<int64_t>(root, "complete", 0);
  if (h.adaptive()) {
    h5_write_scalar_attribute<double>(root, "target_ci_db", h.target_ci_db);
    h5_write_scalar_attribute<int64_t>(root, "block_instances", h.block_instances);
    if (!h.target_ci_paired.empty()) h5_write_text_list_attribute(root, "target_ci_paired", h.target_ci_paired);
  }

  // The dimensions (coordinates): algorithm, one per axis (named by its field), instance.
  h5_write_text_dataset(root, "/algorithm", h.algorithms);
  h5_make_dimension_scale(root, "/algorithm", "algorithm");
  h5_set_text_attribute(root, "/algorithm", "long_name", "algorithm");
  // Fixed-length strings read as bytes: xarray decodes them to text by this netCDF convention.
  h5_set_text_attribute(root, "/algorithm", "_Encoding", "utf-8");
  for (size_t a = 0; a < h.axis_fields.size(); ++a) {
    const std::string path = "/" + h.axis_fields[a];
    h5_write_dataset(root, path, h.axis_coordinates[a], {h.axis_coordinates[a].size()});
    h5_make_dimension_scale(root, path, h.axis_fields[a]);
    h5_set_text_attribute(root, path, "units", scenario_field_unit(h.axis_fields[a]));
    h5_set_text_attribute(root, path, "long_name", "scenario field " + h.axis_fields[a] + " (sweep axis)");
  }
  h5_write_dataset(root, "/instance", h.instance_index, {h.instance_index.size()});
  h5_make_dimension_scale(root, "/instance", "instance");
  h5_set_text_attribute(root, "/instance", "long_name", "global instance index (key: seed, point, instance)");

  const std::vector<hsize_t> dims = result_dims(h, true, true);
  create_filled<double>(root, "/power_w", dims, std::numeric_limits<double>::quiet_NaN());
  describe(root, "/power_w", h, true, true, "W", "total transmit power of the instance (NaN when not served)");
  create_filled<int8_t>(root, "/status", dims, -1);
  describe(root, "/status", h, true, true, "", "solve status");
  h5_set_array_attribute<int8_t>(root, "/status", "flag_values", kStatusFlagValues);
  h5_set_text_attribute(root, "/status", "flag_meanings", kStatusFlagMeanings);
  create_filled<int32_t>(root, "/iterations", dims, 0);
  describe(root, "/iterations", h, true, true, "1", "solver iterations");
  create_filled<uint8_t>(root, "/done", result_dims(h, false, true), 0);
  describe(root, "/done", h, false, true, "1", "1 where the (point, instance) is finished for every algorithm");

  // The summary too is allocated now (filled 0 / NaN until `complete` = 1), so that finalize()
  // only overwrites data in place and needs no new space on the disk.
  const std::vector<hsize_t> summary_dims = result_dims(h, true, false);
  for (const SummaryDataset& d : kSummaryDatasets) {
    if (d.integer) create_filled<int32_t>(root, d.path, summary_dims, 0);
    else create_filled<double>(root, d.path, summary_dims, std::numeric_limits<double>::quiet_NaN());
    describe(root, d.path, h, true, false, d.units, d.long_name);
  }
  if (h.adaptive()) {
    create_filled<int32_t>(root, "/instances_used", summary_dims, 0);
    describe(root, "/instances_used", h, true, false, "1",
             "instances evaluated at the point (0..n-1) when it stopped; the same for every algorithm");
    create_filled<int8_t>(root, "/stop_reason", summary_dims, 0);
    describe(root, "/stop_reason", h, true, false, "",
             "why the point stopped adding instances; the same for every algorithm");
    h5_set_array_attribute<int8_t>(root, "/stop_reason", "flag_values", kStopFlagValues);
    h5_set_text_attribute(root, "/stop_reason", "flag_meanings", kStopFlagMeanings);
    create_filled<double>(root, "/ci95_half_width_db", summary_dims, std::numeric_limits<double>::quiet_NaN());
    describe(root, "/ci95_half_width_db", h, true, false, "dB",
             "half the width of the 95% interval of the mean power in dB, (ci95_high_dbm - ci95_low_dbm)/2, when the "
             "point stopped");
  }
  // Last: the digest of every variable-length value above (text, dimension lists), which the
  // global heap stores without a checksum. Nothing writes variable-length values after this.
  write_variable_length_sha256(root);
}

SweepHeader read_sweep_header(hid_t file) {
  SweepHeader h;
  if (H5Aexists(file, "format") <= 0) throw InputError("not a leosem sweep file (no 'format' attribute)");
  const auto text = [&](const char* name) { return h5_read_text_attribute(file, "/", name); };
  const auto list = [&](const char* name) { return h5_read_text_list_attribute(file, "/", name); };
  const auto number = [&](const char* name) { return h5_read_scalar_attribute<int64_t>(file, "/", name); };
  h.format = text("format");
  if (h.format == "leosem-sweep-1")
    throw InputError("a leosem-sweep-1 file, written by an older leosem: run the sweep again (this leosem reads " +
                     std::string(kSweepFormat) + ")");
  if (h.format != kSweepFormat) throw InputError("not a leosem sweep file (format " + quoted_input(h.format) + ")");
  for (const auto& [name, member] : kTextAttributes) {
    // driver_version, runtime_version: absent from files written before the backends recorded them.
    const bool optional = member == &SweepHeader::driver_version || member == &SweepHeader::runtime_version;
    if (!optional || H5Aexists(file, name) > 0) h.*member = text(name);
  }
  for (const auto& [name, member] : kListAttributes) h.*member = list(name);
  for (const auto& [name, member] : kNumberAttributes) h.*member = number(name);
  h.complete = number("complete");
  if (H5Aexists(file, "target_ci_db") > 0) {  // an adaptive run's file
    h.target_ci_db = h5_read_scalar_attribute<double>(file, "/", "target_ci_db");
    h.block_instances = number("block_instances");
    if (H5Aexists(file, "target_ci_paired") > 0) {
      h.target_ci_paired = list("target_ci_paired");
      for (const std::string& name : h.target_ci_paired)
        if (h.target_ci_paired.size() != 2 ||
            std::find(h.algorithms.begin(), h.algorithms.end(), name) == h.algorithms.end())
          throw InputError("the attribute target_ci_paired does not name two of the file's algorithms");
    }
  }
  for (const std::string& field : h.axis_fields) h.axis_coordinates.push_back(h5_read_all<double>(file, "/" + field));
  h.instance_index = h5_read_all<uint32_t>(file, "/instance");
  size_t points = 1;
  for (hsize_t n : h.axis_sizes()) points *= n;
  if (static_cast<int64_t>(points) != h.points)
    throw InputError("the axes hold " + std::to_string(points) + " points, the 'points' attribute says " +
                     std::to_string(h.points));
  for (size_t p = 0; p < points; ++p) {
    const std::vector<hsize_t> index = h.point_indices(p);
    for (size_t a = 0; a < index.size(); ++a) h.axis_values.push_back(h.axis_coordinates[a][index[a]]);
  }
  return h;
}

void read_point_results(hid_t file, const SweepHeader& h, size_t algorithm, size_t point, std::vector<double>& power_w,
                        std::vector<int8_t>& status) {
  const H5Slab s = h.results_slab(algorithm, point, 0, h.instance_index.size());
  power_w = h5_read_slab<double>(file, "/power_w", s.start, s.count);
  status = h5_read_slab<int8_t>(file, "/status", s.start, s.count);
}

std::vector<uint8_t> read_point_done(hid_t file, const SweepHeader& h, size_t point) {
  const H5Slab s = h.instances_slab(point, 0, h.instance_index.size());
  return h5_read_slab<uint8_t>(file, "/done", s.start, s.count);
}

std::string repair_failed_writes(hid_t file, const SweepHeader& layout) {
  std::vector<DamagedChunk> damaged;
  for (const std::string& path : datasets_written_by_runs(layout)) {
    const std::vector<DamagedChunk> reset = reset_damaged_chunks(file, path);
    damaged.insert(damaged.end(), reset.begin(), reset.end());
    const bool per_instance = path == "/power_w" || path == "/status" || path == "/iterations";
    for (const DamagedChunk& chunk : per_instance ? reset : std::vector<DamagedChunk>{}) {
      // [algorithm, axes..., instance] -> the done flags [axes..., instance] of those results
      // (/done itself was repaired first, so these writes do not meet a damaged chunk).
      const std::vector<hsize_t> start(chunk.start.begin() + 1, chunk.start.end());
      const std::vector<hsize_t> count(chunk.count.begin() + 1, chunk.count.end());
      hsize_t flags = 1;
      for (hsize_t c : count) flags *= c;
      const std::vector<uint8_t> not_done(static_cast<size_t>(flags), 0);
      h5_write_slab(file, "/done", start, count, not_done.data());
    }
  }
  if (damaged.empty()) return "";
  set_complete(file, false);  // a finished file left as .partial: its summary is computed again
  h5_check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
  std::ostringstream note;
  note << damaged.size() << " chunk" << (damaged.size() == 1 ? "" : "s") << " damaged by a write that failed (";
  for (size_t i = 0; i < damaged.size(); ++i) note << (i ? ", " : "") << damaged[i].dataset;
  note << ") reset to 'not computed'; the instances they held are computed again";
  return note.str();
}

SweepFile::SweepFile(const std::string& path, const SweepSpec& spec, const Shard& shard)
    : path_(path),
      partial_path_(partial_path_for(path)),
      layout_(make_header(spec, shard, {})) {
  h5_quiet();
}

SweepFile SweepFile::create(const std::string& path, const SweepSpec& spec, const Shard& shard,
                            const RunIdentity& who) {
  SweepFile f(path, spec, shard);
  f.file_ = h5_create_file(f.partial_path_);
  try {
    create_sweep_layout(f.file_, make_header(spec, shard, who));
    // Closed and opened again: the close gives back the space HDF5 set aside while creating and
    // records the file's final end in the superblock. The run then writes raw data only, so a
    // write that fails half-way cannot leave a superblock naming an end the file never reached
    // (which HDF5 refuses to open: "truncated file").
    const hid_t created = f.file_;
    f.file_ = -1;
    h5_check(H5Fclose(created), "closing the new file");
    f.file_ = h5_checked(H5Fopen(f.partial_path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "opening the new file");
  } catch (const Hdf5Error& e) {
    // Nothing computed yet: leave no half-made file (e.g. the disk was too small for the layout).
    if (f.file_ >= 0) H5Fclose(f.file_);
    f.file_ = -1;
    std::remove(f.partial_path_.c_str());
    throw Hdf5Error("cannot create " + quoted_input(f.partial_path_) + ": " + e.what());
  }
  return f;
}

SweepFile SweepFile::resume(const std::string& path, const SweepSpec& spec, const Shard& shard) {
  SweepFile f(path, spec, shard);
  // A file that the system lets us read and write but HDF5 cannot open (e.g. its end lost to a
  // failed write: "truncated file") is damaged.
  require_regular_file(f.partial_path_, "the unfinished run's file");
  if (::access(f.partial_path_.c_str(), R_OK | W_OK) != 0)
    throw IoError("cannot resume " + quoted_input(f.partial_path_) + ": " + std::strerror(errno));
  f.file_ = H5Fopen(f.partial_path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f.file_ < 0)
    throw Hdf5Error("cannot resume " + quoted_input(f.partial_path_) + ": HDF5 cannot open it (" + h5_error_detail() +
                    "); the file is damaged: delete it and run again without --resume");
  try {
    // Whose file it is first, nothing being written into another run's file: its text (format,
    // configuration hash) checked against its digest before it is trusted.
    verify_text(f.file_);
    if (h5_read_text_attribute(f.file_, "/", "format") != kSweepFormat)
      throw InputError("cannot resume " + quoted_input(f.partial_path_) + ": it is not a " + std::string(kSweepFormat) +
                       " file (written by another leosem version); delete it and run again");
    if (h5_read_text_attribute(f.file_, "/", "config_sha256") != spec.config_sha256())
      throw InputError("cannot resume " + quoted_input(f.partial_path_) + ": it was started from a different configuration");
    if (h5_read_scalar_attribute<int64_t>(f.file_, "/", "shard_index") != shard.index ||
        h5_read_scalar_attribute<int64_t>(f.file_, "/", "shard_count") != shard.count)
      throw InputError("cannot resume " + quoted_input(f.partial_path_) + ": it belongs to another --shard");
    f.repair_note_ = repair_failed_writes(f.file_, f.layout_);
    const Hdf5VerifyReport report = verify_hdf5_contents(f.file_);  // everything else must be intact
    if (!report.unchecksummed.empty())
      throw Hdf5Error("dataset " + report.unchecksummed.front() +
                      " has no checksum (written by an older leosem): it cannot be verified");
  } catch (const Hdf5Error& e) {
    throw Hdf5Error("cannot resume " + quoted_input(f.partial_path_) + ": " + e.what() +
                    "; the file is damaged: delete it and run again without --resume");
  }
  return f;
}

SweepFile::SweepFile(SweepFile&& other) noexcept
    : path_(std::move(other.path_)),
      partial_path_(std::move(other.partial_path_)),
      file_(other.file_),
      layout_(std::move(other.layout_)),
      repair_note_(std::move(other.repair_note_)) {
  other.file_ = -1;
}

SweepFile::~SweepFile() {
  if (file_ >= 0) H5Fclose(file_);  // an unfinished run stays as FILE.partial, resumable
}

std::vector<uint8_t> SweepFile::read_done() const { return h5_read_all<uint8_t>(file_, "/done"); }  // C order = [point][instance]

void SweepFile::write_block(size_t point, uint32_t j0, uint32_t n, const StoredResult* results, size_t stride) {
  if (n == 0) return;
  h5_quiet();  // on the runner's writing thread too (HDF5's error settings are per thread)
  for (size_t a = 0; a < layout_.algorithms.size(); ++a) {
    std::vector<double> power(n);
    std::vector<int8_t> status(n);
    std::vector<int32_t> iterations(n);
    for (uint32_t j = 0; j < n; ++j) {
      const StoredResult& r = results[a * stride + j];
      power[j] = r.power_w;
      status[j] = r.status;
      iterations[j] = r.iterations;
    }
    const H5Slab s = layout_.results_slab(a, point, j0, n);
    h5_write_slab(file_, "/power_w", s.start, s.count, power.data());
    h5_write_slab(file_, "/status", s.start, s.count, status.data());
    h5_write_slab(file_, "/iterations", s.start, s.count, iterations.data());
  }
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  const std::vector<uint8_t> done(n, 1);
  const H5Slab s = layout_.instances_slab(point, j0, n);
  h5_write_slab(file_, "/done", s.start, s.count, done.data());
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void SweepFile::read_point(size_t point, size_t algorithm, std::vector<double>& power_w,
                           std::vector<int8_t>& status) const {
  read_point_results(file_, layout_, algorithm, point, power_w, status);
  const std::vector<uint8_t> done = read_point_done(file_, layout_, point);
  for (size_t j = 0; j < done.size(); ++j)
    if (!done[j]) {  // a block being written when the run stopped: not counted until marked done
      status[j] = -1;
      power_w[j] = std::numeric_limits<double>::quiet_NaN();
    }
}

void SweepFile::write_point_stop(size_t point, const PointStop& stop) {
  const size_t algorithms = layout_.algorithms.size();
  if (!layout_.adaptive()) throw std::logic_error("write_point_stop: not an adaptive run's file");
  if (stop.ci95_half_width_db.size() != algorithms) throw std::logic_error("write_point_stop: one value per algorithm");
  std::vector<hsize_t> start{0}, count{algorithms};  // [algorithm, axes...]: every algorithm at the point
  for (hsize_t i : layout_.point_indices(point)) {
    start.push_back(i);
    count.push_back(1);
  }
  const std::vector<int32_t> used(algorithms, static_cast<int32_t>(stop.instances_used));
  const std::vector<int8_t> reason(algorithms, static_cast<int8_t>(stop.reason));
  h5_write_slab(file_, "/instances_used", start, count, used.data());
  h5_write_slab(file_, "/stop_reason", start, count, reason.data());
  h5_write_slab(file_, "/ci95_half_width_db", start, count, stop.ci95_half_width_db.data());
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void set_complete(hid_t file, bool complete) {
  // In place (the attribute exists since the layout was made): no new space in the file.
  H5Handle attr(h5_checked(H5Aopen(file, "complete", H5P_DEFAULT), "opening attribute complete"), H5Aclose);
  const int64_t value = complete ? 1 : 0;
  h5_check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "writing attribute complete");
}

void SweepFile::finalize() {
  write_summary(file_, layout_);
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");  // raw data: a failure here is repaired on resume
  // The run's only metadata writes (the root's header, the superblock): a write failing in them
  // can leave a file HDF5 cannot open, which --resume refuses (docs/testing.md#a-full-disk).
  try {
    set_complete(file_, true);
    h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
    // The handle is gone whatever close returns: the destructor must not close it again.
    const hid_t file = file_;
    file_ = -1;
    h5_check(H5Fclose(file), "closing");
  } catch (const Hdf5Error& e) {
    throw Hdf5Error("marking " + quoted_input(partial_path_) + " complete: " + e.what());
  }
  durable_rename(partial_path_, path_);
}

PointSummary summarize(const double* power_w, const int8_t* status, size_t count) {
  PointSummary s;
  double sum = 0.0, sum2 = 0.0;
  for (size_t i = 0; i < count; ++i) {
    if (status[i] < 0) continue;  // not computed
    ++s.instances;
    if (status[i] != 0 && status[i] != 1) continue;  // infeasible or unsolved: not served
    ++s.feasible;
    sum += power_w[i];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_power_w = s.feasible ? sum / s.feasible : nan;
  for (size_t i = 0; i < count; ++i)
    if (status[i] == 0 || status[i] == 1) sum2 += (power_w[i] - s.mean_power_w) * (power_w[i] - s.mean_power_w);
  s.ci95_half_w = s.feasible >= 2 ? 1.96 * std::sqrt(sum2 / (s.feasible - 1) / s.feasible) : nan;
  return s;
}

double ci95_half_width_db(const PointSummary& s) {
  if (s.feasible < 2) return std::numeric_limits<double>::quiet_NaN();
  const double m = s.mean_power_w, h = s.ci95_half_w;
  if (!(m > h)) return std::numeric_limits<double>::infinity();
  return 5.0 * std::log10((m + h) / (m - h));
}

PairedSummary summarize_paired(const double* power_a_w, const int8_t* status_a, const double* power_b_w,
                               const int8_t* status_b, size_t count) {
  PairedSummary s;
  const auto served = [](int8_t status, double power_w) { return (status == 0 || status == 1) && power_w > 0.0; };
  double sum = 0.0, sum2 = 0.0;
  std::vector<double> d;
  for (size_t i = 0; i < count; ++i) {
    if (status_a[i] < 0 || status_b[i] < 0) continue;  // not computed
    if (!served(status_a[i], power_a_w[i]) || !served(status_b[i], power_b_w[i])) {
      ++s.unpaired;
      continue;
    }
    d.push_back(10.0 * std::log10(power_a_w[i] / power_b_w[i]));
    sum += d.back();
  }
  s.pairs = static_cast<uint32_t>(d.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_db = s.pairs ? sum / s.pairs : nan;
  for (double x : d) sum2 += (x - s.mean_db) * (x - s.mean_db);
  s.ci95_half_width_db = s.pairs >= 2 ? 1.96 * std::sqrt(sum2 / (s.pairs - 1) / s.pairs) : nan;
  return s;
}

SummaryColumns summarize_columns(hid_t file, const SweepHeader& h, size_t algorithm, size_t* done_pairs) {
  const auto to_dbm = [](double w) { return w > 0.0 ? watts_to_dbm(w) : std::numeric_limits<double>::quiet_NaN(); };
  SummaryColumns c;
  std::vector<double> power;
  std::vector<int8_t> status;
  if (done_pairs) *done_pairs = 0;
  for (size_t p = 0; p < static_cast<size_t>(h.points); ++p) {
    read_point_results(file, h, algorithm, p, power, status);
    const std::vector<uint8_t> done = read_point_done(file, h, p);
    for (size_t j = 0; j < done.size(); ++j) {
      if (!done[j]) status[j] = -1;  // a block being written: not counted until marked done
      else if (done_pairs) ++*done_pairs;
    }
    const PointSummary s = summarize(power, status);
    c.count.push_back(static_cast<int32_t>(s.instances));
    c.feasible.push_back(static_cast<int32_t>(s.feasible));
    c.fraction.push_back(s.instances ? static_cast<double>(s.feasible) / s.instances : 0.0);
    c.mean_w.push_back(s.mean_power_w);
    c.mean_dbm.push_back(to_dbm(s.mean_power_w));
    c.low_dbm.push_back(to_dbm(s.mean_power_w - s.ci95_half_w));
    c.high_dbm.push_back(to_dbm(s.mean_power_w + s.ci95_half_w));
  }
  return c;
}

void write_summary(hid_t file, const SweepHeader& h) {
  std::vector<hsize_t> start(1 + h.axis_fields.size(), 0), count = h.axis_sizes();
  count.insert(count.begin(), 1);  // one algorithm's row of the [algorithm, axes...] arrays
  for (size_t a = 0; a < h.algorithms.size(); ++a) {
    const SummaryColumns c = summarize_columns(file, h, a);
    start[0] = a;
    h5_write_slab(file, "/evaluated", start, count, c.count.data());
    h5_write_slab(file, "/feasible", start, count, c.feasible.data());
    h5_write_slab(file, "/feasible_fraction", start, count, c.fraction.data());
    h5_write_slab(file, "/mean_power_w", start, count, c.mean_w.data());
    h5_write_slab(file, "/mean_power_dbm", start, count, c.mean_dbm.data());
    h5_write_slab(file, "/ci95_low_dbm", start, count, c.low_dbm.data());
    h5_write_slab(file, "/ci95_high_dbm", start, count, c.high_dbm.data());
  }
}

}  // namespace leosem
