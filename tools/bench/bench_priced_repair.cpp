// bench_priced_repair: JCRRA where the per-slot budget binds (issue 18 item 6), with and without
// its priced-repair fallback (solvers/priced_repair.hpp), against CBC. The set: K = 10,
// N = 4, T = 80, 100 000 images per UE (B = 40 MHz), at P_max = 3.5 dBW and 2 dBW. Per budget:
// instances where CBC finds a solution, JCRRA feasible on them (checked by the independent
// checker) without / with the fallback, JCRRA's certified gap 10·log10(P / bound) where feasible,
// its gap to CBC's solution, and the time of each. Then, per budget, the Lagrangian bound against
// the LP relaxation of CBC's model (solve_lp_relaxation, resources whose power alone exceeds P_max
// left out as the bound leaves them out: that LP is the Lagrangian dual's value) on the instances
// where the budget binds in the LP (its value with the budget rows above its value without them,
// by more than 1e-7 relative): 10·log10(LP / bound) for the bound with JCRRA's power as its
// Polyak target (as `solve` and a sweep running JCRRA compute it) and without one, how many within 0.01 dB, and how
// many bounds lie above the LP by more than 1e-9 relative (none may: the LP is the dual's sup).
//   bench_priced_repair [instances] [milp_time_limit_s] [K N T images] [P_max dBW list, default 3.5,2]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/checker.hpp"
#include "solvers/exact_milp.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

bool solved(const Solution& s) { return s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible; }

struct Stats {
  std::vector<double> v;
  double mean() const {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? NAN : s / static_cast<double>(v.size());
  }
  double max() const { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); }
  int at_most(double x) const { return static_cast<int>(std::count_if(v.begin(), v.end(), [x](double y) { return y <= x; })); }
};

double pctl95(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::ceil(0.95 * static_cast<double>(v.size()))) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::atoi(argv[1]) : 20;
  const double milp_s = argc > 2 ? std::atof(argv[2]) : 30.0;
  ScenarioParams p = default_scenario_params();
  p.users = argc > 3 ? std::atoi(argv[3]) : 10;
  p.subchannels = argc > 4 ? std::atoi(argv[4]) : 4;
  p.slots = argc > 5 ? std::atoi(argv[5]) : 80;
  p.images_mean = argc > 6 ? std::atof(argv[6]) : 100000.0;
  std::printf("K=%d N=%d T=%d, %g images/UE, %d instances (key (1, 0, i)), CBC time limit %g s\n\n", p.users,
              p.subchannels, p.slots, p.images_mean, instances, milp_s);
  std::printf("| P_max dBW | CBC solution | JCRRA feasible (no fallback) | JCRRA feasible (fallback) | "
              "checker ok | certified gap mean / p95 / max dB | gap to CBC mean / max dB | JCRRA ms (no fb / fb) |\n"
              "|---|---|---|---|---|---|---|---|\n");
  std::vector<double> budgets_dbw{3.5, 2.0};
  if (argc > 7) {
    budgets_dbw.clear();
    for (const char* c = argv[7]; *c;) {
      char* end;
      budgets_dbw.push_back(std::strtod(c, &end));
      c = *end == ',' ? end + 1 : end;
      if (end == c && *c) break;
    }
  }
  std::vector<std::string> lp_rows;
  for (double dbw : budgets_dbw) {
    ScenarioParams q = p;
    q.max_power_w = std::pow(10.0, dbw / 10.0);
    SolverInputs off, on;
    off.options.jcrra.priced_fallback = false;
    off.options.milp_time_limit_s = on.options.milp_time_limit_s = milp_s;
    int cbc = 0, before = 0, after = 0, checked = 0, after_all = 0;
    double ms_off = 0, ms_on = 0;
    std::vector<double> gaps, to_cbc;
    int binds = 0, lp_failed = 0, above_lp = 0;
    Stats lp_target, lp_alone;
    for (int i = 0; i < instances; ++i) {
      const Instance inst = generate_instance(q, {1, 0, static_cast<uint32_t>(i)});
      const Solution a = solve(Algorithm::Jcrra, inst, off);
      const Solution b = solve(Algorithm::Jcrra, inst, on);
      ms_off += 1e3 * a.wall_time_s;
      ms_on += 1e3 * b.wall_time_s;
      const Solution exact = solve(Algorithm::Exact, inst, on);
      LpRelaxationOptions with_budget, without_budget;
      without_budget.budget_rows = false;
      const LpRelaxation lp = solve_lp_relaxation(inst, on.quality, with_budget);
      const LpRelaxation lp_free = solve_lp_relaxation(inst, on.quality, without_budget);
      if (!lp.solved || !lp_free.solved) {
        lp_failed += !lp.infeasible;  // an infeasible LP: no budget-binding instance to compare
      } else if (lp.value_w > lp_free.value_w * (1.0 + 1e-7)) {
        ++binds;
        const LowerBoundResult alone = compute_lower_bound(inst, on.quality, 0.0);
        const LowerBoundResult target = compute_lower_bound(inst, on.quality, solved(b) ? b.total_power_w : 0.0);
        for (const LowerBoundResult* r : {&alone, &target}) above_lp += r->bound_w > lp.value_w * (1.0 + 1e-9);
        lp_alone.v.push_back(certified_gap_db(lp.value_w, alone.bound_w));
        lp_target.v.push_back(certified_gap_db(lp.value_w, target.bound_w));
      }
      after_all += solved(b);
      if (solved(b)) {
        checked += check_solution(inst, on.quality, nullptr, b).ok();
        const LowerBoundResult lb = compute_lower_bound(inst, on.quality, b.total_power_w);
        gaps.push_back(certified_gap_db(b.total_power_w, lb.bound_w));
      }
      if (!solved(exact)) continue;
      ++cbc;
      before += solved(a);
      after += solved(b);
      if (solved(b)) to_cbc.push_back(10.0 * std::log10(b.total_power_w / exact.total_power_w));
    }
    double gap_sum = 0, gap_max = 0, cbc_sum = 0, cbc_max = -HUGE_VAL;
    for (double g : gaps) gap_sum += g, gap_max = std::max(gap_max, g);
    for (double g : to_cbc) cbc_sum += g, cbc_max = std::max(cbc_max, g);
    std::printf("| %.1f | %d of %d | %d of %d (%.0f %%) | %d of %d (%.0f %%) | %d of %d | %.4f / %.4f / %.4f | "
                "%.4f / %.4f | %.1f / %.1f |\n",
                dbw, cbc, instances, before, cbc, cbc ? 100.0 * before / cbc : NAN, after, cbc,
                cbc ? 100.0 * after / cbc : NAN, checked, after_all, gaps.empty() ? NAN : gap_sum / static_cast<double>(gaps.size()),
                pctl95(gaps), gaps.empty() ? NAN : gap_max, to_cbc.empty() ? NAN : cbc_sum / static_cast<double>(to_cbc.size()),
                to_cbc.empty() ? NAN : cbc_max, ms_off / instances, ms_on / instances);
    std::fflush(stdout);
    char row[512];
    std::snprintf(row, sizeof row, "| %.1f | %d of %d (LP unsolved %d) | %.5f / %.5f / %d | %.5f / %.5f / %d | %d |\n", dbw,
                  binds, instances, lp_failed, lp_target.mean(), lp_target.max(), lp_target.at_most(0.01),
                  lp_alone.mean(), lp_alone.max(), lp_alone.at_most(0.01), above_lp);
    lp_rows.push_back(row);
  }
  std::printf("\nThe bound against the LP relaxation where the budget binds in the LP: 10·log10(LP / bound) dB\n\n"
              "| P_max dBW | budget binds | JCRRA target: mean / max / <= 0.01 dB | no target: mean / max / <= 0.01 dB | "
              "bound above LP |\n|---|---|---|---|---|\n");
  for (const std::string& row : lp_rows) std::printf("%s", row.c_str());
  return 0;
}
