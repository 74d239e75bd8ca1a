// Host teams that check team code (solvers/team.hpp) against SequentialTeam: the same results
// to the bit mean no item of a phase depends on another and no barrier is missing.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace leosem::testing {

// A bump carver (solvers/workspace.hpp's take_doubles/take_ints) over host vectors: with empty
// vectors it only counts, so a test carves once to size the vectors and again to lay them out.
struct HostCarver {
  std::vector<double> doubles;
  std::vector<int> ints;
  size_t used_doubles = 0, used_ints = 0;
  double* take_doubles(size_t count) {
    used_doubles += count;
    return doubles.empty() ? nullptr : doubles.data() + used_doubles - count;
  }
  int* take_ints(size_t count) {
    used_ints += count;
    return ints.empty() ? nullptr : ints.data() + used_ints - count;
  }
};

// A host team that runs each phase's items in a scrambled order (7 virtual threads, the last
// first, each striding over the items as a CUDA block does). If any item of a phase read what
// another item of the same phase writes, or a sum depended on the team, the results would
// differ from SequentialTeam's; they must be identical to the bit. The two runs' workspaces
// start with different garbage, so a read of something never written would show too.
struct ScrambledTeam {
  template <class Work>
  void for_each(int count, Work&& work) const {
    for (int thread = 6; thread >= 0; --thread)
      for (int i = thread; i < count; i += 7) work(i);
  }
  void sync() const {}
  bool leader() const { return true; }
};

// A host team that defers every item until the next barrier and then runs the pending calls'
// items last phase first, each scrambled: a barrier missing between two dependent calls (one
// reading what the other writes) would change the results. The leader's serial sections run
// at once, as on the GPU they may run before the other threads' pending items.
struct DeferredTeam {
  struct Pending {
    std::function<void(int)> work;
    int count;
  };
  std::shared_ptr<std::vector<Pending>> pending = std::make_shared<std::vector<Pending>>();
  template <class Work>
  void for_each(int count, Work&& work) const {
    pending->push_back({std::function<void(int)>(work), count});
  }
  void sync() const {
    for (auto call = pending->rbegin(); call != pending->rend(); ++call)
      for (int thread = 6; thread >= 0; --thread)
        for (int i = thread; i < call->count; i += 7) call->work(i);
    pending->clear();
  }
  bool leader() const { return true; }
};

}  // namespace leosem::testing
