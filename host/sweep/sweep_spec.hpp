// Sweep files (TOML): a base scenario, axes over any scenario field, instances per point,
// algorithms and the seed (reference: docs/sweeps.md). Each sweep point is the base scenario
// with the axis values set, parsed and validated exactly as a scenario file is.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace leosem {

struct SweepAxis {
  std::string field;          // dotted scenario field, e.g. "users.deadline_mean_slots"
  std::vector<double> values;
  bool integer = false;       // values are written as TOML integers (for integer fields)
};

// `leosem run --set FIELD=VALUE`: a scenario field set in the base scenario's TOML before it is
// parsed and validated (VALUE is TOML: 10, 0.5, "text", [1, 2]).
struct FieldOverride {
  std::string field;       // dotted scenario field, e.g. "users.count"
  std::string value_toml;  // the value as TOML text, normalised (what the output records)
};

// The certified lower bound's algorithm name (solvers/solve.cpp): what the sweep key lower_bound adds.
inline constexpr const char* kLowerBoundAlgorithm = "lower-bound";

struct SweepSpec {
  std::string name;
  std::string origin;               // the sweep file's path, for messages
  std::string sweep_text;           // the sweep file as given
  std::string scenario_origin;      // the base scenario's path
  std::string scenario_text;        // the base scenario as given
  std::vector<SweepAxis> axes;      // points are their Cartesian product, last axis fastest
  uint32_t instances = 0;           // per point
  std::vector<std::string> algorithms;
  // Sweep key lower_bound (default true): the certified lower bound (MODEL §7.5) stored per
  // instance as the algorithm "lower-bound", appended to `algorithms` when not listed, so every
  // file names it like any algorithm. lower_bound_appended: it was appended (not listed).
  bool lower_bound = true;
  bool lower_bound_appended = false;
  uint64_t seed = 1;
  // false (default): common random numbers, instance i is keyed (seed, 0, i) at every point, so
  // the swept field changes only what it governs (MODEL §8); true: keyed (seed, point, i).
  bool independent_points = false;
  // SHA-256 of the data files the scenario reads (JPEG table, quality grid): part of the
  // resolved text, so shards made with different data never merge.
  std::string data_digests;
  // Command-line changes (--set, --instances), applied on top of the files and recorded in the
  // resolved text, so they are part of the configuration hash.
  std::vector<FieldOverride> overrides;
  bool instances_overridden = false;
  // Adaptive Monte Carlo (docs/sweeps.md#adaptive-monte-carlo): with target_ci_db > 0 each point
  // adds instances in blocks of block_instances (0, 1, ... in order) until every algorithm's
  // 95 % CI half-width of its mean power is <= target_ci_db dB, or `instances` (then the cap) are
  // used. 0: a fixed count, `instances` per point.
  double target_ci_db = 0.0;
  uint32_t block_instances = 0;  // as given; 0: the default (adaptive_block())
  bool target_ci_overridden = false, block_instances_overridden = false;  // from the command line
  // Paired stopping (sweep key target_ci_paired, run --target-ci-paired A,B): empty, or two
  // algorithms of the sweep; the point then stops when the 95 % CI half-width of the mean paired
  // difference 10 log10(P_A/P_B) over the instances both serve (summarize_paired) is <= target_ci_db
  // dB, instead of every algorithm's mean.
  std::vector<std::string> target_ci_paired;
  bool target_ci_paired_overridden = false;
  bool adaptive() const { return target_ci_db > 0.0; }
  bool paired_stopping() const { return target_ci_paired.size() == 2; }
  uint32_t adaptive_block() const;  // the block size of an adaptive run

  size_t point_count() const;
  // Axis values of point p, one per axis.
  std::vector<double> point_values(size_t point) const;
  // The random key of instance i at point p (see independent_points).
  InstanceKey instance_key(size_t point, uint32_t instance) const {
    return {seed, independent_points ? static_cast<uint32_t>(point) : 0u, instance};
  }
  // The resolved text and its SHA-256 (hex): what identifies a sweep's results (file contents,
  // not paths, so shards run from different directories agree).
  std::string resolved_text() const;
  std::string config_sha256() const;
};

// `known_algorithms`: the names the caller can run; others are rejected naming the field.
SweepSpec load_sweep_file(const std::string& path, const std::vector<std::string>& known_algorithms);
SweepSpec parse_sweep(const std::string& text, const std::string& origin, const std::string& base_dir,
                      const std::vector<std::string>& known_algorithms);

// Adaptive runs: the block size when a target is given without one (at most `instances`), the
// most instances a point may have (one point's results are held in memory while it runs), and
// the fewest served instances an algorithm needs before its interval can stop a point.
inline constexpr uint32_t kDefaultBlockInstances = 50;
inline constexpr uint32_t kMaxAdaptiveInstances = 10000000;
inline constexpr uint32_t kMinServedToStop = 10;

// Applies `leosem run --set FIELD=VALUE` (each "FIELD=VALUE"), --instances (when != 0),
// --target-ci, --block-instances and --target-ci-paired ("A,B"; names checked against
// known_algorithms and the sweep's) when set to a loaded sweep, and validates every point
// again. Errors name the option, the field and the reason.
void apply_overrides(SweepSpec& spec, const std::vector<std::string>& set, int64_t instances,
                     std::optional<double> target_ci_db = std::nullopt,
                     std::optional<int64_t> block_instances = std::nullopt,
                     std::optional<std::string> target_ci_paired = std::nullopt,
                     const std::vector<std::string>& known_algorithms = {});

// The scenario of point p (validated; errors name the axis field and the point).
ScenarioConfig point_scenario(const SweepSpec& spec, size_t point);

}  // namespace leosem
