// A team of real std::threads (solvers/team.hpp's interface) for testing cooperative code the way
// a CUDA block runs it: every thread runs the same function SPMD with its own ThreadTeam handle;
// for_each strides the items over the threads (item i on thread i mod P, as BlockTeam does);
// leader() is true on thread 0 only; sync() is a barrier that checks that every thread arrived
// from the same call site (file:line, taken at the caller by default arguments, so shared code
// calls team.sync() as for the other teams) and fails, instead of hanging, when a thread leaves
// the team code while others wait at a barrier or when a barrier waits longer than the timeout.
// A failure breaks the barrier: every thread throws TeamFailure at its next team call, and
// run_team_threads rethrows the first failure after joining them all.
// Schedules delay threads to expose missing barriers as different results: the leader late at
// every step (its serial sections end after the others would have read their results), or
// random threads (seeded) for random times at barriers, items and leader checks. Test-only.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace leosem::testing {

struct TeamFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class TeamSchedule {
  Free,         // no delays: the OS schedules the threads
  LeaderLate,   // the leader yields before each of its items, leader sections and barrier arrivals
  RandomDelays  // each thread, from a seeded generator, sometimes sleeps or yields at those points
};

inline const char* schedule_name(TeamSchedule s) {
  switch (s) {
    case TeamSchedule::Free: return "free";
    case TeamSchedule::LeaderLate: return "leader-late";
    case TeamSchedule::RandomDelays: return "random-delays";
  }
  return "?";
}

// What the threads of one team share: the barrier and the schedule.
class TeamState {
 public:
  TeamState(int threads, TeamSchedule schedule, uint64_t seed, std::chrono::milliseconds timeout)
      : threads_(threads), schedule_(schedule), timeout_(timeout), sites_(static_cast<size_t>(threads)),
        rng_(static_cast<size_t>(threads)) {
    for (int r = 0; r < threads; ++r) rng_[static_cast<size_t>(r)] = seed * 0x9E3779B97F4A7C15ULL + 2 * r + 1;
  }
  int threads() const { return threads_; }

  void arrive_and_wait(int rank, const char* file, int line) {
    std::unique_lock<std::mutex> lock(mutex_);
    throw_if_broken();
    if (done_ > 0)
      fail_locked("thread " + std::to_string(rank) + " waits at the barrier at " + site(file, line) + " but " +
                  std::to_string(done_) + " thread(s) already left the team code: a barrier not every thread reaches");
    sites_[static_cast<size_t>(rank)] = {file, line};
    if (arrived_ == 0) {
      first_ = rank;
    } else {
      const Site& first = sites_[static_cast<size_t>(first_)];
      if (first.line != line || std::strcmp(first.file, file) != 0)
        fail_locked("barrier call sites differ: thread " + std::to_string(first_) + " waits at " +
                    site(first.file, first.line) + ", thread " + std::to_string(rank) + " arrives at " +
                    site(file, line) + " (a barrier some threads skip, e.g. inside leader-only code)");
    }
    const uint64_t generation = generation_.load(std::memory_order_relaxed);
    if (++arrived_ == threads_) {
      arrived_ = 0;
      ++barriers_;
      generation_.store(generation + 1, std::memory_order_release);
      changed_.notify_all();
      return;
    }
    lock.unlock();
    // Yield a while before sleeping: with more threads than cores, a futex wake-up per thread
    // and barrier would dominate the run time. The acquire load pairs with the last arrival's
    // release store: everything written before the barrier is visible after it.
    for (int spin = 0; spin < 200; ++spin) {
      if (generation_.load(std::memory_order_acquire) != generation) return;
      if (broken_flag_.load(std::memory_order_relaxed)) break;
      std::this_thread::yield();
    }
    lock.lock();
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (generation_.load(std::memory_order_acquire) == generation && !broken_)
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
          generation_.load(std::memory_order_acquire) == generation && !broken_)
        fail_locked("deadlock: thread " + std::to_string(rank) + " waited " + std::to_string(timeout_.count()) +
                    " ms at the barrier at " + site(file, line) + " with " + std::to_string(arrived_) + " of " +
                    std::to_string(threads_) + " threads arrived");
    if (generation_.load(std::memory_order_acquire) != generation) return;  // completed before the break
    throw_if_broken();
  }

  // A thread left the team code: no barrier can complete after this.
  void leave(int rank) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    if (arrived_ > 0) {
      const Site& first = sites_[static_cast<size_t>(first_)];
      record_locked("thread " + std::to_string(rank) + " left the team code while " + std::to_string(arrived_) +
                    " thread(s) wait at the barrier at " + site(first.file, first.line));
    }
  }
  // Records a failure (the first one wins) and wakes every waiter; does not throw.
  void record_failure(const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    record_locked(why);
  }
  // Throws if the team is broken. A relaxed load, no lock: a lock here would order the threads'
  // memory accesses between barriers and hide missing barriers from ThreadSanitizer.
  void check() {
    if (!broken_flag_.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    throw_if_broken();
  }
  bool broken() {
    std::lock_guard<std::mutex> lock(mutex_);
    return broken_;
  }
  std::string failure() {
    std::lock_guard<std::mutex> lock(mutex_);
    return why_;
  }
  long barriers() {
    std::lock_guard<std::mutex> lock(mutex_);
    return barriers_;
  }

  // The schedule's delay at one point of thread `rank` (only that thread touches rng_[rank]).
  void delay(int rank, bool leader_section) {
    switch (schedule_) {
      case TeamSchedule::Free: return;
      case TeamSchedule::LeaderLate:
        if (rank == 0) {
          std::this_thread::yield();
          if (leader_section) std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        return;
      case TeamSchedule::RandomDelays: {
        uint64_t& s = rng_[static_cast<size_t>(rank)];
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned draw = static_cast<unsigned>(s >> 40) % 1024u;
        if (draw < 2) std::this_thread::sleep_for(std::chrono::microseconds(20 + draw * 200));
        else if (draw < 40) std::this_thread::yield();
        return;
      }
    }
  }

 private:
  struct Site {
    const char* file = "";
    int line = 0;
  };
  static std::string site(const char* file, int line) {
    const char* slash = std::strrchr(file, '/');
    return std::string(slash ? slash + 1 : file) + ":" + std::to_string(line);
  }
  void throw_if_broken() const {
    if (broken_) throw TeamFailure(why_);
  }
  void record_locked(const std::string& why) {
    if (!broken_) {
      broken_ = true;
      why_ = why;
      broken_flag_.store(true, std::memory_order_relaxed);
    }
    changed_.notify_all();
  }
  [[noreturn]] void fail_locked(const std::string& why) {
    record_locked(why);
    throw TeamFailure(why_);
  }

  const int threads_;
  const TeamSchedule schedule_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Site> sites_;  // where each thread waits (valid while it does)
  std::vector<uint64_t> rng_;
  int arrived_ = 0, first_ = 0, done_ = 0;
  std::atomic<uint64_t> generation_{0};  // barriers completed; written under mutex_
  long barriers_ = 0;
  bool broken_ = false;
  std::atomic<bool> broken_flag_{false};  // broken_, for check()
  std::string why_;
};

// One thread's handle on the team (what the shared code receives as `const Team&`).
struct ThreadTeam {
  TeamState* state = nullptr;
  int rank = 0;

  template <class Work>
  void for_each(int count, Work&& work) const {
    const int threads = state->threads();
    for (int i = rank; i < count; i += threads) {
      state->delay(rank, false);
      work(i);
    }
    if (count > 0) state->check();  // a broken team stops at once, even without a barrier
  }
  void sync(const char* file = __builtin_FILE(), int line = __builtin_LINE()) const {
    state->delay(rank, false);
    state->arrive_and_wait(rank, file, line);
  }
  bool leader() const {
    state->delay(rank, rank == 0);
    return rank == 0;
  }
};

// Runs body(team) on `threads` threads SPMD and joins them; throws the first failure (a
// TeamFailure from the barrier, or whatever a thread threw). Returns the barriers completed.
template <class Body>
long run_team_threads(int threads, TeamSchedule schedule, uint64_t seed, const Body& body,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(60000)) {
  TeamState state(threads, schedule, seed, timeout);
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (int rank = 0; rank < threads; ++rank)
    pool.emplace_back([&, rank] {
      try {
        body(ThreadTeam{&state, rank});
        state.leave(rank);
      } catch (const TeamFailure&) {
        errors[static_cast<size_t>(rank)] = std::current_exception();
        state.leave(rank);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(rank)] = std::current_exception();
        state.record_failure(std::string("thread ") + std::to_string(rank) + " threw: " + e.what());
        state.leave(rank);
      }
    });
  for (std::thread& t : pool) t.join();
  if (state.broken()) throw TeamFailure(state.failure());
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  return state.barriers();
}

}  // namespace leosem::testing
