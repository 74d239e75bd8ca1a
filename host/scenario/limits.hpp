// Size bounds checked by validation before any work: an instance holds per (UE, sub-channel,
// slot) cell a channel gain and the solvers' workspace (JCRRA: about 48 bytes a cell), indexed
// by 32-bit integers, and its generation time grows with the cells too. A scenario whose
// instance would not fit is refused naming the field to shrink, not ended by std::bad_alloc.
#pragma once
#include <cstdint>

#include "model/scenario_params.hpp"

namespace leosem {

// Cells (K x N x T) one instance may have: 2^22, about 0.2 GiB of gains and solver workspace
// per instance (one instance per thread is in memory at a time) and some 5 s to generate it on
// one core (about 1.3 us a cell measured; the default scenario has 19 200 cells).
constexpr double kMaxInstanceCells = 4194304.0;
// Bytes of memory per cell: the gain (8) and JCRRA's workspace (order 4, key 8, x 3 x 8), rounded up.
constexpr double kBytesPerCell = 48.0;

// Points one sweep may have: each is validated as a scenario before the run.
constexpr double kMaxSweepPoints = 10000;
// (point, instance) pairs one sweep may have: its file holds about 14 bytes per pair and
// algorithm, and a run keeps one byte per pair in memory (which are done).
constexpr double kMaxSweepPairs = 1e9;

struct InstanceSize {
  double cells = 0.0;  // K x N x T
  double bytes = 0.0;  // estimated memory of the instance and one solver's workspace
};

InstanceSize estimate_instance_size(const ScenarioParams& params);

// Throws ConfigError naming the field that makes the instance too large (the one furthest above
// its default), with the estimate and the bound.
void check_scenario_limits(const ScenarioParams& params);

}  // namespace leosem
