// jcrra_team run over a host team, for the tests that compare teams (test_jcrra,
// test_priced_repair): every workspace buffer filled with `garbage` first, so a solver that read
// what it never wrote would give different bits for different garbage.
#pragma once
#include <vector>

#include "model/instance.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/solve.hpp"
#include "team_test_util.hpp"

namespace leosem::testing {

struct TeamRun {
  CoreResult result;
  std::vector<int> option, assigned_ue;
  std::vector<double> power_w;
  double x_last = 0.0;  // ws.x[E - 1] afterwards (E live elements)
};

template <class Team>
TeamRun run_team(const Instance& inst, const SolverInputs& in, double garbage) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots, L = inst.options;
  HostCarver counter;
  carve_jcrra_workspace(K, N, T, L, counter);
  HostCarver carver;
  carver.doubles.assign(counter.used_doubles, garbage);  // the solver must initialise what it reads
  carver.ints.assign(counter.used_ints, static_cast<int>(garbage));
  JcrraWorkspace ws = carve_jcrra_workspace(K, N, T, L, carver);
  std::vector<int> order(static_cast<size_t>(K) * N * T, static_cast<int>(garbage)), resources(K);
  std::vector<int> ue_list(greedy_ue_list_ints(K), static_cast<int>(garbage));
  std::vector<unsigned char> busy(static_cast<size_t>(K) * T);
  std::vector<double> key(static_cast<size_t>(K) * N * T, garbage), slot_power(T, garbage);
  ws.greedy = {order.data(), busy.data(), key.data(), ue_list.data()};
  ws.slot_power_w = slot_power.data();
  TeamRun run;
  run.option.assign(K, -1);
  run.assigned_ue.assign(static_cast<size_t>(N) * T, -1);
  run.power_w.assign(static_cast<size_t>(N) * T, 0.0);
  const std::vector<double> snr = required_snr_table(inst, in.quality);
  JcrraOptions opt = in.options.jcrra;
  opt.base_option = option_index_for_ratio(inst.params, in.options.greedy_rho);
  const Team team;
  run.result = jcrra_team(team, make_instance_view(inst), snr.data(), opt, ws,
                          {run.option.data(), resources.data(), run.assigned_ue.data(), run.power_w.data()});
  const int live = ws.live_info[kLiveElements];  // 0 when the solve stopped before the relaxed part
  if (live > 0) run.x_last = ws.x[live - 1];
  return run;
}

}  // namespace leosem::testing
