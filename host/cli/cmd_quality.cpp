// `leosem quality [SCENARIO.toml]`: what a scenario's quality models imply, per SSIM target: the
// JSCC's required SNR Γ(ξ; ρ) for each compression option, and the JPEG baseline's lowest
// quality with its bits per image.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/validators.hpp"
#include "quality/quality_model.hpp"
#include "scenario/config.hpp"

namespace leosem::cli {
namespace {

struct QualityArgs {
  std::string scenario;
  std::vector<double> ssim = {0.6, 0.7, 0.75, 0.8, 0.9};
};

void run(const QualityArgs& args) {
  const ScenarioConfig config = args.scenario.empty() ? parse_scenario("") : load_scenario_file(args.scenario);
  const QualityConfig& q = config.quality;
  const QualityModel model = q.model();
  const ScenarioParams& p = config.params;

  std::cout << "JSCC model: "
            << (q.jscc_kind == QualityKind::Logistic ? "logistic" : "grid (" + q.grid_path + ")")
            << "; required SNR Gamma(xi; rho) in dB (- where unreachable)\n";
  std::printf("%-10s", "rho");
  for (double xi : args.ssim) std::printf("  xi=%-6.3g", xi);
  std::printf("\n");
  for (int l = 0; l < p.options; ++l) {
    const double rho = p.compression_ratios[l];
    std::printf("1/%-8.4g", 1.0 / rho);
    for (double xi : args.ssim) {
      const RequiredSnr r = quality_required_snr_db(model, xi, rho);
      if (r.reachable) std::printf("  %9.3f", r.snr_db);
      else std::printf("  %9s", "-");
    }
    std::printf("\n");
  }

  std::cout << "\nJPEG table: " << q.jpeg_table_path << " (rate basis "
            << (q.jpeg_rate_basis == JpegRateBasis::File ? "file" : "scan")
            << "); lowest quality reaching xi, its mean SSIM and bits per 64x64 image\n";
  std::printf("%-6s %8s %10s %12s %8s %12s %8s\n", "xi", "quality", "mean_ssim", "bits_file", "bpp", "bits_scan",
              "bpp");
  const JpegTableView view = q.jpeg_view();
  for (double xi : args.ssim) {
    const int i = jpeg_lowest_quality_index(view, xi);
    if (i < 0) {
      std::printf("%-6.3g %8s\n", xi, "-");
      continue;
    }
    const size_t k = static_cast<size_t>(i);
    std::printf("%-6.3g %8d %10.4f %12.1f %8.3f %12.1f %8.3f\n", xi, q.jpeg_table.quality[k], q.jpeg_table.mean_ssim[k],
                q.jpeg_table.mean_bits_file[k], q.jpeg_table.mean_bits_file[k] / p.image_values * 3.0,
                q.jpeg_table.mean_bits_scan[k], q.jpeg_table.mean_bits_scan[k] / p.image_values * 3.0);
  }
}

}  // namespace

void add_quality_command(CLI::App& app) {
  auto args = std::make_shared<QualityArgs>();
  CLI::App* cmd = app.add_subcommand(
      "quality", "Print a scenario's quality models at a few SSIM targets: the JSCC's required SNR per compression "
                 "option and the JPEG baseline's lowest quality and bits per image");
  cmd->add_option("scenario", args->scenario, "scenario TOML (default: the built-in defaults)")
      ->check(regular_file());
  cmd->add_option("--ssim", args->ssim, "SSIM targets")->delimiter(',')->capture_default_str();
  cmd->callback([args]() { run(*args); });
}

}  // namespace leosem::cli
