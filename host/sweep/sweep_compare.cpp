#include "sweep/sweep_compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "io/hdf5_util.hpp"
#include "sweep/merge_report.hpp"
#include "sweep/sweep_file.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

// Instances read at a time per (algorithm, point): memory stays bounded for any sweep size.
constexpr uint32_t kBlockInstances = 1u << 20;
// Rows of the differences table printed (all are counted and returned).
constexpr size_t kPrintedRows = 100;

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& v : values) text += (text.empty() ? "" : ", ") + v;
  return "[" + text + "]";
}

std::string number_text(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

std::string numbers_text(const std::vector<double>& values) {
  std::vector<std::string> text;
  for (double v : values) text.push_back(number_text(v));
  return joined(text);
}

// "instances 0..499 (shard 0/2)", or "no instances".
std::string instances_text(const SweepHeader& h) {
  if (h.instance_index.empty()) return "no instances";
  std::string text = std::to_string(h.instance_index.size()) + " instances " + std::to_string(h.instance_index.front()) +
                     ".." + std::to_string(h.instance_index.back());
  if (h.shard_count > 1) text += " (shard " + std::to_string(h.shard_index) + "/" + std::to_string(h.shard_count) + ")";
  return text;
}

// The first line where two texts differ, as "line N: A 'x', B 'y'".
std::string first_differing_line(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (size_t line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(sa, la)), more_b = static_cast<bool>(std::getline(sb, lb));
    if (!more_a && !more_b) return "the texts are equal";
    if (!more_a) la = "(end)";
    if (!more_b) lb = "(end)";
    if (!more_a || !more_b || la != lb) return "line " + std::to_string(line) + ": A " + quoted_input(la) + ", B " + quoted_input(lb);
  }
}

// Refuses two files that are not results of the same sweep, naming what differs.
void check_comparable(const VerifiedSweepFile& a, const VerifiedSweepFile& b) {
  for (const VerifiedSweepFile* f : {&a, &b})
    if (!f->header.complete)
      throw InputError("compare: " + quoted_input(f->path) + " is not complete (an unfinished run: resume it, then compare)");
  const SweepHeader &ha = a.header, &hb = b.header;
  const std::string which = " (A " + quoted_input(a.path) + ", B " + quoted_input(b.path) + ")";
  if (ha.algorithms != hb.algorithms)
    throw InputError("compare: the algorithms differ: A " + joined(ha.algorithms) + ", B " + joined(hb.algorithms) + which);
  if (ha.axis_fields != hb.axis_fields)
    throw InputError("compare: the axes differ: A " + joined(ha.axis_fields) + ", B " + joined(hb.axis_fields) + which);
  for (size_t k = 0; k < ha.axis_fields.size(); ++k)
    if (ha.axis_coordinates[k] != hb.axis_coordinates[k])
      throw InputError("compare: the values of axis " + ha.axis_fields[k] + " differ: A " +
                       numbers_text(ha.axis_coordinates[k]) + ", B " + numbers_text(hb.axis_coordinates[k]) + which);
  if (ha.seed != hb.seed)
    throw InputError("compare: the seeds differ: A " + std::to_string(ha.seed) + ", B " + std::to_string(hb.seed) + which);
  if (ha.instances_per_point != hb.instances_per_point)
    throw InputError("compare: the instances per point differ: A " + std::to_string(ha.instances_per_point) + ", B " +
                     std::to_string(hb.instances_per_point) + which);
  const auto paired_text = [](const SweepHeader& h) {
    return h.target_ci_paired.empty() ? std::string() : ", paired " + joined(h.target_ci_paired);
  };
  if (ha.adaptive() != hb.adaptive() || ha.target_ci_db != hb.target_ci_db || ha.block_instances != hb.block_instances ||
      ha.target_ci_paired != hb.target_ci_paired)
    throw InputError("compare: the adaptive settings differ: A target_ci_db " + number_text(ha.target_ci_db) +
                     " (blocks of " + std::to_string(ha.block_instances) + paired_text(ha) + "), B " +
                     number_text(hb.target_ci_db) + " (blocks of " + std::to_string(hb.block_instances) +
                     paired_text(hb) + ")" + which);
  if (ha.config_sha256 != hb.config_sha256)
    throw InputError("compare: the configurations differ (config_sha256 A " + ha.config_sha256.substr(0, 12) + ", B " +
                     hb.config_sha256.substr(0, 12) + "; config_text " + first_differing_line(ha.config_text, hb.config_text) +
                     ")" + which);
  if (ha.instance_index != hb.instance_index)
    throw InputError("compare: the files hold different instances: A " + instances_text(ha) + ", B " + instances_text(hb) +
                     " (compare a merged file with a whole run, or shards made with the same --shard)" + which);
}

// |10 log10(a/b)| for a, b > 0; 0 when equal; +inf otherwise (one side NaN or not positive).
double difference_db(double a, double b) {
  if (a == b || (std::isnan(a) && std::isnan(b))) return 0.0;
  if (a > 0.0 && b > 0.0) return std::fabs(10.0 * std::log10(a / b));
  return std::numeric_limits<double>::infinity();
}

class Comparer {
 public:
  Comparer(const VerifiedSweepFile& a, const VerifiedSweepFile& b, const CompareOptions& o) : a_(a), b_(b), o_(o) {}

  SweepComparison run() {
    const SweepHeader& h = a_.header;
    const size_t points = static_cast<size_t>(h.points), algorithms = h.algorithms.size();
    const uint32_t instances = static_cast<uint32_t>(h.instance_index.size());
    for (size_t p = 0; p < points; ++p) {
      for (uint32_t j0 = 0; j0 < instances; j0 += kBlockInstances) {
        const uint32_t n = std::min(kBlockInstances, instances - j0);
        for (size_t k = 0; k < algorithms; ++k) {
          const std::string& algorithm = h.algorithms[k];
          const H5Slab s = h.results_slab(k, p, j0, n);
          compare_power("power_w", algorithm, p, j0, read<double>("/power_w", s));
          compare_exact<int8_t>("status", algorithm, p, j0, read<int8_t>("/status", s));
          compare_exact<int32_t>("iterations", algorithm, p, j0, read<int32_t>("/iterations", s));
        }
        compare_exact<uint8_t>("done", "", p, j0, read<uint8_t>("/done", h.instances_slab(p, j0, n)));
      }
    }
    // The summary, [algorithm, axes...]: one value per (algorithm, point).
    compare_summary_exact<int32_t>("evaluated");
    compare_summary_exact<int32_t>("feasible");
    const auto means = read_all<double>("/mean_power_w");
    for (size_t cell = 0; cell < means.first.size(); ++cell)
      compare_value_power("mean_power_w", h.algorithms[cell / points], cell % points, std::nullopt, means.first[cell],
                          means.second[cell]);
    if (h.adaptive()) {
      compare_summary_exact<int32_t>("instances_used");
      compare_summary_exact<int8_t>("stop_reason");
    }
    for (auto& [key, difference] : tallies_) result_.differences.push_back(difference);
    result_.report = report();
    return result_;
  }

 private:
  using Pair = std::pair<std::vector<double>, std::vector<double>>;

  template <typename T>
  std::pair<std::vector<T>, std::vector<T>> read(const std::string& path, const H5Slab& s) const {
    return {h5_read_slab<T>(a_.handle->get(), path, s.start, s.count),
            h5_read_slab<T>(b_.handle->get(), path, s.start, s.count)};
  }

  template <typename T>
  std::pair<std::vector<T>, std::vector<T>> read_all(const std::string& path) const {
    std::pair<std::vector<T>, std::vector<T>> both{h5_read_all<T>(a_.handle->get(), path),
                                                   h5_read_all<T>(b_.handle->get(), path)};
    const size_t cells = a_.header.algorithms.size() * static_cast<size_t>(a_.header.points);
    if (both.first.size() != cells || both.second.size() != cells)
      throw InputError("compare: " + path + " does not have one value per algorithm and point (" +
                       std::to_string(cells) + ") in both files");
    return both;
  }

  CompareDifference& tally(const std::string& dataset, const std::string& algorithm, size_t point) {
    CompareDifference& d = tallies_[{order(dataset), algorithm_index(algorithm), point}];
    if (d.dataset.empty()) {
      d.dataset = dataset;
      d.algorithm = algorithm;
      d.point = point;
    }
    return d;
  }

  // One differing value; `instance` is the local column (none for the summary's values).
  void differ(const std::string& dataset, const std::string& algorithm, size_t point, std::optional<uint32_t> instance,
              double db) {
    CompareDifference& d = tally(dataset, algorithm, point);
    ++d.count;
    ++result_.values_differing;
    d.max_db = std::max(d.max_db, db);
    if (instance && d.first_instances.size() < o_.listed_instances)
      d.first_instances.push_back(a_.header.instance_index[*instance]);
  }

  void compare_value_power(const std::string& dataset, const std::string& algorithm, size_t point,
                           std::optional<uint32_t> instance, double a, double b) {
    ++result_.values_compared;
    const bool both_nan = std::isnan(a) && std::isnan(b);
    if (a == b || both_nan) return;
    const double db = difference_db(a, b);
    ++result_.power_inexact;
    if (std::isfinite(db)) result_.power_inexact_max_db = std::max(result_.power_inexact_max_db, db);
    const bool within = (!std::isnan(a) && !std::isnan(b) && std::fabs(a - b) <= o_.rtol * std::max(std::fabs(a), std::fabs(b))) ||
                        db <= o_.atol_db;
    if (!within) differ(dataset, algorithm, point, instance, db);
  }

  void compare_power(const std::string& dataset, const std::string& algorithm, size_t point, uint32_t j0, const Pair& v) {
    for (size_t j = 0; j < v.first.size(); ++j)
      compare_value_power(dataset, algorithm, point, j0 + static_cast<uint32_t>(j), v.first[j], v.second[j]);
  }

  template <typename T>
  void compare_exact(const std::string& dataset, const std::string& algorithm, size_t point, uint32_t j0,
                     const std::pair<std::vector<T>, std::vector<T>>& v) {
    result_.values_compared += v.first.size();
    for (size_t j = 0; j < v.first.size(); ++j)
      if (v.first[j] != v.second[j]) differ(dataset, algorithm, point, j0 + static_cast<uint32_t>(j), 0.0);
  }

  template <typename T>
  void compare_summary_exact(const std::string& dataset) {
    const size_t points = static_cast<size_t>(a_.header.points);
    const auto v = read_all<T>("/" + dataset);
    result_.values_compared += v.first.size();
    for (size_t cell = 0; cell < v.first.size(); ++cell)
      if (v.first[cell] != v.second[cell])
        differ(dataset, a_.header.algorithms[cell / points], cell % points, std::nullopt, 0.0);
  }

  // Rows sorted by dataset (in the order compared), algorithm, point.
  static int order(const std::string& dataset) {
    static const std::vector<std::string> kOrder{"power_w",  "status",       "iterations",    "done",       "evaluated",
                                                 "feasible", "mean_power_w", "instances_used", "stop_reason"};
    return static_cast<int>(std::find(kOrder.begin(), kOrder.end(), dataset) - kOrder.begin());
  }
  size_t algorithm_index(const std::string& algorithm) const {
    const auto& all = a_.header.algorithms;
    return static_cast<size_t>(std::find(all.begin(), all.end(), algorithm) - all.begin());
  }

  std::string point_text(size_t point) const {
    const SweepHeader& h = a_.header;
    const size_t axes = h.axis_fields.size();
    if (axes == 0) return "-";
    std::string text;
    char buffer[64];
    for (size_t k = 0; k < axes; ++k) {
      std::snprintf(buffer, sizeof buffer, "%g", h.axis_values[point * axes + k]);
      text += (k ? " " : "") + h.axis_fields[k] + "=" + buffer;
    }
    return text;
  }

  std::string report() const {
    const SweepHeader &h = a_.header, &hb = b_.header;
    std::ostringstream out;
    char buffer[512];
    out << "compare: A '" << a_.path << "', B '" << b_.path << "': sweep '" << h.sweep_name << "', "
        << h.algorithms.size() << " algorithms x " << h.points << " points x " << h.instance_index.size()
        << " instances, config " << h.config_sha256.substr(0, 12) << "\n";
    for (const auto& [name, x] : {std::pair<const char*, const SweepHeader*>{"A", &h}, {"B", &hb}})
      out << "  " << name << ": backend " << x->backend << " (" << x->device << "), leosem " << x->leosem_version << " ("
          << x->git_commit << ")" << (x->shard_count > 1 ? ", shard " + std::to_string(x->shard_index) + "/" +
                                                               std::to_string(x->shard_count)
                                                         : "")
          << "\n";
    if (o_.rtol == 0.0 && o_.atol_db == 0.0)
      out << "tolerance: powers exactly equal (NaN equals NaN); status, iterations, done flags and counts exactly\n";
    else
      out << "tolerance: powers within relative " << o_.rtol << " or " << o_.atol_db
          << " dB (NaN equals NaN); status, iterations, done flags and counts exactly\n";
    std::string inexact;
    if (result_.power_inexact == 0) inexact = "every power value exactly equal";
    else {
      std::snprintf(buffer, sizeof buffer, "%llu power values not exactly equal (at most %.3g dB apart where both are > 0)",
                    static_cast<unsigned long long>(result_.power_inexact), result_.power_inexact_max_db);
      inexact = buffer;
    }
    if (result_.equal()) {
      out << (result_.power_inexact ? "EQUAL within the tolerance: " : "EQUAL: ") << result_.values_compared
          << " values compared; " << inexact << "\n";
      return out.str();
    }
    out << "DIFFERENT: " << result_.values_differing << " of " << result_.values_compared
        << " values differ beyond the tolerance, in " << result_.differences.size()
        << " (dataset, algorithm, point) cells; " << inexact << "\n";
    std::snprintf(buffer, sizeof buffer, "%-14s %-14s %-32s %10s %10s  %s\n", "dataset", "algorithm", "point",
                  "differing", "max dB", "first instances");
    out << buffer;
    for (size_t r = 0; r < result_.differences.size() && r < kPrintedRows; ++r) {
      const CompareDifference& d = result_.differences[r];
      std::string db = "-", first;
      if (d.dataset == "power_w" || d.dataset == "mean_power_w") {
        std::snprintf(buffer, sizeof buffer, "%.3g", d.max_db);
        db = buffer;
      }
      for (uint32_t i : d.first_instances) first += (first.empty() ? "" : ", ") + std::to_string(i);
      if (d.first_instances.size() < d.count && !d.first_instances.empty()) first += ", ...";
      if (first.empty()) first = "-";
      std::snprintf(buffer, sizeof buffer, "%-14s %-14s %-32s %10llu %10s  %s\n", d.dataset.c_str(),
                    d.algorithm.empty() ? "(all)" : d.algorithm.c_str(), point_text(d.point).c_str(),
                    static_cast<unsigned long long>(d.count), db.c_str(), first.c_str());
      out << buffer;
    }
    if (result_.differences.size() > kPrintedRows)
      out << "... and " << result_.differences.size() - kPrintedRows << " more cells\n";
    return out.str();
  }

  const VerifiedSweepFile &a_, &b_;
  const CompareOptions& o_;
  SweepComparison result_;
  std::map<std::tuple<int, size_t, size_t>, CompareDifference> tallies_;
};

}  // namespace

SweepComparison compare_sweep_files(const std::string& path_a, const std::string& path_b, const CompareOptions& options) {
  if (!(options.rtol >= 0.0) || !std::isfinite(options.rtol))
    throw InputError("compare: --rtol must be a finite number >= 0 (got " + number_text(options.rtol) + ")");
  if (!(options.atol_db >= 0.0) || !std::isfinite(options.atol_db))
    throw InputError("compare: --atol-db must be a finite number of dB >= 0 (got " + number_text(options.atol_db) + ")");
  const VerifiedSweepFile a = open_verified_sweep_file(path_a);
  const VerifiedSweepFile b = open_verified_sweep_file(path_b);
  check_comparable(a, b);
  return Comparer(a, b, options).run();
}

}  // namespace leosem
