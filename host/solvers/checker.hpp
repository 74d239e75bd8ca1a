// An independent feasibility checker (issue 4): recomputes every constraint of MODEL.md §6 from
// the Instance and the quality model / JPEG table alone, sharing no code with the solvers.
#pragma once
#include <string>
#include <vector>

#include "model/instance.hpp"
#include "quality/jpeg_table.hpp"
#include "quality/quality_model.hpp"
#include "solvers/solution.hpp"

namespace leosem {

struct CheckReport {
  std::vector<std::string> violations;  // one line per violated constraint; empty = feasible
  bool ok() const { return violations.empty(); }
  std::string summary(size_t max_lines = 5) const;
};

// Checks a solution with status Optimal or Feasible: array sizes, option indices, C1 (one UE
// per resource, no power on unused resources), C2 (one SC per UE and slot), deadlines (t < T_k),
// usable gain (g > 0), resource counts (C7: >= D_k(ρ_k), and `resources` matches), the quality
// constraint (JSCC: p·g >= Γ(ξ_k; ρ_k) on every used resource; JPEG: SSIM(q_k) >= ξ_k and the
// Shannon bits delivered >= |I_k|·bits(q_k)), the per-slot budget Σ_n p <= P_max, and that
// total_power_w equals Σ p. Tolerances are relative 1e-9 (rounding of the arithmetic only).
// `jpeg` is needed only for Scheme::Jpeg solutions.
CheckReport check_solution(const Instance& inst, const QualityModel& quality, const JpegTableView* jpeg,
                           const Solution& sol);

}  // namespace leosem
