#include "solvers/checker.hpp"

#include <cmath>
#include <sstream>

namespace leosem {
namespace {

constexpr double kRelTol = 1e-9;


}  // namespace

std::string CheckReport::summary(size_t max_lines) const {
  std::ostringstream out;
  for (size_t i = 0; i < violations.size() && i < max_lines; ++i) out << (i ? "; " : "") << violations[i];
  if (violations.size() > max_lines) out << "; ... (" << violations.size() << " in all)";
  return out.str();
}

CheckReport check_solution(const Instance& inst, const QualityModel& quality, const JpegTableView* jpeg,
                           const Solution& sol) {
  CheckReport report;
  // One violation, its parts streamed in turn (numbers as an ostream writes them).
  const auto fail = [&](const auto&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    report.violations.push_back(out.str());
  };
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;

  if (sol.status != SolveStatus::Optimal && sol.status != SolveStatus::Feasible) {
    fail("status is ", to_string(sol.status), ", not a solution");
    return report;
  }
  if (static_cast<int>(sol.option.size()) != K || static_cast<int>(sol.resources.size()) != K ||
      static_cast<int>(sol.assigned_ue.size()) != N * T || static_cast<int>(sol.power_w.size()) != N * T) {
    fail("array sizes do not match the instance (K, N*T)");
    return report;
  }
  const bool is_jpeg = sol.scheme == Scheme::Jpeg;
  if (is_jpeg && jpeg == nullptr) {
    fail("a JPEG solution but no JPEG table to check it against");
    return report;
  }
  for (int k = 0; k < K; ++k) {
    const int limit = is_jpeg ? jpeg->count : L;
    if (sol.option[k] < 0 || sol.option[k] >= limit) {
      fail("UE ", k, ": option ", sol.option[k], " out of range [0, ", limit, ")");
    }
  }
  if (!report.ok()) return report;

  // Per-UE requirement, recomputed from the model.
  std::vector<double> snr_required_lin(K, 0.0);
  std::vector<double> bits_required(K, 0.0);
  const double symbols_per_resource =
      inst.params.bandwidth_hz / inst.params.subchannels * inst.params.slot_duration_s;
  for (int k = 0; k < K; ++k) {
    if (!is_jpeg) {
      const double rho = inst.params.compression_ratios[sol.option[k]];
      const RequiredSnr r = quality_required_snr_db(quality, inst.ssim_requirement[k], rho);
      if (!r.reachable || std::isnan(r.snr_db)) {
        fail("UE ", k, ": SSIM ", inst.ssim_requirement[k], " unreachable at rho = ", rho);
        continue;
      }
      snr_required_lin[k] = std::isinf(r.snr_db) ? 0.0 : std::pow(10.0, r.snr_db / 10.0);
      // The inverse must really meet ξ: a check of the quality model's own consistency.
      if (!std::isinf(r.snr_db) && quality_ssim(quality, rho, r.snr_db) < inst.ssim_requirement[k] - 1e-9) {
        fail("UE ", k, ": quality model inverse gives SSIM ", quality_ssim(quality, rho, r.snr_db), " < ",
             inst.ssim_requirement[k]);
      }
    } else {
      const int q = sol.option[k];
      if (jpeg->mean_ssim[q] < inst.ssim_requirement[k]) {
        fail("UE ", k, ": JPEG quality index ", q, " has SSIM ", jpeg->mean_ssim[q], " < ", inst.ssim_requirement[k]);
      }
      bits_required[k] = inst.images[k] * jpeg->bits_per_image[q];
    }
  }

  std::vector<int> count(K, 0);
  std::vector<int> per_ue_slot(static_cast<size_t>(K) * T, 0);
  std::vector<double> bits_delivered(K, 0.0);
  std::vector<double> slot_power_w(T, 0.0);
  double total_w = 0.0;
  for (int n = 0; n < N; ++n)
    for (int t = 0; t < T; ++t) {
      const int r = n * T + t;
      const int k = sol.assigned_ue[r];
      const double p = sol.power_w[r];
      if (!(p >= 0.0) || !std::isfinite(p)) {
        fail("resource (n=", n, ", t=", t, "): power ", p, " W is not a finite value >= 0");
        continue;
      }
      total_w += p;
      slot_power_w[t] += p;
      if (k < 0) {
        if (p > 0.0) {
          fail("resource (n=", n, ", t=", t, "): power ", p, " W on an unused resource");
        }
        continue;
      }
      if (k >= K) {
        fail("resource (n=", n, ", t=", t, "): UE ", k, " does not exist");
        continue;
      }
      ++count[k];
      if (++per_ue_slot[static_cast<size_t>(k) * T + t] > 1) {
        fail("C2: UE ", k, " holds more than one SC in slot ", t);
      }
      if (t >= inst.deadline_slots[k]) {
        fail("deadline: UE ", k, " served in slot ", t, " >= T_k = ", inst.deadline_slots[k]);
      }
      const double g = inst.gain_per_watt[inst.knt(k, n, t)];
      if (!(g > 0.0)) {
        fail("UE ", k, " uses unusable resource (n=", n, ", t=", t, ") with gain 0");
        continue;
      }
      if (!is_jpeg) {
        if (p * g < snr_required_lin[k] * (1.0 - kRelTol)) {
          fail("C6: UE ", k, " at (n=", n, ", t=", t, "): SNR ", p * g, " < required ", snr_required_lin[k]);
        }
      } else {
        bits_delivered[k] += symbols_per_resource * std::log2(1.0 + p * g);
      }
    }

  for (int k = 0; k < K; ++k) {
    if (count[k] != sol.resources[k]) {
      fail("UE ", k, ": reports ", sol.resources[k], " resources but holds ", count[k]);
    }
    if (!is_jpeg) {
      const int need = inst.required_resources[inst.kl(k, sol.option[k])];
      if (count[k] < need) {
        fail("C7: UE ", k, " holds ", count[k], " resources < D_k = ", need);
      }
    } else if (bits_delivered[k] < bits_required[k] * (1.0 - kRelTol)) {
      fail("rate: UE ", k, " gets ", bits_delivered[k], " bits < required ", bits_required[k]);
    }
  }
  for (int t = 0; t < T; ++t)
    if (slot_power_w[t] > inst.params.max_power_w * (1.0 + kRelTol)) {
      fail("C5: slot ", t, " uses ", slot_power_w[t], " W > P_max = ", inst.params.max_power_w, " W");
    }
  if (std::fabs(total_w - sol.total_power_w) > kRelTol * std::fmax(total_w, 1e-300) + 1e-300) {
    fail("total_power_w ", sol.total_power_w, " W differs from the sum of powers ", total_w, " W");
  }
  return report;
}

}  // namespace leosem
