#include "quality/quality_config.hpp"

#include <cmath>
#include <filesystem>

#include "core/data_dir.hpp"
#include "core/toml_reader.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {

// Where the data directory is not found, the path says so: loading it then fails with a message
// that names the field, the search and LEOSEM_DATA_DIR.
std::string default_jpeg_table_path() {
  const std::string dir = data_directory();
  return (dir.empty() ? "(" + data_directory_search_note() + ")" : dir) + "/jpeg_table_aerial64.csv";
}

QualityModel QualityConfig::model() const {
  QualityModel m;
  m.kind = jscc_kind;
  m.logistic = logistic;
  if (jscc_kind == QualityKind::Grid) m.grid = grid.view();
  return m;
}

std::optional<ParameterProblem> logistic_problem(const LogisticQuality& m) {
  const double floor_top = m.floor_base + m.floor_slope, ceiling_top = m.ceiling_base + m.ceiling_slope;
  if (!(m.width_db > 0.0)) return ParameterProblem{"logistic_width_db", m.width_db, "must be > 0"};
  if (!(m.rho_min > 0.0)) return ParameterProblem{"logistic_rho_min", m.rho_min, "must be > 0"};
  if (!(m.rho_max > m.rho_min))
    return ParameterProblem{"logistic_rho_max", m.rho_max, "must be > logistic_rho_min"};
  if (!(m.floor_slope >= 0.0))
    return ParameterProblem{"logistic_floor_slope", m.floor_slope, "must be >= 0 (quality must not fall as rho grows)"};
  if (!(m.ceiling_slope >= 0.0))
    return ParameterProblem{"logistic_ceiling_slope", m.ceiling_slope,
                            "must be >= 0 (quality must not fall as rho grows)"};
  if (!(m.floor_base >= 0.0))
    return ParameterProblem{"logistic_floor_base", m.floor_base, "must be >= 0 (SSIM values must stay in (0, 1))"};
  if (!(ceiling_top <= 1.0))
    return ParameterProblem{"logistic_ceiling_slope", m.ceiling_slope,
                            "logistic_ceiling_base + logistic_ceiling_slope must be <= 1 (SSIM values below 1)"};
  if (!(m.floor_base < m.ceiling_base))
    return ParameterProblem{"logistic_ceiling_base", m.ceiling_base,
                            "must be > logistic_floor_base (quality must rise with SNR)"};
  if (!(floor_top < ceiling_top))
    return ParameterProblem{"logistic_ceiling_slope", m.ceiling_slope,
                            "the ceiling at rho_max (ceiling_base + ceiling_slope) must be above the floor there "
                            "(floor_base + floor_slope)"};
  return std::nullopt;
}

void check_ratios_in_quality_domain(const QualityConfig& quality, const double* ratios, int count) {
  const QualityModel model = quality.model();
  const QualityDomain domain = quality_domain(model);
  const double slack = 1e-9;  // relative: a ratio written as 0.025 for 1/40 is inside
  for (int l = 0; l < count; ++l)
    if (ratios[l] < domain.rho_min * (1.0 - slack) || ratios[l] > domain.rho_max * (1.0 + slack))
      reject("jscc.compression_ratios", ratios[l],
             "outside the quality model's rho range [" + format_number(domain.rho_min) + ", " +
                 format_number(domain.rho_max) + "] (" +
                 (quality.jscc_kind == QualityKind::Grid
                      ? "the grid file " + quoted_input(quality.grid_path) + " does not cover it"
                      : std::string("widen quality.logistic_rho_min / logistic_rho_max")) +
                 ")");
}

void load_quality_files(QualityConfig& q, const std::string& base_dir) {
  auto resolve = [&](const std::string& path) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || base_dir.empty()) return p.string();
    return (std::filesystem::path(base_dir) / p).string();
  };

  // The logistic parameters are checked even when the grid is chosen: a scenario file should
  // not carry a broken parameter set that breaks the day someone switches back.
  if (const auto problem = logistic_problem(q.logistic)) reject("quality." + problem->field, problem->value, problem->reason);

  const std::string& grid_file = q.grid_file_as_written;
  if (q.jscc_kind == QualityKind::Grid && grid_file.empty())
    reject("quality.grid_file", "(absent)", "is required when jscc_model = \"grid\"");
  // A grid file is loaded and checked even when the logistic model is chosen, for the same reason.
  if (!grid_file.empty()) {
    q.grid_path = resolve(grid_file);
    try {
      q.grid = load_grid_quality_csv(q.grid_path, q.grid_monotone_tolerance);
    } catch (const QualityDataError& e) {
      reject("quality.grid_file", "\"" + grid_file + "\"", e.what());
    }
  }

  const std::string& jpeg_table = q.jpeg_table_as_written;
  q.jpeg_table_path = jpeg_table.empty() ? default_jpeg_table_path() : resolve(jpeg_table);
  // The default table without a data directory: the search is the reason (not a path to quote).
  if (jpeg_table.empty() && data_directory().empty())
    reject("quality.jpeg_table", "(absent: the default table)", data_directory_search_note());
  try {
    q.jpeg_table = load_jpeg_table_csv(q.jpeg_table_path);
  } catch (const QualityDataError& e) {
    reject("quality.jpeg_table", "\"" + (jpeg_table.empty() ? q.jpeg_table_path : jpeg_table) + "\"", e.what());
  }
}

}  // namespace leosem
