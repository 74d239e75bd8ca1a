// Per-instance workspaces of the solver cores, carved from large typed arrays (arenas) that a
// batched backend allocates once per block of instances: one arena slot per OpenMP thread on
// the CPU, one per instance in a device chunk on the GPU. Host-device: the kernels carve their
// instance's slot themselves. Counting and carving are one code path (a carver without base
// pointers only counts), so the sizes can never disagree with the pointers handed out.
// JCRRA's own arrays are laid out by carve_jcrra_workspace (solvers/jcrra.hpp), next to its struct.
#pragma once
#include <cstddef>

#include "core/hostdev.hpp"
#include "solvers/core_common.hpp"
#include "solvers/greedy_jpeg.hpp"
#include "solvers/greedy_jscc.hpp"
#include "solvers/jcrra.hpp"
#include "solvers/lower_bound.hpp"

namespace leosem {

// K, N, T, L of the instances of one sweep point (a batch shares them).
struct WorkspaceDims {
  int users = 0, subchannels = 0, slots = 0, options = 0;
};

// Which cores the workspace serves: the greedy part is always carved (every core uses it).
struct WorkspaceNeeds {
  bool jpeg = false;
  bool jcrra = false;
  bool bound = false;  // the certified lower bound (solvers/lower_bound.hpp)
};

// Elements of each type one instance needs.
struct WorkspaceCounts {
  size_t doubles = 0, ints = 0, bytes = 0;
};

// Bump allocator over three typed arrays; with null bases it only counts.
struct WorkspaceCarver {
  double* doubles = nullptr;
  int* ints = nullptr;
  unsigned char* bytes = nullptr;
  WorkspaceCounts used;

  LEOSEM_HD double* take_doubles(size_t count) {
    double* p = doubles ? doubles + used.doubles : nullptr;
    used.doubles += count;
    return p;
  }
  LEOSEM_HD int* take_ints(size_t count) {
    int* p = ints ? ints + used.ints : nullptr;
    used.ints += count;
    return p;
  }
  LEOSEM_HD unsigned char* take_bytes(size_t count) {
    unsigned char* p = bytes ? bytes + used.bytes : nullptr;
    used.bytes += count;
    return p;
  }
};

// Everything one instance needs to run Greedy JSCC, Greedy JPEG, JCRRA and the bound one after another:
// the required-SNR table, the output solution, and the cores' scratch (shared between them).
struct InstanceWorkspace {
  double* snr_lin = nullptr;      // [K*L]
  double* slot_power_w = nullptr; // [T]
  SolutionBuffers solution;       // option [K], resources [K], assigned_ue [N*T], power_w [N*T]
  JpegWorkspace jpeg;             // .greedy: order, busy, key (also Greedy JSCC's workspace)
  JcrraWorkspace jcrra;           // .greedy and .slot_power_w alias the above; null unless needs.jcrra
  LowerBoundWorkspace bound;      // its own arrays; null unless needs.bound
};

LEOSEM_HD SolutionBuffers carve_solution(const WorkspaceDims& d, WorkspaceCarver& c) {
  SolutionBuffers s;
  s.option = c.take_ints(static_cast<size_t>(d.users));
  s.resources = c.take_ints(static_cast<size_t>(d.users));
  s.assigned_ue = c.take_ints(static_cast<size_t>(d.subchannels) * d.slots);
  s.power_w = c.take_doubles(static_cast<size_t>(d.subchannels) * d.slots);
  return s;
}

LEOSEM_HD InstanceWorkspace carve_instance_workspace(const WorkspaceDims& d, const WorkspaceNeeds& needs,
                                                     WorkspaceCarver& c) {
  const size_t K = static_cast<size_t>(d.users), T = static_cast<size_t>(d.slots),
               L = static_cast<size_t>(d.options);
  InstanceWorkspace ws;
  ws.snr_lin = c.take_doubles(K * L);
  ws.slot_power_w = c.take_doubles(T);
  ws.solution = carve_solution(d, c);
  ws.jpeg.greedy = carve_greedy_workspace(d.users, d.subchannels, d.slots, c);
  if (needs.jpeg) {
    ws.jpeg.ue_gain = c.take_doubles(T);
    ws.jpeg.ue_resource = c.take_ints(T);
  }
  if (needs.jcrra) {
    ws.jcrra = carve_jcrra_workspace(d.users, d.subchannels, d.slots, d.options, c);  // solvers/jcrra.hpp
    ws.jcrra.greedy = ws.jpeg.greedy;
    ws.jcrra.slot_power_w = ws.slot_power_w;
  }
  if (needs.bound) ws.bound = carve_lower_bound_workspace(d.users, d.subchannels, d.slots, d.options, c);
  return ws;
}

// Elements per instance of each type.
inline WorkspaceCounts instance_workspace_counts(const WorkspaceDims& d, const WorkspaceNeeds& needs) {
  WorkspaceCarver counter;
  carve_instance_workspace(d, needs, counter);
  return counter.used;
}

// The workspace of slot `index` of an arena laid out slot after slot (slot-outer: each
// instance's scratch is contiguous, as the cores' dense per-instance indexing wants).
LEOSEM_HD InstanceWorkspace arena_slot(const WorkspaceDims& d, const WorkspaceNeeds& needs,
                                       const WorkspaceCounts& per_slot, double* doubles, int* ints,
                                       unsigned char* bytes, size_t index) {
  WorkspaceCarver c;
  c.doubles = doubles + index * per_slot.doubles;
  c.ints = ints + index * per_slot.ints;
  c.bytes = bytes + index * per_slot.bytes;
  return carve_instance_workspace(d, needs, c);
}

inline size_t workspace_bytes(const WorkspaceCounts& c) {
  return c.doubles * sizeof(double) + c.ints * sizeof(int) + c.bytes;
}

}  // namespace leosem
