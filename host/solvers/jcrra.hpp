// JCRRA (MODEL.md §7.1, the paper's Algorithm 1): successive convex approximation (SCA) of the
// relaxed joint compression-ratio / resource problem, each convex subproblem solved by a
// preconditioned primal-dual projected-gradient method (PDHG), integer recovery by rounding
// ρ up to an option and the association by priority, then a per-UE best-response repair.
// Derivation, step sizes and stopping rules: docs/jcrra.md. Host-device, per instance: no
// allocation, no exceptions, no std containers; the caller passes every buffer.
//
// Split along its three jobs: team primitives (solvers/team_ops.hpp: projections, chunked sums,
// the cooperative sort), the relaxed solve over the live layout (solvers/jcrra_relaxed.hpp;
// options and workspace in solvers/jcrra_state.hpp) and the integer recovery (rounding, repair,
// starts: solvers/jcrra_rounding.hpp). This file is the SCA loop.
#pragma once
#include "solvers/jcrra_relaxed.hpp"
#include "solvers/jcrra_rounding.hpp"
#include "solvers/jcrra_state.hpp"
#include "solvers/team_ops.hpp"

namespace leosem {

// JCRRA over a team; the result (and `out`) are valid on the leader. The starts, the greedy
// assignment step of the rounding and the choices inside best responses run on the leader
// alone; the relaxed solve, the rest of the rounding (keys, sort), the scans of the repair of
// each rounded point and the final polish (pair moves included) are shared.
template <class Team, class Real>
LEOSEM_HD_NOINLINE CoreResult jcrra_team_in(const Team& team, const InstanceView& v, const double* snr_lin,
                                   const JcrraOptions& opt, Real* x, JcrraWorkspace ws, SolutionBuffers out) {
  const double* const x_in = ws.x;
  CoreResult start_result;  // meaningful on the leader
  // 1. Starts (leader).
  if (team.leader()) {
    ws.live_info[kLiveElements] = 0;  // no layout yet
    start_result = jcrra_starts(v, snr_lin, opt, ws, out);
  }
  team.sync();
  if (ws.scalars[kStop] != 0.0) return start_result;

  // 2. The live layout (global memory), the relaxed state moved on chip if there is room, the
  // constants and the initial relaxed point: the start solution (or nothing assigned).
  build_live_layout(team, v, ws);
  place_live_state(v, opt.mixed_precision, ws);
  if (ws.x != x_in) x = reinterpret_cast<Real*>(ws.x);
  relaxed_setup(team, v, snr_lin, ws);
  relaxed_start(team, v, out, ws.scalars[kHaveBest] != 0.0, x, ws);
  relaxed_terms(team, v, snr_lin, x, ws);

  // 3. SCA iterations: surrogate, PDHG steps, integer recovery, stopping rule.
  double relaxed_prev = -1.0;  // leader's
  int iterations = 0;
  for (int r = 0; r < opt.max_sca_iterations; ++r) {
    iterations = r + 1;
    const double penalty = opt.penalty * (r + 1) / opt.max_sca_iterations;
    relaxed_linearise(team, v, opt, penalty, x, ws);
    for (int it = 0; it < opt.pdhg_iterations; ++it) pdhg_step(team, v, snr_lin, opt, penalty, x, ws);
    relaxed_terms(team, v, snr_lin, x, ws);
    // Integer recovery of this iterate, repaired, kept if best. Rounded down only when rounding
    // up fails (tight deadlines: fewer resources).
    const double scale_w = ws.scalars[kScaleW];
    const bool rounded = round_relaxed(team, v, snr_lin, x, ws.s, scale_w, false, ws, ws.candidate) ||
                         round_relaxed(team, v, snr_lin, x, ws.s, scale_w, true, ws, ws.candidate);
    if (rounded) repair_by_best_response(team, v, snr_lin, ws.candidate, ws, opt.repair_passes);
    if (team.leader()) {
      if (rounded) keep_if_best(v, ws, out);
      // Stopping rule: relative change of the relaxed objective Σ_k Γ_k(s) W_k(x), once a
      // feasible point is known (without one, every iteration is another chance to round).
      const double relaxed = ws.scalars[kRelaxed];
      ws.scalars[kStop] = ws.scalars[kHaveBest] != 0.0 && relaxed_prev >= 0.0 &&
                                  fabs(relaxed - relaxed_prev) <= opt.tolerance * fmax(relaxed, 1e-300)
                              ? 1.0
                              : 0.0;
      relaxed_prev = relaxed;
    }
    team.sync();
    if (ws.scalars[kStop] != 0.0) break;
  }
  // The final polish of the best point, pair moves included, over the team (kHaveBest was
  // written before the last barrier).
  if (ws.scalars[kHaveBest] != 0.0) repair_by_best_response(team, v, snr_lin, out, ws, opt.repair_passes, true);
  if (team.leader()) return jcrra_finish(v, ws, out, start_result, iterations);
  return start_result;
}

// JCRRA over a team, in FP64 or (opt.mixed_precision) with the iterate x stored in FP32 in the
// first half of ws.x; every sum, dual, step and power stays FP64.
template <class Team>
LEOSEM_HD CoreResult priced_fallback(const Team& team, const InstanceView& v, const double* snr_lin,
                                     const JcrraOptions& opt, JcrraWorkspace ws, SolutionBuffers out,
                                     CoreResult result);  // solvers/priced_repair.hpp

// Out of line on the device: the fallback runs rarely, and inlined into the block kernel it would
// set the registers (and spills) of the kernel's other phases.
template <class Team>
LEOSEM_HD_NOINLINE CoreResult priced_fallback_out_of_line(const Team& team, const InstanceView& v,
                                                          const double* snr_lin, const JcrraOptions& opt,
                                                          JcrraWorkspace ws, SolutionBuffers out, CoreResult result) {
  return priced_fallback(team, v, snr_lin, opt, ws, out, result);
}

template <class Team>
LEOSEM_HD CoreResult jcrra_team(const Team& team, const InstanceView& v, const double* snr_lin,
                                const JcrraOptions& opt, JcrraWorkspace ws, SolutionBuffers out) {
  const CoreResult result = opt.mixed_precision
                                ? jcrra_team_in(team, v, snr_lin, opt, reinterpret_cast<float*>(ws.x), ws, out)
                                : jcrra_team_in(team, v, snr_lin, opt, ws.x, ws, out);
  // Infeasible where the per-slot budget binds: the bound's prices may still find a solution.
  return opt.priced_fallback ? priced_fallback_out_of_line(team, v, snr_lin, opt, ws, out, result) : result;
}

// The sequential entry (the CPU backends, one instance per thread on the GPU).
LEOSEM_HD CoreResult jcrra_core(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                JcrraWorkspace ws, SolutionBuffers out) {
  return jcrra_team(SequentialTeam(), v, snr_lin, opt, ws, out);
}

}  // namespace leosem

#include "solvers/priced_repair.hpp"  // priced_fallback, after everything it uses
