// What a sweep backend hands back (backends/sweep_batch.hpp) and the sweep file stores
// (sweep/sweep_file.hpp): each instance's outcome per algorithm, and which backend and device
// produced it. Plain values, no HDF5: the CUDA translation units include this.
#pragma once
#include <cstdint>
#include <string>

namespace leosem {

// Per-instance outcome of one algorithm, as stored.
struct StoredResult {
  double power_w;      // NaN when infeasible
  int8_t status;       // SolveStatus (0 optimal, 1 feasible, 2 infeasible, 3 unsolved); -1 = not computed
  int32_t iterations;
};

struct RunIdentity {
  std::string backend;          // "cpu", "cuda" or "reference"
  std::string device;           // the CPU model and thread count, or the GPU's name
  std::string driver_version;   // CUDA driver version ("" on the CPU)
  std::string runtime_version;  // CUDA runtime version, or the OpenMP version
};

}  // namespace leosem
