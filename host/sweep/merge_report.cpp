#include "sweep/merge_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <filesystem>
#include <memory>
#include <sstream>

#include "core/file_safety.hpp"
#include "core/sha256.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_verify.hpp"
#include "sweep/sweep_file.hpp"
#include "sweep/sweep_spec.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

Hdf5VerifyReport verify_or_throw(hid_t id, const std::string& path) {
  try {
    Hdf5VerifyReport report = verify_hdf5_contents(id);
    if (!report.unchecksummed.empty())
      throw Hdf5Error("dataset " + report.unchecksummed.front() + " (and " +
                      std::to_string(report.unchecksummed.size() - 1) +
                      " more) has no checksum: written by an older leosem, it cannot be verified");
    // The text's digest (verify_hdf5_contents) covers config_text; config_sha256, what shards and
    // resumes are matched by, must be its SHA-256 too.
    if (H5Aexists(id, "config_text") > 0 && H5Aexists(id, "config_sha256") > 0 &&
        sha256_hex(h5_read_text_attribute(id, "/", "config_text")) != h5_read_text_attribute(id, "/", "config_sha256"))
      throw Hdf5Error("the root attribute config_text does not match its SHA-256 (config_sha256)");
    return report;
  } catch (const Hdf5Error& e) {
    throw Hdf5Error(quoted_input(path) + " is damaged or unverifiable: " + e.what());
  }
}

}  // namespace

VerifiedSweepFile open_verified_sweep_file(const std::string& path) {
  h5_quiet();
  require_regular_file(path, "sweep file");
  VerifiedSweepFile f;
  f.path = path;
  // Without HDF5's file lock: `report` may read a .partial that a running `leosem run` holds open
  // for writing (it only ever changes raw data in place, flushed block by block).
  H5Handle access(h5_checked(H5Pcreate(H5P_FILE_ACCESS), "file access list"), H5Pclose);
  h5_check(H5Pset_file_locking(access.get(), false, true), "file locking");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get());
  if (id < 0)
    throw InputError("cannot open " + quoted_input(path) + " as HDF5 (not an HDF5 file, unreadable, or damaged: " +
                     h5_error_detail() + ")");
  f.handle = std::make_unique<H5Handle>(id, H5Fclose);
  verify_or_throw(id, path);
  try {
    f.header = read_sweep_header(id);
  } catch (const InputError& e) {
    throw InputError(quoted_input(path) + ": " + e.what());
  } catch (const Hdf5Error& e) {
    throw InputError(quoted_input(path) + ": " + e.what() + " (not a leosem sweep file?)");
  }
  return f;
}

namespace {

// Copies a shard's whole array (its instances are the last dimension) into the merged file at
// instance offset col0.
template <typename T>
void copy_columns(hid_t from, hid_t to, const std::string& path, std::vector<hsize_t> dims, hsize_t col0) {
  const std::vector<hsize_t> origin(dims.size(), 0);
  const std::vector<T> data = h5_read_slab<T>(from, path, origin, dims);
  std::vector<hsize_t> start = origin;
  start.back() = col0;
  h5_write_slab<T>(to, path, start, dims, data.data());
}

}  // namespace

void merge_sweep_files(const std::string& out_path, const std::vector<std::string>& shard_paths, bool force) {
  if (shard_paths.empty()) throw InputError("merge: no shard files given");
  check_output_path(out_path, force, "OUT");
  std::vector<VerifiedSweepFile> shards;
  for (const std::string& path : shard_paths) shards.push_back(open_verified_sweep_file(path));

  const SweepHeader& first = shards.front().header;
  for (const VerifiedSweepFile& s : shards) {
    if (s.header.adaptive())
      throw InputError("merge: " + quoted_input(s.path) + " is an adaptive run's file (target_ci_db): adaptive runs are never "
                       "sharded, so there is nothing to merge");
    if (!s.header.complete) throw InputError("merge: " + quoted_input(s.path) + " is not complete (resume it first)");
    if (s.header.config_sha256 != first.config_sha256)
      throw InputError("merge: " + quoted_input(s.path) + " has configuration hash " + text_excerpt(s.header.config_sha256) +
                               ", " + quoted_input(shards.front().path) + " has " + text_excerpt(first.config_sha256) +
                               ": they are not shards of the same sweep");
    if (s.header.git_commit != first.git_commit)
      throw InputError("merge: " + quoted_input(s.path) + " was made by leosem " + text_excerpt(s.header.git_commit) + ", " +
                               quoted_input(shards.front().path) + " by " + text_excerpt(first.git_commit));
  }
  // Order by first instance; require an exact, non-overlapping cover of 0..instances-1.
  std::sort(shards.begin(), shards.end(), [](const VerifiedSweepFile& a, const VerifiedSweepFile& b) {
    const uint32_t fa = a.header.instance_index.empty() ? 0 : a.header.instance_index.front();
    const uint32_t fb = b.header.instance_index.empty() ? 0 : b.header.instance_index.front();
    return fa < fb;
  });
  uint32_t next = 0;
  for (const VerifiedSweepFile& s : shards) {
    for (uint32_t index : s.header.instance_index) {
      if (index < next)
        throw InputError("merge: instance " + std::to_string(index) + " appears twice (again in " + quoted_input(s.path) + ")");
      if (index > next)
        throw InputError("merge: instances " + std::to_string(next) + ".." + std::to_string(index - 1) +
                                 " are missing (no shard holds them)");
      ++next;
    }
  }
  if (next != static_cast<uint32_t>(first.instances_per_point))
    throw InputError("merge: instances " + std::to_string(next) + ".." +
                             std::to_string(first.instances_per_point - 1) + " are missing (no shard holds them)");

  SweepHeader merged = first;
  merged.shard_index = 0;
  merged.shard_count = 1;
  // Shards run on different backends and devices merge: the merged file lists each once.
  const auto joined = [&](std::string SweepHeader::*field) {
    std::vector<std::string> values;
    for (const VerifiedSweepFile& s : shards)
      if (std::find(values.begin(), values.end(), s.header.*field) == values.end()) values.push_back(s.header.*field);
    std::string text;
    for (const std::string& v : values) text += (text.empty() ? "" : "; ") + v;
    return text;
  };
  merged.backend = joined(&SweepHeader::backend);
  merged.device = joined(&SweepHeader::device);
  merged.driver_version = joined(&SweepHeader::driver_version);
  merged.runtime_version = joined(&SweepHeader::runtime_version);
  merged.instance_index.resize(next);
  for (uint32_t i = 0; i < next; ++i) merged.instance_index[i] = i;

  const std::string partial = temporary_path_for(out_path);
  const hid_t id = h5_create_file(partial);
  bool file_open = true;
  try {
    create_sweep_layout(id, merged);
    for (const VerifiedSweepFile& s : shards) {
      const hsize_t columns = s.header.instance_index.size(), col0 = s.header.instance_index.empty() ? 0 : s.header.instance_index.front();
      if (columns == 0) continue;
      const hid_t from = s.handle->get();
      std::vector<hsize_t> dims{merged.algorithms.size()};  // [algorithm, axes..., instance]
      for (hsize_t n : merged.axis_sizes()) dims.push_back(n);
      dims.push_back(columns);
      copy_columns<double>(from, id, "/power_w", dims, col0);
      copy_columns<int8_t>(from, id, "/status", dims, col0);
      copy_columns<int32_t>(from, id, "/iterations", dims, col0);
      copy_columns<uint8_t>(from, id, "/done", std::vector<hsize_t>(dims.begin() + 1, dims.end()), col0);
    }
    write_summary(id, merged);
    set_complete(id, true);
    h5_check(H5Fflush(id, H5F_SCOPE_GLOBAL), "flush");
    file_open = false;
    h5_check(H5Fclose(id), "closing " + quoted_input(partial));
    durable_rename(partial, out_path);
  } catch (...) {
    if (file_open) H5Fclose(id);
    std::filesystem::remove(partial);
    throw;
  }
}

std::string verify_file(const std::string& path) {
  h5_quiet();
  require_regular_file(path, "file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw Hdf5Error(quoted_input(path) + " is damaged or not HDF5: it cannot be opened (" + h5_error_detail() + ")");
  H5Handle file(id, H5Fclose);
  const Hdf5VerifyReport report = verify_or_throw(id, path);
  std::string what = "HDF5 file";
  if (H5Aexists(id, "format") > 0) {
    try {
      const std::string format = h5_read_text_attribute(id, "/", "format");
      what = format + " file";
      if (format == kSweepFormat) {
        const SweepHeader header = read_sweep_header(id);
        what += header.complete ? " (complete)" : " (incomplete: resume the run)";
      }
    } catch (const Hdf5Error& e) {
      throw Hdf5Error(quoted_input(path) + ": " + e.what());
    }
  }
  return path + ": OK, " + what + ": " + std::to_string(report.objects) + " objects, " +
         std::to_string(report.attributes) + " attributes, " + std::to_string(report.datasets) + " datasets (" +
         std::to_string(report.data_bytes) + " bytes of data), every checksum matches (text: " +
         std::to_string(report.variable_length_values) + " variable-length values, digest matches)";
}

namespace {

// A complete file's stored summary, row `algorithm` of the [algorithm, axes...] arrays.
SummaryColumns read_summary(hid_t id, const SweepHeader& h, size_t algorithm) {
  const size_t points = static_cast<size_t>(h.points);
  const auto row = [&](auto all) {
    if (all.size() != h.algorithms.size() * points) throw InputError("the summary arrays do not match the axes");
    return decltype(all)(all.begin() + static_cast<long>(algorithm * points),
                         all.begin() + static_cast<long>((algorithm + 1) * points));
  };
  return {row(h5_read_all<int32_t>(id, "/evaluated")),        row(h5_read_all<int32_t>(id, "/feasible")),
          row(h5_read_all<double>(id, "/feasible_fraction")), row(h5_read_all<double>(id, "/mean_power_w")),
          row(h5_read_all<double>(id, "/mean_power_dbm")),    row(h5_read_all<double>(id, "/ci95_low_dbm")),
          row(h5_read_all<double>(id, "/ci95_high_dbm"))};
}

// Per algorithm and point, the certified gap 10·log10(P / LB) over the done instances where the
// algorithm has a solution and the file's "lower-bound" algorithm a positive bound: count, mean,
// p95 (the ceil(0.95 n)-th smallest), max. Not for the bound itself nor greedy-jpeg (another
// transmission scheme than the problem the bound relaxes): count 0, NaN.
struct GapColumns {
  std::vector<int32_t> count;
  std::vector<double> mean_db, p95_db, max_db;
};

std::vector<GapColumns> certified_gaps(hid_t id, const SweepHeader& h, size_t bound_index) {
  const size_t points = static_cast<size_t>(h.points);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<GapColumns> gaps(h.algorithms.size());
  const auto served = [](int8_t status) { return status == 0 || status == 1; };  // optimal / feasible
  for (size_t p = 0; p < points; ++p) {
    const std::vector<uint8_t> done = read_point_done(id, h, p);
    std::vector<double> bound_w, power_w;
    std::vector<int8_t> bound_status, status;
    read_point_results(id, h, bound_index, p, bound_w, bound_status);
    for (size_t a = 0; a < h.algorithms.size(); ++a) {
      std::vector<double> g;
      if (a != bound_index && h.algorithms[a] != "greedy-jpeg") {
        read_point_results(id, h, a, p, power_w, status);
        for (size_t j = 0; j < done.size(); ++j)
          if (done[j] && served(status[j]) && served(bound_status[j]) && bound_w[j] > 0.0 && std::isfinite(power_w[j]))
            g.push_back(power_w[j] <= bound_w[j] ? 0.0 : 10.0 * std::log10(power_w[j] / bound_w[j]));
      }
      std::sort(g.begin(), g.end());
      double sum = 0.0;
      for (double v : g) sum += v;
      const size_t n = g.size();
      const double n_d = static_cast<double>(n);
      gaps[a].count.push_back(static_cast<int32_t>(n));
      gaps[a].mean_db.push_back(n ? sum / n_d : nan);
      gaps[a].p95_db.push_back(n ? g[std::min(n - 1, static_cast<size_t>(std::ceil(0.95 * n_d)) - 1)] : nan);
      gaps[a].max_db.push_back(n ? g.back() : nan);
    }
  }
  return gaps;
}

// snprintf into `out`: the report's fixed-width columns.
template <typename... Args>
void print(std::ostream& out, const char* format, Args... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, format, args...);
  out << buffer;
}

// A row's first columns: its label, then the axes' names (the header row) or point p's values.
void axis_names(std::ostream& out, const char* label, const SweepHeader& h) {
  print(out, "%-14s", label);
  for (const std::string& field : h.axis_fields) print(out, " %24s", field.c_str());
}
void axis_values(std::ostream& out, const char* label, const SweepHeader& h, size_t point) {
  const size_t axes = h.axis_fields.size();
  print(out, "%-14s", label);
  for (size_t k = 0; k < axes; ++k) print(out, " %24g", h.axis_values[point * axes + k]);
}

// Paired stopping's difference A - B at every point, from the instances in the file (those done):
// the same numbers the run stopped on, since it stopped after exactly these instances.
std::string paired_table(hid_t id, const SweepHeader& h) {
  const auto index_of = [&](const std::string& name) {
    return static_cast<size_t>(std::find(h.algorithms.begin(), h.algorithms.end(), name) - h.algorithms.begin());
  };
  const size_t a = index_of(h.target_ci_paired[0]), b = index_of(h.target_ci_paired[1]);
  std::ostringstream out;
  out << "paired difference " << h.target_ci_paired[0] << " - " << h.target_ci_paired[1]
      << " (dB, over the instances both serve; 95% CI 1.96 s/sqrt(n)):\n";
  axis_names(out, "", h);
  print(out, " %9s %9s %10s %9s\n", "pairs", "unpaired", "mean dB", "+-dB");
  std::vector<double> power_a, power_b;
  std::vector<int8_t> status_a, status_b;
  for (size_t p = 0; p < static_cast<size_t>(h.points); ++p) {
    read_point_results(id, h, a, p, power_a, status_a);
    read_point_results(id, h, b, p, power_b, status_b);
    const std::vector<uint8_t> done = read_point_done(id, h, p);
    for (size_t j = 0; j < done.size(); ++j)
      if (!done[j]) status_a[j] = status_b[j] = -1;  // not counted until marked done
    const PairedSummary s = summarize_paired(power_a.data(), status_a.data(), power_b.data(), status_b.data(), done.size());
    axis_values(out, "paired", h, p);
    print(out, " %9u %9u %10.4f %9.4f\n", s.pairs, s.unpaired, s.mean_db, s.ci95_half_width_db);
  }
  return out.str();
}

}  // namespace

std::string sweep_report(const std::string& path, bool csv, std::string* partial_note) {
  const VerifiedSweepFile f = open_verified_sweep_file(path);
  const SweepHeader& h = f.header;
  const hid_t id = f.handle->get();
  const size_t axes = h.axis_fields.size();
  std::vector<SummaryColumns> summaries;
  size_t done_pairs = 0;
  for (size_t a = 0; a < h.algorithms.size(); ++a)
    summaries.push_back(h.complete ? read_summary(id, h, a) : summarize_columns(id, h, a, &done_pairs));
  // An adaptive run's per-point record (written as each point stops, so also in a .partial).
  const size_t cells = h.algorithms.size() * static_cast<size_t>(h.points);
  std::vector<double> half_width_db;
  std::vector<int8_t> stop_reason;
  if (h.adaptive()) {
    half_width_db = h5_read_all<double>(id, "/ci95_half_width_db");
    stop_reason = h5_read_all<int8_t>(id, "/stop_reason");
    if (half_width_db.size() != cells || stop_reason.size() != cells)
      throw InputError(quoted_input(path) + ": the adaptive run's arrays do not match the axes");
  }
  const auto reason_text = [&](size_t cell) {
    switch (stop_reason[cell]) {
      case 1: return "target";
      case 2: return "cap";
      default: return "running";
    }
  };
  // With a "lower-bound" algorithm in the file: the certified gap columns (older files have none).
  const auto bound_at = std::find(h.algorithms.begin(), h.algorithms.end(), std::string("lower-bound"));
  const bool with_gaps = bound_at != h.algorithms.end();
  const std::vector<GapColumns> gaps =
      with_gaps ? certified_gaps(id, h, static_cast<size_t>(bound_at - h.algorithms.begin())) : std::vector<GapColumns>();
  std::string note;
  if (!h.complete) {
    const size_t total = static_cast<size_t>(h.points) * h.instance_index.size();
    std::ostringstream line;
    print(line, "PARTIAL: %zu of %zu (point, instance) pairs done (%.1f%%); the run is going on or was interrupted",
          done_pairs, total, total ? 100.0 * static_cast<double>(done_pairs) / static_cast<double>(total) : 100.0);
    note = line.str();
  }
  if (partial_note) *partial_note = note;
  std::ostringstream out;
  if (csv) {
    out << "algorithm";
    for (const std::string& field : h.axis_fields) out << "," << field;
    out << ",instances,feasible,feasible_fraction,mean_power_dbm,ci95_low_dbm,ci95_high_dbm"
        << (h.adaptive() ? ",ci95_half_width_db,stop_reason" : "")
        << (with_gaps ? ",certified_gap_mean_db,certified_gap_p95_db,certified_gap_max_db\n" : "\n");
  } else {
    out << "sweep '" << h.sweep_name << "': " << h.points << " points x " << (h.adaptive() ? "up to " : "")
        << h.instances_per_point << " instances, seed " << h.seed << ", config " << h.config_sha256.substr(0, 12)
        << "\n";
    if (h.adaptive() && !h.target_ci_paired.empty())
      out << "adaptive, paired: each point stopped when the 95% CI half-width of the paired difference "
          << h.target_ci_paired[0] << " - " << h.target_ci_paired[1] << " (mean of 10 log10(P_A/P_B) over the instances "
          << "both serve) was <= " << h.target_ci_db << " dB (blocks of " << h.block_instances
          << " instances) or at the cap\n";
    else if (h.adaptive())
      out << "adaptive: each point stopped when every algorithm's 95% CI half-width was <= " << h.target_ci_db
          << " dB (blocks of " << h.block_instances << " instances) or at the cap\n";
    if (!note.empty()) out << note << "\n";
    axis_names(out, "algorithm", h);
    print(out, " %9s %9s %10s %21s", "instances", "feasible", "power dBm", "95% CI dBm");
    if (h.adaptive()) print(out, " %9s %7s", "+-dB", "stopped");
    if (with_gaps) out << "  certified gap dB: mean / p95 / max";
    out << "\n";
  }
  for (size_t k = 0; k < h.algorithms.size(); ++k) {
    const std::string& algorithm = h.algorithms[k];
    const auto& [count, feasible, fraction, mean_w, mean, low, high] = summaries[k];
    for (size_t p = 0; p < static_cast<size_t>(h.points); ++p) {
      if (csv) {
        out << algorithm;
        for (size_t a = 0; a < axes; ++a) out << "," << h.axis_values[p * axes + a];
        print(out, ",%d,%d,%.6f,%.6f,%.6f,%.6f", count[p], feasible[p], fraction[p], mean[p], low[p], high[p]);
        if (h.adaptive()) print(out, ",%.6f,%s", half_width_db[k * h.points + p], reason_text(k * h.points + p));
        if (with_gaps) print(out, ",%.6f,%.6f,%.6f", gaps[k].mean_db[p], gaps[k].p95_db[p], gaps[k].max_db[p]);
        out << "\n";
      } else {
        axis_values(out, algorithm.c_str(), h, p);
        print(out, " %9d %8.1f%% %10.2f %10.2f .. %6.2f", count[p], 100.0 * fraction[p], mean[p], low[p], high[p]);
        if (h.adaptive()) print(out, " %9.3f %7s", half_width_db[k * h.points + p], reason_text(k * h.points + p));
        if (with_gaps && gaps[k].count[p] > 0)
          print(out, "  %.4f / %.4f / %.4f", gaps[k].mean_db[p], gaps[k].p95_db[p], gaps[k].max_db[p]);
        else if (with_gaps)
          out << "  -";
        out << "\n";
      }
    }
  }
  if (!csv && !h.target_ci_paired.empty()) out << paired_table(id, h);
  return out.str();
}

}  // namespace leosem
