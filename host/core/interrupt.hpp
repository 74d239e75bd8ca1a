// A SIGINT/SIGTERM received during a long command: the handler only records the signal, and the
// sweep runner stops at the next block boundary (data flushed, FILE.partial resumable) by
// throwing Interrupted, which `leosem` turns into its "interrupted" exit code.
#pragma once
#include <csignal>

namespace leosem {

inline volatile std::sig_atomic_t& pending_interrupt_signal() {
  static volatile std::sig_atomic_t signal_number = 0;
  return signal_number;
}

// Installs the recording handler for SIGINT and SIGTERM (a second signal kills as usual).
inline void catch_interrupts() {
  const auto handler = [](int signal_number) {
    pending_interrupt_signal() = signal_number;
    std::signal(signal_number, SIG_DFL);
  };
  std::signal(SIGINT, handler);
  std::signal(SIGTERM, handler);
}

}  // namespace leosem
