// The HDF5 file of a sweep run (schema leosem-sweep-2: docs/sweep-output.md). Self-describing:
// per-instance arrays [algorithm, axis..., instance] with HDF5 dimension scales (coordinates),
// units and status flag meanings, text as variable-length UTF-8. A run writes FILE.partial with
// fixed-size datasets (the summary's included) allocated up front, so later writes touch raw
// data only, a killed run leaves a readable file and a full disk stops the run at its start;
// /done marks finished (point, instance) pairs for --resume. Every dataset carries Fletcher-32
// checksums, verified on resume. finalize() writes the summary, marks the file complete, syncs
// it and renames it to FILE.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "backends/stored_result.hpp"
#include "sweep/sweep_spec.hpp"

namespace leosem {

struct Shard {
  uint32_t index = 0;  // I of --shard I/N (0-based)
  uint32_t count = 1;  // N
  // This shard's slice of instance indices: [first, first + size).
  uint32_t first(uint32_t instances) const;
  uint32_t size(uint32_t instances) const;
};

inline constexpr const char* kSweepFormat = "leosem-sweep-2";

// A hyperslab of a dataset: its first element and extent per dimension (h5_read_slab / h5_write_slab).
struct H5Slab {
  std::vector<hsize_t> start, count;
};

// The root attributes and the point table of a sweep file: what identifies its results.
struct SweepHeader {
  std::string format = kSweepFormat;
  std::string leosem_version, git_commit, backend, device, driver_version, runtime_version, sweep_name, config_text, config_sha256;
  std::vector<std::string> algorithms, axis_fields;
  std::vector<std::string> overrides;  // `run --instances/--set`, as "instances = N", "field = value"
  int64_t seed = 0, instances_per_point = 0, points = 0, shard_index = 0, shard_count = 1, complete = 0;
  std::vector<std::vector<double>> axis_coordinates;  // per axis, its values (the dimension scales)
  std::vector<double> axis_values;                    // [points][axes], points in C order (last axis fastest)
  std::vector<uint32_t> instance_index;               // the global instance indices this file holds
  // Adaptive runs only (0 otherwise): the target half-width and the block size; the file then has
  // /instances_used, /stop_reason and /ci95_half_width_db, and instances_per_point is the cap.
  double target_ci_db = 0.0;
  int64_t block_instances = 0;
  // Paired stopping (attribute target_ci_paired, two algorithm names A, B): the target was on the
  // paired difference A - B (summarize_paired), not on each mean. Empty otherwise.
  std::vector<std::string> target_ci_paired;
  bool adaptive() const { return target_ci_db > 0.0; }

  // Index of point p along each axis.
  std::vector<hsize_t> point_indices(size_t point) const;
  std::vector<hsize_t> axis_sizes() const;
  // Where point p's instances [first, first + n) lie: in an [axes..., instance] array (/done), or
  // in algorithm a's row of an [algorithm, axes..., instance] array (/power_w, /status, ...).
  H5Slab instances_slab(size_t point, hsize_t first, hsize_t n) const;
  H5Slab results_slab(size_t algorithm, size_t point, hsize_t first, hsize_t n) const;
};


SweepHeader make_header(const SweepSpec& spec, const Shard& shard, const RunIdentity& who);
// Creates the whole layout of a sweep file (attributes, points, instances, filled result
// datasets) in an empty, open HDF5 file.
void create_sweep_layout(hid_t file, const SweepHeader& header);
SweepHeader read_sweep_header(hid_t file);
// The root attribute `complete`: 1 once the summary is written (finalize, merge).
void set_complete(hid_t file, bool complete);

// Why a point of an adaptive run stopped adding instances (/stop_reason).
enum class StopReason : int8_t { running = 0, target_reached = 1, cap_reached = 2 };

// How one point of an adaptive run ended: instances 0..instances_used-1 were evaluated.
struct PointStop {
  uint32_t instances_used = 0;
  StopReason reason = StopReason::running;
  std::vector<double> ci95_half_width_db;  // per algorithm, at the stop (ci95_half_width_db())
};

class SweepFile {
 public:
  // Creates `path`.partial for a new run of `spec` (shard) or, with resume, reopens it.
  static SweepFile create(const std::string& path, const SweepSpec& spec, const Shard& shard, const RunIdentity& who);
  static SweepFile resume(const std::string& path, const SweepSpec& spec, const Shard& shard);
  ~SweepFile();
  SweepFile(SweepFile&& other) noexcept;
  SweepFile(const SweepFile&) = delete;
  SweepFile& operator=(const SweepFile&) = delete;

  size_t points() const { return static_cast<size_t>(layout_.points); }
  uint32_t shard_instances() const { return static_cast<uint32_t>(layout_.instance_index.size()); }
  // What resume() repaired ("" when nothing): see repair_failed_writes.
  const std::string& repair_note() const { return repair_note_; }

  // done[p * shard_instances + j]
  std::vector<uint8_t> read_done() const;
  // Writes results of local instances [j0, j0 + n) of point p: results[a * stride + j] for
  // algorithm a (a backend's chunk, as evaluated), flushes, then marks them done and flushes again
  // (so done never precedes the data).
  void write_block(size_t point, uint32_t j0, uint32_t n, const StoredResult* results, size_t stride);
  // One point's stored results of algorithm a over its done instances (status -1 elsewhere).
  void read_point(size_t point, size_t algorithm, std::vector<double>& power_w, std::vector<int8_t>& status) const;
  // Adaptive runs: records how point p ended (after its results are written).
  void write_point_stop(size_t point, const PointStop& stop);
  // Computes the summary from the stored results, marks complete, closes and renames.
  void finalize();

 private:
  SweepFile(const std::string& path, const SweepSpec& spec, const Shard& shard);
  std::string path_, partial_path_;
  hid_t file_ = -1;
  SweepHeader layout_;  // the shapes (axes, instances) the file was created with
  std::string repair_note_;
};

// Makes a .partial whose writes failed half-way resumable: every chunk of the datasets a run
// writes (results, done flags, summary, stop records) that fails its Fletcher-32 check is reset to
// its fill value, and the instances whose results it held are marked not done, to be computed
// again. Returns a line saying what was reset, "" when nothing was. Other damage is left for the
// verification that follows to refuse.
std::string repair_failed_writes(hid_t file, const SweepHeader& layout);

// Summary statistics of one (point, algorithm), over the instances in a file.
struct PointSummary {
  uint32_t instances = 0;
  uint32_t feasible = 0;
  double mean_power_w = 0.0;  // over feasible instances (NaN if none)
  double ci95_half_w = 0.0;   // 1.96 · s / sqrt(n) (NaN if fewer than 2)
};

PointSummary summarize(const double* power_w, const int8_t* status, size_t count);
inline PointSummary summarize(const std::vector<double>& power_w, const std::vector<int8_t>& status) {
  return summarize(power_w.data(), status.data(), power_w.size());
}

// Half the width of the 95 % interval in dB, (ci95_high_dbm - ci95_low_dbm) / 2 =
// 5 log10((m + h) / (m - h)) for mean m and half-width h in W: what an adaptive run compares with
// its target. +inf when m <= h (the interval reaches 0 W), NaN below 2 served instances.
double ci95_half_width_db(const PointSummary& s);

// The paired difference of two algorithms A, B at one point: d_i = 10 log10(P_A,i / P_B,i) dB over
// the instances both serve (status 0 or 1, power > 0; others are left out and counted in
// `unpaired`), its mean and the 95 % CI half-width 1.96 s/sqrt(n) of that mean (dB; NaN below 2
// pairs). What paired stopping (target_ci_paired) compares with its target, and what
// `leosem report` prints for it.
struct PairedSummary {
  uint32_t pairs = 0;     // instances both serve
  uint32_t unpaired = 0;  // computed instances one or both do not serve
  double mean_db = 0.0;   // NaN if no pairs
  double ci95_half_width_db = 0.0;
};
PairedSummary summarize_paired(const double* power_a_w, const int8_t* status_a, const double* power_b_w,
                               const int8_t* status_b, size_t count);

// One point's per-instance data of one algorithm (algorithm index a), and its done flags.
void read_point_results(hid_t file, const SweepHeader& h, size_t algorithm, size_t point, std::vector<double>& power_w,
                        std::vector<int8_t>& status);
std::vector<uint8_t> read_point_done(hid_t file, const SweepHeader& h, size_t point);

// One algorithm's summary over the points: the rows of /evaluated ... /ci95_high_dbm.
struct SummaryColumns {
  std::vector<int32_t> count, feasible;
  std::vector<double> fraction, mean_w, mean_dbm, low_dbm, high_dbm;
};
// Computed from the stored results of algorithm a over the (point, instance) pairs marked done
// (what finalize writes; `report` on a partial file); sets *done_pairs to their number if given.
SummaryColumns summarize_columns(hid_t file, const SweepHeader& h, size_t algorithm, size_t* done_pairs = nullptr);

// Writes the summary arrays of an open file from its per-instance data (used by finalize and merge).
void write_summary(hid_t file, const SweepHeader& h);

}  // namespace leosem
