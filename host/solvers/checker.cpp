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
  auto fail = [&](const std::string& line) { report.violations.push_back(line); };
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;

  if (sol.status != SolveStatus::Optimal && sol.status != SolveStatus::Feasible) {
    fail(std::string("status is ") + to_string(sol.status) + ", not a solution");
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
      std::ostringstream out;
      out << "UE " << k << ": option " << sol.option[k] << " out of range [0, " << limit << ")";
      fail(out.str());
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
        std::ostringstream out;
        out << "UE " << k << ": SSIM " << inst.ssim_requirement[k] << " unreachable at rho = " << rho;
        fail(out.str());
        continue;
      }
      snr_required_lin[k] = std::isinf(r.snr_db) ? 0.0 : std::pow(10.0, r.snr_db / 10.0);
      // The inverse must really meet ξ: a check of the quality model's own consistency.
      if (!std::isinf(r.snr_db) && quality_ssim(quality, rho, r.snr_db) < inst.ssim_requirement[k] - 1e-9) {
        std::ostringstream out;
        out << "UE " << k << ": quality model inverse gives SSIM " << quality_ssim(quality, rho, r.snr_db)
            << " < " << inst.ssim_requirement[k];
        fail(out.str());
      }
    } else {
      const int q = sol.option[k];
      if (jpeg->mean_ssim[q] < inst.ssim_requirement[k]) {
        std::ostringstream out;
        out << "UE " << k << ": JPEG quality index " << q << " has SSIM " << jpeg->mean_ssim[q] << " < "
            << inst.ssim_requirement[k];
        fail(out.str());
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
        std::ostringstream out;
        out << "resource (n=" << n << ", t=" << t << "): power " << p << " W is not a finite value >= 0";
        fail(out.str());
        continue;
      }
      total_w += p;
      slot_power_w[t] += p;
      if (k < 0) {
        if (p > 0.0) {
          std::ostringstream out;
          out << "resource (n=" << n << ", t=" << t << "): power " << p << " W on an unused resource";
          fail(out.str());
        }
        continue;
      }
      if (k >= K) {
        std::ostringstream out;
        out << "resource (n=" << n << ", t=" << t << "): UE " << k << " does not exist";
        fail(out.str());
        continue;
      }
      ++count[k];
      if (++per_ue_slot[static_cast<size_t>(k) * T + t] > 1) {
        std::ostringstream out;
        out << "C2: UE " << k << " holds more than one SC in slot " << t;
        fail(out.str());
      }
      if (t >= inst.deadline_slots[k]) {
        std::ostringstream out;
        out << "deadline: UE " << k << " served in slot " << t << " >= T_k = " << inst.deadline_slots[k];
        fail(out.str());
      }
      const double g = inst.gain_per_watt[inst.knt(k, n, t)];
      if (!(g > 0.0)) {
        std::ostringstream out;
        out << "UE " << k << " uses unusable resource (n=" << n << ", t=" << t << ") with gain 0";
        fail(out.str());
        continue;
      }
      if (!is_jpeg) {
        if (p * g < snr_required_lin[k] * (1.0 - kRelTol)) {
          std::ostringstream out;
          out << "C6: UE " << k << " at (n=" << n << ", t=" << t << "): SNR " << p * g << " < required "
              << snr_required_lin[k];
          fail(out.str());
        }
      } else {
        bits_delivered[k] += symbols_per_resource * std::log2(1.0 + p * g);
      }
    }
  report.recomputed_power_w = total_w;

  for (int k = 0; k < K; ++k) {
    if (count[k] != sol.resources[k]) {
      std::ostringstream out;
      out << "UE " << k << ": reports " << sol.resources[k] << " resources but holds " << count[k];
      fail(out.str());
    }
    if (!is_jpeg) {
      const int need = inst.required_resources[inst.kl(k, sol.option[k])];
      if (count[k] < need) {
        std::ostringstream out;
        out << "C7: UE " << k << " holds " << count[k] << " resources < D_k = " << need;
        fail(out.str());
      }
    } else if (bits_delivered[k] < bits_required[k] * (1.0 - kRelTol)) {
      std::ostringstream out;
      out << "rate: UE " << k << " gets " << bits_delivered[k] << " bits < required " << bits_required[k];
      fail(out.str());
    }
  }
  for (int t = 0; t < T; ++t)
    if (slot_power_w[t] > inst.params.max_power_w * (1.0 + kRelTol)) {
      std::ostringstream out;
      out << "C5: slot " << t << " uses " << slot_power_w[t] << " W > P_max = " << inst.params.max_power_w << " W";
      fail(out.str());
    }
  if (std::fabs(total_w - sol.total_power_w) > kRelTol * std::fmax(total_w, 1e-300) + 1e-300) {
    std::ostringstream out;
    out << "total_power_w " << sol.total_power_w << " W differs from the sum of powers " << total_w << " W";
    fail(out.str());
  }
  return report;
}

}  // namespace leosem
