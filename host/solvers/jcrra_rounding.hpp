// JCRRA's integer recovery (docs/jcrra.md §6–§7): the rounding of a relaxed point (keys over the
// live elements, the team sort, the greedy assignment), the per-UE best response and the pair
// moves of the repair, and the start points. Host-device, no allocation.
#pragma once
#include "solvers/jcrra_state.hpp"
#include "solvers/team_ops.hpp"

namespace leosem {

// ---- integer repair: per-UE best response ----

// Slots before the latest deadline: no assignment JCRRA makes holds a resource later, and every
// solution buffer it fills was cleared whole first (assign_in_order, the augmenting paths), so
// the loops below over solutions stop there (the same sums: only zeros are skipped).
LEOSEM_HD int live_slot_bound(const InstanceView& v) {
  int bound = 0;
  for (int k = 0; k < v.users; ++k) {
    const int d = v.deadline_slots[k] < v.slots ? v.deadline_slots[k] : v.slots;
    bound = d > bound ? d : bound;
  }
  return bound;
}

// Total power of a (feasible) assignment.
LEOSEM_HD double total_power(const InstanceView& v, const SolutionBuffers& sol) {
  const int T = v.slots, live = live_slot_bound(v);
  double sum = 0.0;
  for (int n = 0; n < v.subchannels; ++n)
    for (int t = 0; t < live; ++t) sum += sol.power_w[n * T + t];
  return sum;
}

// Re-optimises UE k alone, the others fixed: frees its resources, then for every reachable
// option takes, per usable slot, its best free SC (if its power fits the slot's remaining
// budget), and keeps the D_kl slots with the largest gains; picks the option of least power.
// This is exact for UE k given the others (cost Γ_kl/g is separable and C2 allows one SC per
// slot). Keeps the old choice unless the new one is strictly cheaper (or, with `place`, for a
// UE that holds nothing, takes the cheapest option that fits). Returns, on every thread, true
// if changed. Over a team: the per-slot scans, the sort of the slots and the release are team
// phases; choosing the option and taking the slots (O(L·D)) run on the leader.
template <class Team>
LEOSEM_HD_NOINLINE bool best_response(const Team& team, const InstanceView& v, const double* snr_lin, int k,
                             SolutionBuffers sol, JcrraWorkspace ws, bool place = false) {
  const int N = v.subchannels, T = v.slots, L = v.options;
  const int deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
  // Per slot before its deadline (k holds nothing later: every assignment here respects the
  // deadlines): the others' power, k's own (C2: at most one SC), and k's best free SC (gain 0
  // and SC -1 where none).
  team.for_each(deadline, [&](int t) {
    double others_w = 0.0, held_w = 0.0, best_gain = 0.0;
    int best_n = -1;
    const double* g = v.gain_per_watt + k * N * T + t;
    for (int n = 0; n < N; ++n) {
      const int r = n * T + t, owner = sol.assigned_ue[r];
      if (owner == k) held_w += sol.power_w[r];
      else if (owner >= 0) others_w += sol.power_w[r];
      if (owner >= 0 && owner != k) continue;
      if (g[n * T] > best_gain) {
        best_gain = g[n * T];
        best_n = n;
      }
    }
    ws.slot_power_w[t] = others_w;
    ws.slot_held_w[t] = held_w;
    ws.slot_gain[t] = best_gain;
    ws.slot_sc[t] = best_n;
    ws.slot_order[t] = t;
  });
  team.sync();
  // Slots by gain, descending; those without a free SC (gain 0) sort last.
  const int* order = team_sort_descending(team, ws.slot_order, ws.sort_buffer, deadline, ws.slot_gain);
  if (team.leader()) {
    double old_power_w = 0.0;
    for (int t = 0; t < deadline; ++t) old_power_w += ws.slot_held_w[t];
    // Each option: the D_kl best slots whose power fits the remaining budget.
    double best_power_w = place ? HUGE_VAL : old_power_w;
    int best_option = -1;
    for (int l = 0; l < L; ++l) {
      const double snr = snr_lin[k * L + l];
      if (snr < 0.0) continue;
      const int need = v.required_resources[k * L + l];
      double power_w = 0.0;
      int taken = 0;
      for (int i = 0; i < deadline && taken < need && ws.slot_sc[order[i]] >= 0; ++i) {
        const int t = order[i];
        const double p_w = snr / ws.slot_gain[t];
        if (ws.slot_power_w[t] + p_w > v.max_power_w) continue;
        power_w += p_w;
        ++taken;
      }
      if (taken < need) continue;
      if (power_w < best_power_w * (1.0 - 1e-12)) {
        best_power_w = power_w;
        best_option = l;
      }
    }
    ws.scalars[kResponse] = static_cast<double>(best_option);
  }
  team.sync();
  const int best_option = static_cast<int>(ws.scalars[kResponse]);
  if (best_option < 0) return false;
  // Apply: release the old resources, take the new ones.
  team.for_each(N * deadline, [&](int item) {
    const int r = (item / deadline) * T + item % deadline;
    if (sol.assigned_ue[r] != k) return;
    sol.assigned_ue[r] = -1;
    sol.power_w[r] = 0.0;
  });
  team.sync();
  if (team.leader()) {
    const double snr = snr_lin[k * L + best_option];
    const int need = v.required_resources[k * L + best_option];
    int taken = 0;
    for (int i = 0; i < deadline && taken < need && ws.slot_sc[order[i]] >= 0; ++i) {
      const int t = order[i];
      const double p_w = snr / ws.slot_gain[t];
      if (ws.slot_power_w[t] + p_w > v.max_power_w) continue;
      const int r = ws.slot_sc[t] * T + t;
      sol.assigned_ue[r] = k;
      sol.power_w[r] = p_w;
      ++taken;
    }
    sol.option[k] = best_option;
    sol.resources[k] = taken;
  }
  team.sync();
  return true;
}

LEOSEM_HD void copy_solution(const InstanceView& v, const SolutionBuffers& from, SolutionBuffers to) {
  for (int k = 0; k < v.users; ++k) {
    to.option[k] = from.option[k];
    to.resources[k] = from.resources[k];
  }
  const int T = v.slots, live = live_slot_bound(v);
  for (int n = 0; n < v.subchannels; ++n)
    for (int t = 0; t < live; ++t) {
      to.assigned_ue[n * T + t] = from.assigned_ue[n * T + t];
      to.power_w[n * T + t] = from.power_w[n * T + t];
    }
}

// Releases every resource of UE k (all before its deadline).
LEOSEM_HD void free_ue(const InstanceView& v, int k, SolutionBuffers sol) {
  const int T = v.slots, deadline = v.deadline_slots[k] < T ? v.deadline_slots[k] : T;
  for (int n = 0; n < v.subchannels; ++n)
    for (int t = 0; t < deadline; ++t)
      if (sol.assigned_ue[n * T + t] == k) {
        sol.assigned_ue[n * T + t] = -1;
        sol.power_w[n * T + t] = 0.0;
      }
  sol.resources[k] = 0;
}

// copy_solution over a team (the same slots); ends with a barrier.
template <class Team>
LEOSEM_HD void team_copy_solution(const Team& team, const InstanceView& v, const SolutionBuffers& from,
                                  SolutionBuffers to) {
  const int T = v.slots, live = live_slot_bound(v);
  team.for_each(v.users, [&](int k) {
    to.option[k] = from.option[k];
    to.resources[k] = from.resources[k];
  });
  team.for_each(v.subchannels * live, [&](int item) {
    const int r = (item / live) * T + item % live;
    to.assigned_ue[r] = from.assigned_ue[r];
    to.power_w[r] = from.power_w[r];
  });
  team.sync();
}

// Re-places UEs a and b together: both released, then each placed by best response, a first and
// then b first; keeps the first order that is strictly cheaper than before, else restores. This
// reaches exchanges of resources between two UEs that single best responses cannot (each UE's
// move alone is blocked by the other). Returns, on every thread, true if changed. Over a team:
// the copies, the release and the best responses are team phases; the power sums (in the
// sequential order) run on the leader.
template <class Team>
LEOSEM_HD_NOINLINE bool pair_response(const Team& team, const InstanceView& v, const double* snr_lin, int a, int b,
                                      SolutionBuffers sol, JcrraWorkspace ws) {
  team.sync();  // the caller's last readers of sol and of the scalars are done
  if (team.leader()) ws.scalars[kPairPowerW] = total_power(v, sol);
  team_copy_solution(team, v, sol, ws.backup);
  const double before_w = ws.scalars[kPairPowerW];
  const int T = v.slots, live = live_slot_bound(v);
  for (int order = 0; order < 2; ++order) {
    const int first = order == 0 ? a : b, second = order == 0 ? b : a;
    team.for_each(v.subchannels * live, [&](int item) {  // free_ue(a), free_ue(b)
      const int r = (item / live) * T + item % live;
      if (sol.assigned_ue[r] != a && sol.assigned_ue[r] != b) return;
      sol.assigned_ue[r] = -1;
      sol.power_w[r] = 0.0;
    });
    if (team.leader()) sol.resources[a] = sol.resources[b] = 0;
    team.sync();
    if (best_response(team, v, snr_lin, first, sol, ws, true) &&
        best_response(team, v, snr_lin, second, sol, ws, true)) {
      if (team.leader()) ws.scalars[kPairAfterW] = total_power(v, sol);
      team.sync();
      const bool better = ws.scalars[kPairAfterW] < before_w * (1.0 - 1e-12);
      team.sync();  // read by all before anyone moves on (the next pair writes the scalars)
      if (better) return true;
    }
    team_copy_solution(team, v, ws.backup, sol);
  }
  return false;
}

// Sweeps best responses over the UEs until none improves, then (with `pairs`) pair moves over
// every pair of UEs; repeats while anything improves (at most `passes` sweeps). Returns the
// sweeps, on every thread, after a barrier.
template <class Team>
LEOSEM_HD_NOINLINE int repair_by_best_response(const Team& team, const InstanceView& v, const double* snr_lin,
                                      SolutionBuffers sol, JcrraWorkspace ws, int passes, bool pairs = false) {
  int sweeps = 0;
  for (; sweeps < passes; ++sweeps) {
    bool changed = false;
    for (int k = 0; k < v.users; ++k) changed = best_response(team, v, snr_lin, k, sol, ws) || changed;
    if (!changed && pairs)  // pair_response starts with a barrier: the last best response's readers are done
      for (int a = 0; a < v.users; ++a)
        for (int b = a + 1; b < v.users; ++b) changed = pair_response(team, v, snr_lin, a, b, sol, ws) || changed;
    if (!changed) break;
  }
  // A best response that changes nothing returns without a barrier while other threads may
  // still read kResponse: all of them first, so that callers may write the scalars.
  team.sync();
  return sweeps;
}

// ---- rounding of a relaxed point (cooperative) ----

// Every how many live elements the rounding samples a key for its cut (round_relaxed).
inline constexpr int kRoundingSample = 8;

// values[0..count) sorted descending in place (heap sort; the rounding's sample, on the leader).
LEOSEM_HD void heap_sort_values_descending(double* values, int count) {
  // Min-heap: the smallest rises to the top and is swapped to the end.
  for (int end = count, start = count / 2 - 1;;) {
    int root;
    if (start >= 0) {
      root = start--;
    } else {
      if (--end <= 0) break;
      const double top = values[0];
      values[0] = values[end];
      values[end] = top;
      root = 0;
    }
    while (2 * root + 1 < end) {
      int child = 2 * root + 1;
      if (child + 1 < end && values[child + 1] < values[child]) ++child;
      if (!(values[child] < values[root])) break;
      const double swap = values[root];
      values[root] = values[child];
      values[child] = swap;
      root = child;
    }
  }
}

// ρ_k = Σ_l s_kl ρ_l rounded up to the next reachable option (or, with `down`, down to the
// previous one: fewer resources, for tight instances); the association by priority (x
// descending, then cost ascending) under C1, C2, deadlines and the per-slot budget.
// Options, keys and their sort are team phases; the assignment in
// that order (greedy, inherently serial) runs on the leader. Returns, on every thread, true if
// every UE got its D_k.
template <class Team, class Real>
LEOSEM_HD_NOINLINE bool round_relaxed(const Team& team, const InstanceView& v, const double* snr_lin, const Real* x,
                             const double* s, double cost_scale_w, bool down, JcrraWorkspace ws, SolutionBuffers sol) {
  const int K = v.users, N = v.subchannels, T = v.slots, L = v.options;
  team.for_each(K, [&](int k) {
    double rho = 0.0;
    for (int l = 0; l < L; ++l) rho += s[k * L + l] * v.compression_ratios[l];
    int up = -1, below = -1, smallest = -1, largest = -1;
    for (int l = 0; l < L; ++l) {
      if (snr_lin[k * L + l] < 0.0) continue;
      if (smallest < 0) smallest = l;
      largest = l;
      if (up < 0 && v.compression_ratios[l] >= rho * (1.0 - 1e-9)) up = l;
      if (v.compression_ratios[l] <= rho * (1.0 + 1e-9)) below = l;
    }
    if (down)
      sol.option[k] = below >= 0 ? below : smallest;
    else
      sol.option[k] = up >= 0 ? up : largest;
  });
  team.sync();
  // Keys of the live elements (ws.cost as scratch: it is recomputed at the next SCA iteration).
  const int count = ws.live_info[kLiveElements], chunks = chunks_for(count);
  team.for_each(count, [&](int e) {
    const int idx = ws.elem_idx[e], k = idx / (N * T);
    // Priority: x in steps of 1/100, then the normalised cost Γ/g (clipped) ascending.
    const double cost = snr_lin[k * L + sol.option[k]] / (v.gain_per_watt[idx] * cost_scale_w);
    ws.cost[e] = floor(static_cast<double>(x[e]) * 100.0 + 0.5) * 1e7 - min_of(cost, 1e6);
  });
  team.sync();
  // The sorted list is cut into three groups whose keys are ordered group by group: x >= 0.005
  // (keys >= 1e7 − 1e6), then the zero-x keys >= a threshold κ, then the rest (keys < κ <= 0).
  // Each group is sorted only when the greedy assignment over the groups before it leaves a UE
  // short: it stops once every UE is served, so if it succeeds within a prefix of groups that is
  // what the whole list gives. κ: the key a third of the way down a sample of the zero-x keys
  // (every kRoundingSample-th element, on the leader), so the middle group is the cheapest
  // third. Ties fall by the dense index (k, n, t), as in the heap sort.
  if (team.leader()) {
    const int capacity = v.subchannels * v.slots;  // backup.power_w: free until the final polish
    int samples = 0;
    for (int e = 0; e < count && samples < capacity; e += kRoundingSample)
      if (!(ws.cost[e] > 0.0)) ws.backup.power_w[samples++] = ws.cost[e];
    heap_sort_values_descending(ws.backup.power_w, samples);
    ws.scalars[kRoundingCut] = samples > 0 ? ws.backup.power_w[samples / 3] : 0.0;
  }
  team.sync();
  const double cut = ws.scalars[kRoundingCut];
  int* group_at = ws.chunk_count;                 // [chunks + 1] first of group 0 per chunk
  int* middle_at = ws.chunk_count + chunks + 1;   // [chunks + 1] first of group 1 per chunk
  team.for_each(chunks, [&](int chunk) {
    const int first = chunk * kSumChunk, last = first + kSumChunk < count ? first + kSumChunk : count;
    int top = 0, middle = 0;
    for (int e = first; e < last; ++e) {
      top += ws.cost[e] > 0.0;
      middle += !(ws.cost[e] > 0.0) && ws.cost[e] >= cut;
    }
    group_at[chunk] = top;
    middle_at[chunk] = middle;
  });
  team.sync();
  if (team.leader()) {  // counts to offsets
    int top = 0, middle = 0;
    for (int chunk = 0; chunk < chunks; ++chunk) {
      const int t0 = group_at[chunk], m0 = middle_at[chunk];
      group_at[chunk] = top;
      middle_at[chunk] = middle;
      top += t0;
      middle += m0;
    }
    group_at[chunks] = top;
    middle_at[chunks] = middle;
  }
  team.sync();
  const int tops = group_at[chunks], middles = middle_at[chunks];
  team.for_each(chunks, [&](int chunk) {  // stable partition into (greedy.key, greedy.order) pairs
    const int first = chunk * kSumChunk, last = first + kSumChunk < count ? first + kSumChunk : count;
    int at_top = group_at[chunk], at_middle = tops + middle_at[chunk];
    int at_rest = tops + middles + (first - group_at[chunk] - middle_at[chunk]);
    for (int e = first; e < last; ++e) {
      const double key = ws.cost[e];
      const int at = key > 0.0 ? at_top++ : (key >= cut ? at_middle++ : at_rest++);
      ws.greedy.key[at] = key;
      ws.greedy.order[at] = ws.elem_idx[e];
    }
  });
  team.sync();
  for (int part = 0; part < 3; ++part) {
    const int begin = part == 0 ? 0 : (part == 1 ? tops : tops + middles);
    const int length = part == 0 ? tops : (part == 1 ? middles : count - tops - middles);
    if (!team_sort_pairs_descending(team, ws.greedy.key + begin, ws.greedy.order + begin, ws.cost + begin,
                                    ws.sort_buffer + begin, length)) {
      team.for_each(length, [&](int i) { ws.greedy.order[begin + i] = ws.sort_buffer[begin + i]; });
      team.sync();
    }
    if (team.leader())
      ws.scalars[kRounded] = assign_in_order(v, snr_lin, sol.option, ws.greedy.order, begin + length, true,
                                             ws.greedy.busy, ws.slot_power_w, sol) < 0
                                 ? 1.0
                                 : 0.0;
    team.sync();
    if (ws.scalars[kRounded] != 0.0) return true;
  }
  return false;
}

// Rekeys the per-UE lists (list_usable_by_ue) earliest deadline first, then gain descending,
// and heapifies them again: the order a full sort of the usable entries by this key would give.
LEOSEM_HD void rekey_by_deadline(const InstanceView& v, const GreedyWorkspace& ws) {
  const int count = gain_lists(ws, v.users).first[v.users];
  double max_gain = 0.0;
  for (int i = 0; i < count; ++i) max_gain = fmax(max_gain, v.gain_per_watt[ws.order[i]]);
  for (int i = 0; i < count; ++i) {
    const int idx = ws.order[i], k = idx / (v.subchannels * v.slots);
    ws.key[i] = static_cast<double>(v.slots - v.deadline_slots[k]) + 0.5 * v.gain_per_watt[idx] / max_gain;
  }
  heapify_gain_lists(v, ws);
}

// May UE k (at its option in `option`) take resource r = n*T + t: usable, and its power fits the
// slot's budget alone?
LEOSEM_HD bool allowed_alone(const InstanceView& v, const double* snr_lin, const int* option, int k, int r) {
  const int N = v.subchannels, T = v.slots, n = r / T, t = r % T;
  if (!usable(v, k, n, t)) return false;
  return snr_lin[k * v.options + option[k]] / v.gain_per_watt[(k * N + n) * T + t] <= v.max_power_w;
}

// Does UE k hold a resource in slot t other than `except`?
LEOSEM_HD bool holds_slot(const InstanceView& v, const SolutionBuffers& sol, int k, int t, int except) {
  for (int n = 0; n < v.subchannels; ++n) {
    const int r = n * v.slots + t;
    if (r != except && sol.assigned_ue[r] == k) return true;
  }
  return false;
}

// Feasibility-first assignment for fixed options: each UE's D_k resources by augmenting paths
// (breadth first over resources; a held resource's owner moves to another it may use), so a UE
// is left short only if no re-arrangement of the others frees a resource for it (C1, C2,
// deadlines; the per-slot budget only per resource). Then the per-slot budget is checked.
// Returns true if every UE got its D_k and no slot is over budget.
LEOSEM_HD bool assign_by_augmenting_paths(const InstanceView& v, const double* snr_lin, JcrraWorkspace ws,
                                          SolutionBuffers sol) {
  const int K = v.users, T = v.slots, NT = v.subchannels * v.slots, L = v.options;
  for (int r = 0; r < NT; ++r) {
    sol.assigned_ue[r] = -1;
    sol.power_w[r] = 0.0;
  }
  for (int k = 0; k < K; ++k) sol.resources[k] = 0;
  for (int k = 0; k < K; ++k) {
    const int need = v.required_resources[k * L + sol.option[k]];
    while (sol.resources[k] < need) {
      // Breadth-first search from the resources k may take in slots it does not hold yet.
      for (int r = 0; r < NT; ++r) ws.path_from[r] = -2;  // -2 unvisited, -1 a root
      int head = 0, tail = 0, found = -1;
      for (int r = 0; r < NT && found < 0; ++r) {
        if (!allowed_alone(v, snr_lin, sol.option, k, r) || holds_slot(v, sol, k, r % T, -1)) continue;
        ws.path_from[r] = -1;
        if (sol.assigned_ue[r] < 0) found = r;
        else ws.path_queue[tail++] = r;
      }
      while (found < 0 && head < tail) {
        const int r = ws.path_queue[head++], owner = sol.assigned_ue[r];
        for (int q = 0; q < NT && found < 0; ++q) {
          if (ws.path_from[q] != -2 || !allowed_alone(v, snr_lin, sol.option, owner, q)) continue;
          if (holds_slot(v, sol, owner, q % T, r)) continue;
          ws.path_from[q] = r;
          if (sol.assigned_ue[q] < 0) found = q;
          else ws.path_queue[tail++] = q;
        }
      }
      if (found < 0) return false;
      // Shift along the path: each owner moves to the next resource; k takes the root.
      for (int q = found; ws.path_from[q] != -1; q = ws.path_from[q]) sol.assigned_ue[q] = sol.assigned_ue[ws.path_from[q]];
      int root = found;
      while (ws.path_from[root] != -1) root = ws.path_from[root];
      sol.assigned_ue[root] = k;
      ++sol.resources[k];
      // A UE met twice on one path could end up twice in a slot (C2): refuse such an outcome.
      for (int j = 0; j < K; ++j)
        for (int t = 0; t < T; ++t) {
          int held = 0;
          for (int n = 0; n < v.subchannels; ++n) held += sol.assigned_ue[n * T + t] == j;
          if (held > 1) return false;
        }
    }
  }
  for (int r = 0; r < NT; ++r) {
    const int k = sol.assigned_ue[r];
    if (k >= 0) sol.power_w[r] = snr_lin[k * L + sol.option[k]] / v.gain_per_watt[(k * v.subchannels + r / T) * T + r % T];
  }
  return first_slot_over_budget(v, sol) < 0;
}
// ---- the SCA loop ----
// The leader's serial sections are out-of-line functions (LEOSEM_HD_NOINLINE): they run rarely
// and would otherwise lend their registers and spills to the kernel's cooperative phases.

// The starts (leader): Greedy JSCC; every common option l (each UE at its smallest reachable
// option >= l) assigned in gain order under the budget; and, for tight deadlines, the
// fewest-resource options assigned earliest-deadline first. Each repaired; the cheapest is the
// first best point (in `out`) and the SCA's start. None feasible: the SCA starts from nothing.
// Sets scalars kHaveBest, kBestPowerW and kStop (1 when a UE cannot reach its quality at all).
LEOSEM_HD_NOINLINE CoreResult jcrra_starts(const InstanceView& v, const double* snr_lin, const JcrraOptions& opt,
                                           JcrraWorkspace ws, SolutionBuffers out) {
  const int K = v.users;
  CoreResult result = greedy_jscc_core(v, snr_lin, opt.base_option, ws.greedy, ws.slot_power_w, out);
  const bool unreachable = !result.feasible && result.reason == FailReason::QualityUnreachable;
  bool have_best = result.feasible;
  double best_power_w = 0.0;
  if (have_best) {
    repair_by_best_response(SequentialTeam(), v, snr_lin, out, ws, opt.repair_passes);
    best_power_w = total_power(v, out);
  }
  if (!unreachable) {
    // Greedy JSCC has just listed the usable entries per UE by gain into ws.greedy (it lists
    // them whenever its options are reachable, as here), and the repair does not touch them.
    for (int start = 0; start <= v.options; ++start) {
      const bool deadline_first = start == v.options;
      for (int k = 0; k < K; ++k) ws.candidate.option[k] = greedy_option(v, snr_lin, k, deadline_first ? 0 : start);
      bool complete = true;
      for (int k = 0; k < K; ++k) complete = complete && ws.candidate.option[k] >= 0;
      if (!complete) continue;
      if (deadline_first) rekey_by_deadline(v, ws.greedy);
      if (assign_in_gain_lists(v, snr_lin, ws.candidate.option, true, ws.greedy, ws.slot_power_w, ws.candidate) >= 0)
        continue;
      repair_by_best_response(SequentialTeam(), v, snr_lin, ws.candidate, ws, opt.repair_passes);
      const double power_w = total_power(v, ws.candidate);
      if (!have_best || power_w < best_power_w) {
        copy_solution(v, ws.candidate, out);
        best_power_w = power_w;
        have_best = true;
      }
    }
    // Still nothing: per common option, the feasibility-first assignment (augmenting paths).
    for (int start = 0; start < v.options && !have_best; ++start) {
      for (int k = 0; k < K; ++k) ws.candidate.option[k] = greedy_option(v, snr_lin, k, start);
      bool complete = true;
      for (int k = 0; k < K; ++k) complete = complete && ws.candidate.option[k] >= 0;
      if (!complete || !assign_by_augmenting_paths(v, snr_lin, ws, ws.candidate)) continue;
      repair_by_best_response(SequentialTeam(), v, snr_lin, ws.candidate, ws, opt.repair_passes);
      copy_solution(v, ws.candidate, out);
      best_power_w = total_power(v, out);
      have_best = true;
    }
    if (!have_best)
      for (int k = 0; k < K; ++k) out.option[k] = greedy_option(v, snr_lin, k, 0);
  }
  ws.scalars[kHaveBest] = have_best ? 1.0 : 0.0;
  ws.scalars[kBestPowerW] = best_power_w;
  ws.scalars[kStop] = unreachable ? 1.0 : 0.0;
  return result;
}

// The (repaired) rounded point in ws.candidate kept in `out` if it is the best so far (leader).
LEOSEM_HD_NOINLINE void keep_if_best(const InstanceView& v, JcrraWorkspace ws, SolutionBuffers out) {
  const double power_w = total_power(v, ws.candidate);
  if (ws.scalars[kHaveBest] == 0.0 || power_w < ws.scalars[kBestPowerW]) {
    copy_solution(v, ws.candidate, out);
    ws.scalars[kBestPowerW] = power_w;
    ws.scalars[kHaveBest] = 1.0;
  }
}

// The result after `iterations` SCA iterations (leader): the best point (polished by the team
// before, with pair moves too: on every candidate they would cost too much), or Greedy JSCC's
// failure.
LEOSEM_HD_NOINLINE CoreResult jcrra_finish(const InstanceView& v, JcrraWorkspace ws, SolutionBuffers out,
                                           CoreResult start_result, int iterations) {
  if (ws.scalars[kHaveBest] == 0.0) {
    start_result.iterations = iterations;  // Greedy JSCC's failure, as the reason
    return start_result;
  }
  CoreResult result;
  result.feasible = true;
  result.total_power_w = total_power(v, out);
  result.iterations = iterations;
  return result;
}

}  // namespace leosem
