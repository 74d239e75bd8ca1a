// `leosem fit-quality GRID.csv`: fits the logistic family to a measured grid (MODEL.md §5.1).
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "quality/csv_util.hpp"
#include "quality/quality_config.hpp"
#include "measure/quality_fit.hpp"

namespace leosem::cli {
namespace {

struct FitArgs {
  std::string grid;
  std::string out;
  double tolerance = kAnyGridDip;  // the fit needs no monotone grid: it fits a monotone family
};

void run(const FitArgs& args) {
  const GridQualityData grid = load_grid_quality_csv(args.grid, args.tolerance);
  const QualityFit fit = fit_logistic_quality(grid);
  const LogisticQuality& m = fit.params;

  std::ostringstream summary;
  summary << std::setprecision(6);
  summary << "logistic fit to " << args.grid << " (" << grid.rho.size() << " rho x " << grid.snr_db.size()
          << " snr_db = " << grid.ssim.size() << " points, Levenberg-Marquardt, " << fit.evaluations
          << " evaluations)\n";
  summary << "floor_base    a0 = " << m.floor_base << "\n";
  summary << "floor_slope   a1 = " << m.floor_slope << "\n";
  summary << "ceiling_base  b0 = " << m.ceiling_base << "\n";
  summary << "ceiling_slope b1 = " << m.ceiling_slope << "\n";
  summary << "centre_db     c  = " << m.centre_db << "\n";
  summary << "width_db      w  = " << m.width_db << "\n";
  summary << "rho range (u = 0..1) = " << m.rho_min << " .. " << m.rho_max << "\n";
  summary << "RMSE = " << fit.rmse << ", max |error| = " << fit.max_abs_error << " at (rho=" << fit.worst_rho
          << ", snr_db=" << fit.worst_snr_db << ")\n";
  std::cout << summary.str();

  if (const auto problem = logistic_problem(m))
    throw InputError("the fitted parameters are not a valid quality model: " + problem->field + " = " +
                             csv_number(problem->value) + ": " + problem->reason +
                             " (the logistic family does not describe this grid; use jscc_model = \"grid\")");

  std::ostringstream comment;
  comment << std::setprecision(6) << "fitted by: leosem fit-quality " << args.grid << "\n"
          << "RMSE " << fit.rmse << ", max |error| " << fit.max_abs_error << " at (rho=" << fit.worst_rho
          << ", snr_db=" << fit.worst_snr_db << ")";
  const std::string toml = format_logistic_toml(m, comment.str());
  std::cout << "\n" << toml;
  if (!args.out.empty()) write_file_atomically(args.out, toml);
}

}  // namespace

void add_fit_quality_command(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fit-quality",
      "Fit the logistic quality family to a measured (rho, snr_db, ssim) grid CSV by nonlinear least squares; "
      "print the parameters, RMSE and max error, and the [quality] section that selects them");
  cmd->add_option("grid", args->grid, "grid CSV: header rho,snr_db,ssim, one row per grid point")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args->out, "also write the [quality] section to this TOML file");
  cmd->add_option("--tolerance", args->tolerance,
                  "refuse a grid that falls by more than this SSIM between neighbours (default 1: accept any; "
                  "the fit is to the values as measured, noise and all)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->callback([args]() { run(*args); });
}

}  // namespace leosem::cli
