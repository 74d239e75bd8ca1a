// The [quality] section of a scenario: which JSCC quality model (the logistic family with its
// parameters, or a measured grid file), and which JPEG rate-quality table and rate basis the
// conventional baseline uses. Field reference: docs/quality-models.md.
#pragma once
#include <optional>
#include <string>

#include "quality/grid_model.hpp"
#include "quality/jpeg_table.hpp"
#include "quality/quality_model.hpp"

namespace leosem {

// The committed default JPEG table (results/data/, measured by `leosem jpeg-table`).
std::string default_jpeg_table_path();

struct QualityConfig {
  QualityKind jscc_kind = QualityKind::Logistic;
  LogisticQuality logistic;                  // used when jscc_kind is Logistic
  std::string grid_file_as_written;          // [quality] grid_file as given (empty: not given)
  std::string jpeg_table_as_written;         // [quality] jpeg_table as given (empty: the default table)
  std::string grid_path;                     // resolved; used when jscc_kind is Grid
  double grid_monotone_tolerance = kDefaultGridMonotoneTolerance;
  GridQualityData grid;                      // loaded from grid_path
  std::string jpeg_table_path = default_jpeg_table_path();  // resolved
  JpegTable jpeg_table;                      // loaded from jpeg_table_path
  JpegRateBasis jpeg_rate_basis = JpegRateBasis::File;
  // What `grid` and `jpeg_table` were loaded from (empty: not loaded): a copy of a loaded config
  // (a sweep point made from its base) loads a file again only when its path or tolerance changed.
  std::string grid_loaded_path, jpeg_table_loaded_path;
  double grid_loaded_tolerance = 0.0;

  // Views into this object's own data: valid while it lives and is not moved or changed.
  QualityModel model() const;
  JpegTableView jpeg_view() const { return make_view(jpeg_table, jpeg_rate_basis); }
};

// A reason why a logistic parameter set breaks the requirements on a quality model (MODEL §5.1:
// increasing in ρ and γ, values in (0, 1) over ρ in [rho_min, rho_max]); field is the config key.
struct ParameterProblem {
  std::string field;
  double value;
  std::string reason;
};
std::optional<ParameterProblem> logistic_problem(const LogisticQuality& m);

// After the field table has read [quality] (scenario/field_table.cpp): checks the rules between
// its fields, then resolves the files it names against `base_dir` (the configuration file's
// folder; empty: the working directory) and loads them, unless already loaded from there. Errors are ConfigError naming field, value
// and reason.
void load_quality_files(QualityConfig& quality, const std::string& base_dir);

// Throws ConfigError (field jscc.compression_ratios) when a ratio lies outside the quality
// model's ρ domain (the logistic family would extrapolate, a grid would clamp).
void check_ratios_in_quality_domain(const QualityConfig& quality, const double* ratios, int count);

}  // namespace leosem
