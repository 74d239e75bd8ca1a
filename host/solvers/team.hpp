// A team of threads that executes a cooperative algorithm as phases separated by barriers.
// The algorithm hands out work as numbered items (`for_each`) and decides every arithmetic order
// itself (sums run over items in a fixed order, never over "whatever thread got there"), so the
// result does not depend on how many threads the team has: the host's SequentialTeam (one
// thread, the items in order) and a CUDA block (BlockTeam in cuda/jcrra_block.cu) give the same numbers.
#pragma once
#include "core/hostdev.hpp"

namespace leosem {

// One thread that runs every item itself; barriers are no-ops. What the CPU backend runs and
// what CI tests.
struct SequentialTeam {
  template <class Work>
  LEOSEM_HD void for_each(int count, Work&& work) const {
    for (int i = 0; i < count; ++i) work(i);
  }
  LEOSEM_HD void sync() const {}
  // True for exactly one thread of the team (serial sections such as the rounding).
  LEOSEM_HD bool leader() const { return true; }
};

// Width of the chunks in chunked sums (see jcrra.hpp): fixed, not the team size, so that the
// summation order is the same for every team.
inline constexpr int kSumChunk = 32;

LEOSEM_HD int chunks_for(int count) { return (count + kSumChunk - 1) / kSumChunk; }

}  // namespace leosem
