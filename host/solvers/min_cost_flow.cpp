#include "solvers/min_cost_flow.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <sstream>
#include <utility>

#include "solvers/solve.hpp"

namespace leosem {
namespace {

// A plain residual graph for successive shortest paths.
struct Graph {
  struct Arc {
    int to;
    int capacity;
    double cost;
  };
  std::vector<Arc> arcs;                // arc i and its reverse i^1
  std::vector<std::vector<int>> out;    // arcs leaving each node
  explicit Graph(int nodes) : out(nodes) {}
  int add(int from, int to, int capacity, double cost) {
    const int id = static_cast<int>(arcs.size());
    arcs.push_back({to, capacity, cost});
    arcs.push_back({from, 0, -cost});
    out[from].push_back(id);
    out[to].push_back(id + 1);
    return id;
  }
};

// Pushes up to `want` units from s to t at least cost; returns the units pushed. Costs are
// non-negative at the start, so zero potentials are valid; Dijkstra with potentials keeps the
// reduced costs non-negative (clamped at 0 against rounding).
int successive_shortest_paths(Graph& g, int source, int sink, int want) {
  const int V = static_cast<int>(g.out.size());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> potential(V, 0.0), dist(V);
  std::vector<int> via(V);
  int pushed = 0;
  using Item = std::pair<double, int>;
  while (pushed < want) {
    std::fill(dist.begin(), dist.end(), inf);
    std::fill(via.begin(), via.end(), -1);
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
    dist[source] = 0.0;
    heap.push({0.0, source});
    while (!heap.empty()) {
      const auto [d, u] = heap.top();
      heap.pop();
      if (d > dist[u]) continue;
      for (int id : g.out[u]) {
        const Graph::Arc& a = g.arcs[id];
        if (a.capacity <= 0) continue;
        const double reduced = std::max(0.0, a.cost + potential[u] - potential[a.to]);
        if (dist[u] + reduced < dist[a.to]) {
          dist[a.to] = dist[u] + reduced;
          via[a.to] = id;
          heap.push({dist[a.to], a.to});
        }
      }
    }
    if (dist[sink] == inf) break;
    for (int v = 0; v < V; ++v)
      if (dist[v] < inf) potential[v] += dist[v];
    int bottleneck = want - pushed;
    for (int v = sink; v != source; v = g.arcs[via[v] ^ 1].to) bottleneck = std::min(bottleneck, g.arcs[via[v]].capacity);
    for (int v = sink; v != source; v = g.arcs[via[v] ^ 1].to) {
      g.arcs[via[v]].capacity -= bottleneck;
      g.arcs[via[v] ^ 1].capacity += bottleneck;
    }
    pushed += bottleneck;
  }
  return pushed;
}

struct FlowAssignment {
  bool complete = false;          // every UE got its demand
  int short_ue = -1;              // a UE left short when !complete
  std::vector<int> assigned_ue;   // [n*T + t]
};

// cost_per_gain[k]: the cost of a resource is cost_per_gain[k] / g[k,n,t]; demand[k] = D_k.
FlowAssignment min_cost_assignment(const Instance& inst, const std::vector<double>& cost_per_gain,
                                   const std::vector<int>& demand) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots;
  // Nodes: source, sink, UE k, (k, t), resource (n, t).
  const int source = 0, sink = 1, ue0 = 2, kt0 = ue0 + K, nt0 = kt0 + K * T;
  Graph g(nt0 + N * T);
  int want = 0;
  std::vector<int> ue_arc(K, -1);
  for (int k = 0; k < K; ++k) {
    want += demand[k];
    ue_arc[k] = g.add(source, ue0 + k, demand[k], 0.0);
  }
  struct ResourceArc {
    int arc, k, n, t;
  };
  std::vector<ResourceArc> resource_arcs;
  for (int k = 0; k < K; ++k)
    for (int t = 0; t < std::min(inst.deadline_slots[k], T); ++t) {
      bool any = false;
      for (int n = 0; n < N; ++n) {
        const double gain = inst.gain_per_watt[inst.knt(k, n, t)];
        if (!(gain > 0.0)) continue;
        any = true;
        resource_arcs.push_back({g.add(kt0 + k * T + t, nt0 + n * T + t, 1, cost_per_gain[k] / gain), k, n, t});
      }
      if (any) g.add(ue0 + k, kt0 + k * T + t, 1, 0.0);
    }
  for (int r = 0; r < N * T; ++r) g.add(nt0 + r, sink, 1, 0.0);

  FlowAssignment result;
  const int pushed = successive_shortest_paths(g, source, sink, want);
  result.complete = pushed == want;
  if (!result.complete)
    for (int k = 0; k < K && result.short_ue < 0; ++k)
      if (g.arcs[ue_arc[k]].capacity > 0) result.short_ue = k;
  result.assigned_ue.assign(static_cast<size_t>(N) * T, -1);
  for (const ResourceArc& ra : resource_arcs)
    if (g.arcs[ra.arc].capacity == 0) result.assigned_ue[ra.n * T + ra.t] = ra.k;
  return result;
}

}  // namespace

Solution solve_min_cost_flow(const Instance& inst, const QualityModel& quality, const std::vector<int>& options) {
  const int K = inst.users, N = inst.subchannels, T = inst.slots;
  Solution sol;
  sol.scheme = Scheme::Jscc;
  const std::vector<double> snr_table = required_snr_table(inst, quality);
  std::vector<double> snr_lin(K);
  std::vector<int> demand(K);
  for (int k = 0; k < K; ++k) {
    snr_lin[k] = snr_table[inst.kl(k, options[k])];
    if (snr_lin[k] < 0.0) {
      sol.status = SolveStatus::Infeasible;
      sol.reason = "quality unreachable: UE " + std::to_string(k) + " at its option";
      return sol;
    }
    demand[k] = inst.required_resources[inst.kl(k, options[k])];
  }
  // Costs in units of the largest Γ_k, so that path lengths stay well scaled.
  double unit = 0.0;
  for (double s : snr_lin) unit = std::max(unit, s);
  if (unit <= 0.0) unit = 1.0;
  std::vector<double> cost_per_gain(K);
  for (int k = 0; k < K; ++k) cost_per_gain[k] = snr_lin[k] / unit;
  const FlowAssignment flow = min_cost_assignment(inst, cost_per_gain, demand);
  sol.iterations = 1;
  if (!flow.complete) {
    sol.status = SolveStatus::Infeasible;
    sol.reason = "not enough resources: no assignment gives UE " + std::to_string(flow.short_ue) +
                 " its D_k usable (SC, slot) pairs before its deadline (max flow < demand)";
    return sol;
  }
  sol.option = options;
  sol.resources.assign(K, 0);
  sol.assigned_ue = flow.assigned_ue;
  sol.power_w.assign(static_cast<size_t>(N) * T, 0.0);
  std::vector<double> slot_power_w(T, 0.0);
  for (int n = 0; n < N; ++n)
    for (int t = 0; t < T; ++t) {
      const int k = sol.assigned_ue[n * T + t];
      if (k < 0) continue;
      const double p = snr_lin[k] / inst.gain_per_watt[inst.knt(k, n, t)];
      sol.power_w[n * T + t] = p;
      sol.total_power_w += p;
      slot_power_w[t] += p;
      ++sol.resources[k];
    }
  sol.lower_bound_w = sol.total_power_w;  // without the budget: a bound for these options
  for (int t = 0; t < T; ++t)
    if (slot_power_w[t] > inst.params.max_power_w) {
      std::ostringstream out;
      out << "the min-cost assignment for these options exceeds the per-slot budget in slot " << t << " ("
          << slot_power_w[t] << " W > " << inst.params.max_power_w
          << " W); the budget-constrained optimum is not proven (use exact)";
      Solution unsolved;
      unsolved.scheme = Scheme::Jscc;
      unsolved.status = SolveStatus::Unsolved;
      unsolved.reason = out.str();
      unsolved.lower_bound_w = sol.lower_bound_w;
      unsolved.iterations = 1;
      return unsolved;
    }
  // Optimal for these options only; for problem (P) as a whole this is a feasible point.
  sol.status = SolveStatus::Feasible;
  sol.reason = "optimal for the given options (min-cost flow)";
  return sol;
}

}  // namespace leosem
