#include "sweep/sweep_file.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include "core/build_info.hpp"
#include "core/units.hpp"
#include "io/hdf5_util.hpp"

namespace leosem {
namespace {

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

template <typename T>
void create_filled(hid_t file, const std::string& path, const std::vector<hsize_t>& dims, T fill) {
  H5Handle space(h5_checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace"),
                 H5Sclose);
  H5Handle plist(h5_checked(H5Pcreate(H5P_DATASET_CREATE), "plist"), H5Pclose);
  // Allocated and filled now: later writes change raw data only, never metadata.
  h5_check(H5Pset_alloc_time(plist.get(), H5D_ALLOC_TIME_EARLY), "alloc time");
  h5_check(H5Pset_fill_time(plist.get(), H5D_FILL_TIME_ALLOC), "fill time");
  h5_check(H5Pset_fill_value(plist.get(), h5_native_type<T>(), &fill), "fill value");
  H5Handle set(h5_checked(H5Dcreate2(file, path.c_str(), h5_native_type<T>(), space.get(), H5P_DEFAULT, plist.get(),
                                     H5P_DEFAULT),
                          "creating " + path),
               H5Dclose);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    items.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

}  // namespace

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
  for (const SweepAxis& axis : spec.axes) h.axis_fields.push_back(axis.field);
  if (spec.instances_overridden) h.overrides.push_back("instances = " + std::to_string(spec.instances));
  for (const FieldOverride& o : spec.overrides) h.overrides.push_back(o.field + " = " + o.value_toml);
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
  h5_write_string_attribute(root, "format", h.format);
  h5_write_string_attribute(root, "leosem_version", h.leosem_version);
  h5_write_string_attribute(root, "git_commit", h.git_commit);
  h5_write_string_attribute(root, "backend", h.backend);
  h5_write_string_attribute(root, "device", h.device);
  h5_write_string_attribute(root, "driver_version", h.driver_version);
  h5_write_string_attribute(root, "runtime_version", h.runtime_version);
  h5_write_string_attribute(root, "sweep_name", h.sweep_name);
  h5_write_string_attribute(root, "config_text", h.config_text);
  h5_write_string_attribute(root, "config_sha256", h.config_sha256);
  h5_write_string_attribute(root, "algorithms", join_lines(h.algorithms));
  h5_write_string_attribute(root, "axis_fields", join_lines(h.axis_fields));
  h5_write_string_attribute(root, "overrides", join_lines(h.overrides));
  h5_write_scalar_attribute<int64_t>(root, "seed", h.seed);
  h5_write_scalar_attribute<int64_t>(root, "instances_per_point", h.instances_per_point);
  h5_write_scalar_attribute<int64_t>(root, "points", h.points);
  h5_write_scalar_attribute<int64_t>(root, "shard_index", h.shard_index);
  h5_write_scalar_attribute<int64_t>(root, "shard_count", h.shard_count);
  h5_write_scalar_attribute<int64_t>(root, "complete", 0);

  const hsize_t points = static_cast<hsize_t>(h.points), instances = h.instance_index.size();
  H5Handle points_group(h5_checked(H5Gcreate2(root, "/points", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"),
                        H5Gclose);
  h5_write_dataset(root, "/points/axis_values", h.axis_values, {points, h.axis_fields.size()});
  H5Handle instances_group(h5_checked(H5Gcreate2(root, "/instances", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"),
                           H5Gclose);
  h5_write_dataset(root, "/instances/index", h.instance_index, {instances});

  const std::vector<hsize_t> dims{points, instances};
  H5Handle results(h5_checked(H5Gcreate2(root, "/results", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"), H5Gclose);
  for (const std::string& algorithm : h.algorithms) {
    const std::string group = "/results/" + algorithm;
    H5Handle g(h5_checked(H5Gcreate2(root, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"), H5Gclose);
    create_filled<double>(root, group + "/power_w", dims, std::numeric_limits<double>::quiet_NaN());
    create_filled<int8_t>(root, group + "/status", dims, -1);
    create_filled<int32_t>(root, group + "/iterations", dims, 0);
  }
  create_filled<uint8_t>(root, "/done", dims, 0);
}

SweepHeader read_sweep_header(hid_t file) {
  SweepHeader h;
  const auto text = [&](const char* name) { return h5_read_string_attribute(file, "/", name); };
  const auto number = [&](const char* name) { return h5_read_scalar_attribute<int64_t>(file, "/", name); };
  h.format = text("format");
  if (h.format != "leosem-sweep-1") throw InputError("not a leosem sweep file (format '" + h.format + "')");
  h.leosem_version = text("leosem_version");
  h.git_commit = text("git_commit");
  h.backend = text("backend");
  h.device = text("device");
  // Absent from files written before the backends recorded them.
  const auto optional_text = [&](const char* name) {
    return H5Aexists_by_name(file, "/", name, H5P_DEFAULT) > 0 ? text(name) : std::string();
  };
  h.driver_version = optional_text("driver_version");
  h.runtime_version = optional_text("runtime_version");
  h.sweep_name = text("sweep_name");
  h.config_text = text("config_text");
  h.config_sha256 = text("config_sha256");
  h.algorithms = split_lines(text("algorithms"));
  h.axis_fields = split_lines(text("axis_fields"));
  h.overrides = split_lines(text("overrides"));
  h.seed = number("seed");
  h.instances_per_point = number("instances_per_point");
  h.points = number("points");
  h.shard_index = number("shard_index");
  h.shard_count = number("shard_count");
  h.complete = number("complete");
  h.axis_values = h5_read_all<double>(file, "/points/axis_values");
  h.instance_index = h5_read_all<uint32_t>(file, "/instances/index");
  return h;
}

SweepFile::SweepFile(const std::string& path, const SweepSpec& spec, const Shard& shard)
    : path_(path),
      partial_path_(path + ".partial"),
      points_(spec.point_count()),
      shard_instances_(shard.size(spec.instances)),
      algorithms_(spec.algorithms) {
  h5_quiet();
}

SweepFile SweepFile::create(const std::string& path, const SweepSpec& spec, const Shard& shard,
                            const RunIdentity& who) {
  SweepFile f(path, spec, shard);
  f.file_ = H5Fcreate(f.partial_path_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  if (f.file_ < 0) throw Hdf5Error("cannot create '" + f.partial_path_ + "' (it may exist already)");
  create_sweep_layout(f.file_, make_header(spec, shard, who));
  h5_check(H5Fflush(f.file_, H5F_SCOPE_GLOBAL), "flush");
  return f;
}

SweepFile SweepFile::resume(const std::string& path, const SweepSpec& spec, const Shard& shard) {
  SweepFile f(path, spec, shard);
  f.file_ = H5Fopen(f.partial_path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f.file_ < 0) throw Hdf5Error("cannot open '" + f.partial_path_ + "' to resume it");
  if (h5_read_string_attribute(f.file_, "/", "config_sha256") != spec.config_sha256())
    throw InputError("cannot resume '" + f.partial_path_ + "': it was started from a different configuration");
  if (h5_read_scalar_attribute<int64_t>(f.file_, "/", "shard_index") != shard.index ||
      h5_read_scalar_attribute<int64_t>(f.file_, "/", "shard_count") != shard.count)
    throw InputError("cannot resume '" + f.partial_path_ + "': it belongs to another --shard");
  return f;
}

SweepFile::SweepFile(SweepFile&& other) noexcept
    : path_(std::move(other.path_)),
      partial_path_(std::move(other.partial_path_)),
      file_(other.file_),
      points_(other.points_),
      shard_instances_(other.shard_instances_),
      algorithms_(std::move(other.algorithms_)) {
  other.file_ = -1;
}

SweepFile::~SweepFile() {
  if (file_ >= 0) H5Fclose(file_);  // an unfinished run stays as FILE.partial, resumable
}

std::vector<uint8_t> SweepFile::read_done() const { return h5_read_all<uint8_t>(file_, "/done"); }

void SweepFile::write_block(size_t point, uint32_t j0, const std::vector<std::vector<StoredResult>>& results) {
  const hsize_t n = results.empty() ? 0 : results[0].size();
  if (n == 0) return;
  for (size_t a = 0; a < algorithms_.size(); ++a) {
    std::vector<double> power(n);
    std::vector<int8_t> status(n);
    std::vector<int32_t> iterations(n);
    for (hsize_t j = 0; j < n; ++j) {
      power[j] = results[a][j].power_w;
      status[j] = results[a][j].status;
      iterations[j] = results[a][j].iterations;
    }
    const std::string group = "/results/" + algorithms_[a];
    write_rect(file_, group + "/power_w", point, j0, 1, n, power.data());
    write_rect(file_, group + "/status", point, j0, 1, n, status.data());
    write_rect(file_, group + "/iterations", point, j0, 1, n, iterations.data());
  }
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
  const std::vector<uint8_t> done(n, 1);
  write_rect(file_, "/done", point, j0, 1, n, done.data());
  h5_check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush");
}

void mark_complete(hid_t file) { h5_write_scalar_attribute<int64_t>(file, "complete", 1); }

void SweepFile::finalize() {
  write_summary(file_, algorithms_, points_, shard_instances_);
  mark_complete(file_);
  h5_check(H5Fclose(file_), "close");
  file_ = -1;
  std::error_code error;
  std::filesystem::rename(partial_path_, path_, error);
  if (error) throw Hdf5Error("cannot rename '" + partial_path_ + "' to '" + path_ + "': " + error.message());
}

PointSummary summarize(const std::vector<double>& power_w, const std::vector<int8_t>& status) {
  PointSummary s;
  double sum = 0.0, sum2 = 0.0;
  for (size_t i = 0; i < power_w.size(); ++i) {
    if (status[i] < 0) continue;  // not computed
    ++s.instances;
    if (status[i] != 0 && status[i] != 1) continue;  // infeasible or unsolved: not served
    ++s.feasible;
    sum += power_w[i];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.mean_power_w = s.feasible ? sum / s.feasible : nan;
  for (size_t i = 0; i < power_w.size(); ++i)
    if (status[i] == 0 || status[i] == 1) sum2 += (power_w[i] - s.mean_power_w) * (power_w[i] - s.mean_power_w);
  s.ci95_half_w = s.feasible >= 2 ? 1.96 * std::sqrt(sum2 / (s.feasible - 1) / s.feasible) : nan;
  return s;
}

void write_summary(hid_t file, const std::vector<std::string>& algorithms, size_t points, uint32_t instances) {
  if (H5Lexists(file, "/summary", H5P_DEFAULT) <= 0) {
    H5Handle g(h5_checked(H5Gcreate2(file, "/summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"), H5Gclose);
  }
  const auto to_dbm = [](double w) { return w > 0.0 ? watts_to_dbm(w) : std::numeric_limits<double>::quiet_NaN(); };
  for (const std::string& algorithm : algorithms) {
    std::vector<int32_t> count(points), feasible(points);
    std::vector<double> fraction(points), mean_w(points), mean_dbm(points), low_dbm(points), high_dbm(points);
    for (size_t p = 0; p < points; ++p) {
      const std::string group = "/results/" + algorithm;
      const PointSummary s = summarize(read_rect<double>(file, group + "/power_w", p, 0, 1, instances),
                                       read_rect<int8_t>(file, group + "/status", p, 0, 1, instances));
      count[p] = static_cast<int32_t>(s.instances);
      feasible[p] = static_cast<int32_t>(s.feasible);
      fraction[p] = s.instances ? static_cast<double>(s.feasible) / s.instances : 0.0;
      mean_w[p] = s.mean_power_w;
      mean_dbm[p] = to_dbm(s.mean_power_w);
      low_dbm[p] = to_dbm(s.mean_power_w - s.ci95_half_w);
      high_dbm[p] = to_dbm(s.mean_power_w + s.ci95_half_w);
    }
    const std::string group = "/summary/" + algorithm;
    H5Handle g(h5_checked(H5Gcreate2(file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group"), H5Gclose);
    h5_write_dataset(file, group + "/instances", count, {points});
    h5_write_dataset(file, group + "/feasible", feasible, {points});
    h5_write_dataset(file, group + "/feasible_fraction", fraction, {points});
    h5_write_dataset(file, group + "/mean_power_w", mean_w, {points});
    h5_write_dataset(file, group + "/mean_power_dbm", mean_dbm, {points});
    h5_write_dataset(file, group + "/ci95_low_dbm", low_dbm, {points});
    h5_write_dataset(file, group + "/ci95_high_dbm", high_dbm, {points});
  }
}

}  // namespace leosem
