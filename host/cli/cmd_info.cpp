#include <iostream>

#include "backends/cuda_device.hpp"
#include "cli/commands.hpp"
#include "core/build_info.hpp"

namespace leosem::cli {

void add_info_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("info", "Print version, git commit, compiled backends and CUDA devices");
  cmd->callback([]() {
    std::cout << "leosem " << kVersion << "\n";
    std::cout << "git commit: " << kGitCommit << "\n";
    std::cout << "backends: reference, cpu (OpenMP)" << (cuda_compiled() ? ", cuda" : "") << "\n";
    if (!cuda_compiled()) {
      std::cout << "CUDA devices: none (built without CUDA)\n";
      return;
    }
    const auto devices = cuda_device_names();
    if (devices.empty()) std::cout << "CUDA devices: none found\n";
    for (size_t d = 0; d < devices.size(); ++d) std::cout << "CUDA device " << d << ": " << devices[d] << "\n";
  });
}

}  // namespace leosem::cli
