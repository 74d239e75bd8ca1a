#include "solvers/exact_milp.hpp"

#include <coin/Cbc_C_Interface.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "solvers/solve.hpp"

namespace leosem {
namespace {

// CBC 2.10's C interface runs CbcMain1, which keeps global state: one solve at a time.
std::mutex& cbc_mutex() {
  static std::mutex m;
  return m;
}

struct CbcModelGuard {
  Cbc_Model* model;
  CbcModelGuard() : model(Cbc_newModel()) {}
  ~CbcModelGuard() { Cbc_deleteModel(model); }
  CbcModelGuard(const CbcModelGuard&) = delete;
  CbcModelGuard& operator=(const CbcModelGuard&) = delete;
};

// The model of solve_exact_milp (MODEL.md §7.4) built into `model`: columns y[k,l] then z[k,l,n,t]
// (usable (n, t) before the deadline), rows Σ_l y = 1, C2, C7, C1 and the per-slot budget, the
// objective in units of the cheapest usable resource. With drop_over_budget the z whose power
// alone exceeds P_max·(1 + 1e-9) are left out (no integral solution can use them; the LP
// relaxation gets tighter); without budget_rows the per-slot budget rows are left out.
// `reason` set (and nothing built) where a UE reaches its SSIM at no option.
struct MilpModel {
  struct ZCol {
    int k, l, n, t;
  };
  double unit = 0.0;
  int columns = 0, first_z = 0;
  std::vector<int> y_col;
  std::vector<ZCol> z_cols;
  std::vector<double> snr_lin;
  std::string reason;
};

MilpModel build_milp(const Instance& inst, const QualityModel& quality, bool drop_over_budget, bool budget_rows,
                     Cbc_Model* model) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  MilpModel m;
  std::vector<double>& snr_lin = m.snr_lin;
  snr_lin = required_snr_table(inst, quality);
  double& unit = m.unit;
  for (int k = 0; k < K; ++k) {
    if (std::all_of(snr_lin.begin() + k * L, snr_lin.begin() + (k + 1) * L, [](double s) { return s < 0.0; })) {
      m.reason = "quality unreachable: UE " + std::to_string(k) + " needs SSIM " +
                 std::to_string(inst.ssim_requirement[k]) + ", above what any option reaches";
      return m;
    }
  }
  const double drop_above_w = drop_over_budget ? inst.params.max_power_w * (1.0 + 1e-9) : HUGE_VAL;
  const auto usable = [&](int k, int l, int n, int t) {
    const double g = inst.gain_per_watt[inst.knt(k, n, t)];
    return g > 0.0 && snr_lin[inst.kl(k, l)] / g <= drop_above_w;
  };
  // Objective in units of the cheapest usable resource cost: keeps coefficients near 1.
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l)
      if (snr_lin[inst.kl(k, l)] > 0.0)
        for (int n = 0; n < N; ++n)
          for (int t = 0; t < std::min(inst.deadline_slots[k], T); ++t) {
            const double g = inst.gain_per_watt[inst.knt(k, n, t)];
            if (usable(k, l, n, t)) {
              const double c = snr_lin[inst.kl(k, l)] / g;
              if (unit == 0.0 || c < unit) unit = c;
            }
          }
  if (unit <= 0.0) unit = 1.0;

  Cbc_setLogLevel(model, 0);
  Cbc_setObjSense(model, 1.0);
  Cbc_setParameter(model, "threads", "1");
  Cbc_setParameter(model, "log", "0");
  Cbc_setParameter(model, "slog", "0");

  // Columns: y[k,l] then z[k,l,n,t] for usable (n, t).
  std::vector<int>& y_col = m.y_col;
  y_col.assign(static_cast<size_t>(K) * L, -1);
  using ZCol = MilpModel::ZCol;
  std::vector<ZCol>& z_cols = m.z_cols;
  int& columns = m.columns;
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l)
      if (snr_lin[inst.kl(k, l)] >= 0.0) {
        Cbc_addCol(model, ("c" + std::to_string(columns)).c_str(), 0.0, 1.0, 0.0, 1, 0, nullptr, nullptr);
        y_col[inst.kl(k, l)] = columns++;
      }
  m.first_z = columns;
  const int first_z = columns;
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) {
      if (y_col[inst.kl(k, l)] < 0) continue;
      for (int n = 0; n < N; ++n)
        for (int t = 0; t < std::min(inst.deadline_slots[k], T); ++t) {
          const double g = inst.gain_per_watt[inst.knt(k, n, t)];
          if (!usable(k, l, n, t)) continue;
          // CBC's MIP start looks columns up by name: every column gets one.
          Cbc_addCol(model, ("c" + std::to_string(columns)).c_str(), 0.0, 1.0, snr_lin[inst.kl(k, l)] / g / unit, 1,
                     0, nullptr, nullptr);
          z_cols.push_back({k, l, n, t});
          ++columns;
        }
    }

  // Rows, built from per-row column lists.
  std::vector<std::vector<int>> c2_rows(static_cast<size_t>(K) * L * T);  // Σ_n z[k,l,n,t] - y <= 0
  std::vector<std::vector<int>> c1_rows(static_cast<size_t>(N) * T);      // Σ_{k,l} z <= 1
  std::vector<std::vector<int>> c7_rows(static_cast<size_t>(K) * L);      // Σ z - D y >= 0
  std::vector<std::vector<int>> budget_cols(T);
  std::vector<std::vector<double>> budget_coef(T);
  for (size_t i = 0; i < z_cols.size(); ++i) {
    const ZCol& z = z_cols[i];
    const int col = first_z + static_cast<int>(i);
    c2_rows[(static_cast<size_t>(z.k) * L + z.l) * T + z.t].push_back(col);
    c1_rows[static_cast<size_t>(z.n) * T + z.t].push_back(col);
    c7_rows[inst.kl(z.k, z.l)].push_back(col);
    const double p_w = snr_lin[inst.kl(z.k, z.l)] / inst.gain_per_watt[inst.knt(z.k, z.n, z.t)];
    if (p_w > 0.0) {
      budget_cols[z.t].push_back(col);
      budget_coef[z.t].push_back(p_w / inst.params.max_power_w);
    }
  }
  std::vector<int> cols;
  std::vector<double> coefs;
  for (int k = 0; k < K; ++k) {  // Σ_l y = 1
    cols.clear();
    coefs.clear();
    for (int l = 0; l < L; ++l)
      if (y_col[inst.kl(k, l)] >= 0) {
        cols.push_back(y_col[inst.kl(k, l)]);
        coefs.push_back(1.0);
      }
    Cbc_addRow(model, "", static_cast<int>(cols.size()), cols.data(), coefs.data(), 'E', 1.0);
  }
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) {
      const int y = y_col[inst.kl(k, l)];
      if (y < 0) continue;
      for (int t = 0; t < T; ++t) {
        const std::vector<int>& row = c2_rows[(static_cast<size_t>(k) * L + l) * T + t];
        if (row.empty()) continue;
        cols.assign(row.begin(), row.end());
        coefs.assign(row.size(), 1.0);
        cols.push_back(y);
        coefs.push_back(-1.0);
        Cbc_addRow(model, "", static_cast<int>(cols.size()), cols.data(), coefs.data(), 'L', 0.0);
      }
      const std::vector<int>& row = c7_rows[inst.kl(k, l)];
      cols.assign(row.begin(), row.end());
      coefs.assign(row.size(), 1.0);
      cols.push_back(y);
      coefs.push_back(-static_cast<double>(inst.required_resources[inst.kl(k, l)]));
      Cbc_addRow(model, "", static_cast<int>(cols.size()), cols.data(), coefs.data(), 'G', 0.0);
    }
  for (int r = 0; r < N * T; ++r) {
    const std::vector<int>& row = c1_rows[r];
    if (row.size() < 2) continue;  // a single candidate cannot break C1 (binary <= 1)
    coefs.assign(row.size(), 1.0);
    Cbc_addRow(model, "", static_cast<int>(row.size()), row.data(), coefs.data(), 'L', 1.0);
  }
  for (int t = 0; t < T && budget_rows; ++t) {
    double worst = 0.0;
    for (double c : budget_coef[t]) worst += c;
    if (worst <= 1.0) continue;  // cannot bind even if every candidate were used
    Cbc_addRow(model, "", static_cast<int>(budget_cols[t].size()), budget_cols[t].data(), budget_coef[t].data(),
               'L', 1.0);
  }
  return m;
}

}  // namespace

Solution solve_exact_milp(const Instance& inst, const QualityModel& quality, const MilpOptions& options) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  Solution sol;
  sol.scheme = Scheme::Jscc;
  CbcModelGuard guard;
  Cbc_Model* model = guard.model;
  const MilpModel m = build_milp(inst, quality, false, true, model);
  if (!m.reason.empty()) {
    sol.status = SolveStatus::Infeasible;
    sol.reason = m.reason;
    return sol;
  }
  Cbc_setMaximumSeconds(model, options.time_limit_s);
  Cbc_setAllowableGap(model, 0.0);
  Cbc_setAllowableFractionGap(model, 1e-9);

  bool optimal = false, infeasible = false, has_solution = false;
  double bound_units = 0.0;
  std::vector<double> values;
  {
    std::lock_guard<std::mutex> lock(cbc_mutex());
    Cbc_solve(model);
    optimal = Cbc_isProvenOptimal(model) != 0;
    infeasible = Cbc_isProvenInfeasible(model) != 0;
    const double* best = Cbc_bestSolution(model);
    has_solution = best != nullptr;
    if (has_solution) values.assign(best, best + m.columns);
    bound_units = Cbc_getBestPossibleObjValue(model);
    sol.iterations = Cbc_getNodeCount(model);
  }

  if (!has_solution) {
    if (infeasible) {
      sol.status = SolveStatus::Infeasible;
      sol.reason = "MILP proven infeasible: no options and association meet C1, C2, C7, the deadlines and the "
                   "per-slot budget";
    } else {
      sol.status = SolveStatus::Unsolved;
      std::ostringstream out;
      out << "no solution found within the time limit of " << options.time_limit_s << " s";
      sol.reason = out.str();
      sol.lower_bound_w = std::isfinite(bound_units) ? bound_units * m.unit : -1.0;
    }
    return sol;
  }

  sol.option.assign(K, -1);
  sol.resources.assign(K, 0);
  sol.assigned_ue.assign(static_cast<size_t>(N) * T, -1);
  sol.power_w.assign(static_cast<size_t>(N) * T, 0.0);
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) {
      const int y = m.y_col[inst.kl(k, l)];
      if (y >= 0 && values[y] > 0.5) sol.option[k] = l;
    }
  for (size_t i = 0; i < m.z_cols.size(); ++i) {
    const MilpModel::ZCol& z = m.z_cols[i];
    if (values[m.first_z + i] <= 0.5 || sol.option[z.k] != z.l) continue;
    // Powers recomputed exactly (Theorem 1): p = Γ_kl/g.
    const double p = m.snr_lin[inst.kl(z.k, z.l)] / inst.gain_per_watt[inst.knt(z.k, z.n, z.t)];
    sol.assigned_ue[z.n * T + z.t] = z.k;
    sol.power_w[z.n * T + z.t] = p;
    sol.total_power_w += p;
    ++sol.resources[z.k];
  }
  sol.lower_bound_w = std::isfinite(bound_units) ? std::min(bound_units * m.unit, sol.total_power_w) : -1.0;
  sol.optimality_gap = sol.lower_bound_w >= 0.0 && sol.total_power_w > 0.0
                           ? (sol.total_power_w - sol.lower_bound_w) / sol.total_power_w
                           : (optimal ? 0.0 : -1.0);
  sol.status = optimal ? SolveStatus::Optimal : SolveStatus::Feasible;
  if (!optimal) {
    std::ostringstream out;
    out << "time limit " << options.time_limit_s << " s reached; proven relative gap " << sol.optimality_gap;
    sol.reason = out.str();
  }
  return sol;
}


LpRelaxation solve_lp_relaxation(const Instance& inst, const QualityModel& quality, const LpRelaxationOptions& options) {
  LpRelaxation lp;
  CbcModelGuard guard;
  Cbc_Model* model = guard.model;
  const MilpModel m = build_milp(inst, quality, options.drop_over_budget, options.budget_rows, model);
  if (!m.reason.empty()) {
    lp.infeasible = true;
    lp.reason = m.reason;
    return lp;
  }
  for (int c = 0; c < m.columns; ++c) Cbc_setContinuous(model, c);
  Cbc_setMaximumSeconds(model, options.time_limit_s);
  std::lock_guard<std::mutex> lock(cbc_mutex());
  Cbc_solve(model);  // no integer columns: CBC solves the LP (Clp) and stops
  if (Cbc_isProvenOptimal(model)) {
    lp.solved = true;
    lp.value_w = Cbc_getObjValue(model) * m.unit;
  } else if (Cbc_isProvenInfeasible(model)) {
    lp.infeasible = true;
    lp.reason = "LP relaxation proven infeasible";
  } else {
    lp.reason = "LP relaxation not solved within the time limit";
  }
  return lp;
}

}  // namespace leosem
