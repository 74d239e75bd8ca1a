// bench_priced_repair: JCRRA where the per-slot budget binds (issue 18 item 6), with and without
// its priced-repair fallback (solvers/priced_repair.hpp), against CBC. The set: K = 10,
// N = 4, T = 80, 100 000 images per UE (B = 40 MHz), at P_max = 3.5 dBW and 2 dBW. Per budget:
// instances where CBC finds a solution, JCRRA feasible on them (checked by the independent
// checker) without / with the fallback, JCRRA's certified gap 10·log10(P / bound) where feasible,
// its gap to CBC's solution, and the time of each.
//   bench_priced_repair [instances] [milp_time_limit_s] [K N T images] [P_max dBW list, default 3.5,2]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/checker.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

bool solved(const Solution& s) { return s.status == SolveStatus::Optimal || s.status == SolveStatus::Feasible; }

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
  for (double dbw : budgets_dbw) {
    ScenarioParams q = p;
    q.max_power_w = std::pow(10.0, dbw / 10.0);
    SolverInputs off, on;
    off.options.jcrra.priced_fallback = false;
    off.options.milp_time_limit_s = on.options.milp_time_limit_s = milp_s;
    int cbc = 0, before = 0, after = 0, checked = 0, after_all = 0;
    double ms_off = 0, ms_on = 0;
    std::vector<double> gaps, to_cbc;
    for (int i = 0; i < instances; ++i) {
      const Instance inst = generate_instance(q, {1, 0, static_cast<uint32_t>(i)});
      const Solution a = solve(Algorithm::Jcrra, inst, off);
      const Solution b = solve(Algorithm::Jcrra, inst, on);
      ms_off += 1e3 * a.wall_time_s;
      ms_on += 1e3 * b.wall_time_s;
      const Solution exact = solve(Algorithm::Exact, inst, on);
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
  }
  return 0;
}
