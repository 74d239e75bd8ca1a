#include "quality/grid_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "quality/csv_util.hpp"

namespace leosem {
namespace {

std::string point_name(double rho, double snr_db) {
  return "(rho=" + csv_number(rho) + ", snr_db=" + csv_number(snr_db) + ")";
}

void check_axis(const std::vector<double>& axis, const char* name, const std::string& origin) {
  if (axis.size() < 2)
    throw QualityDataError(origin + ": the grid needs at least 2 distinct " + name + " values, found " +
                           std::to_string(axis.size()));
  for (size_t i = 0; i < axis.size(); ++i) {
    if (!std::isfinite(axis[i]))
      throw QualityDataError(origin + ": " + name + " value " + csv_number(axis[i]) + " is not finite");
    if (i > 0 && !(axis[i] > axis[i - 1]))
      throw QualityDataError(origin + ": " + name + " values must be strictly ascending, but " +
                             csv_number(axis[i]) + " follows " + csv_number(axis[i - 1]));
  }
}

}  // namespace

// What to do about a measured grid's noise, said with every monotonicity refusal.
const std::string kNoisyGridHint =
    " (measurement noise? the grid model can use the grid's lower monotone envelope: raise [quality] "
    "grid_monotone_tolerance to cover the dips; or fit the logistic family to it, noise and all, with "
    "`leosem fit-quality`)";

GridQualityData make_grid_quality(std::vector<double> rho, std::vector<double> snr_db, std::vector<double> ssim,
                                  double tolerance, const std::string& origin) {
  check_axis(rho, "rho", origin);
  check_axis(snr_db, "snr_db", origin);
  if (rho.front() <= 0.0)
    throw QualityDataError(origin + ": rho " + csv_number(rho.front()) + " must be > 0 (a compression ratio)");
  if (!(tolerance >= 0.0 && tolerance <= 1.0))
    throw QualityDataError(origin + ": monotonicity tolerance " + csv_number(tolerance) + " must be in [0, 1]");
  const size_t rows = rho.size(), cols = snr_db.size();
  if (ssim.size() != rows * cols)
    throw QualityDataError(origin + ": " + std::to_string(ssim.size()) + " values for a " + std::to_string(rows) +
                           " x " + std::to_string(cols) + " grid");
  auto at = [&](size_t i, size_t j) -> double& { return ssim[i * cols + j]; };

  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j)
      if (!(at(i, j) > 0.0 && at(i, j) < 1.0))
        throw QualityDataError(origin + ": ssim at " + point_name(rho[i], snr_db[j]) + " = " + csv_number(at(i, j)) +
                               " is outside (0, 1)");

  // Monotone in SNR (along each row) and in ρ (down each column), within the tolerance.
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 1; j < cols; ++j)
      if (at(i, j) < at(i, j - 1) - tolerance)
        throw QualityDataError(origin + ": not monotone in snr_db: ssim at " + point_name(rho[i], snr_db[j]) + " = " +
                               csv_number(at(i, j)) + " is below ssim at " + point_name(rho[i], snr_db[j - 1]) +
                               " = " + csv_number(at(i, j - 1)) + " by more than the tolerance " +
                               csv_number(tolerance) + kNoisyGridHint);
  for (size_t i = 1; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j)
      if (at(i, j) < at(i - 1, j) - tolerance)
        throw QualityDataError(origin + ": not monotone in rho: ssim at " + point_name(rho[i], snr_db[j]) + " = " +
                               csv_number(at(i, j)) + " is below ssim at " + point_name(rho[i - 1], snr_db[j]) +
                               " = " + csv_number(at(i - 1, j)) + " by more than the tolerance " +
                               csv_number(tolerance) + kNoisyGridHint);

  std::vector<double> measured = ssim;
  // Lower monotone envelope: running minimum from the high end, along SNR then along ρ (the
  // second pass keeps the first's order, since a minimum of non-decreasing rows is non-decreasing).
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = cols - 1; j-- > 0;) at(i, j) = std::min(at(i, j), at(i, j + 1));
  for (size_t i = rows - 1; i-- > 0;)
    for (size_t j = 0; j < cols; ++j) at(i, j) = std::min(at(i, j), at(i + 1, j));

  GridQualityData data;
  data.rho = std::move(rho);
  data.snr_db = std::move(snr_db);
  data.ssim = std::move(ssim);
  data.ssim_measured = std::move(measured);
  data.origin = origin;
  return data;
}

GridQualityData load_grid_quality_csv(const std::string& path, double tolerance) {
  const CsvFile csv = read_csv_file(path, {"rho", "snr_db", "ssim"});
  struct Point {
    double rho, snr_db, ssim;
    int line;
  };
  std::vector<Point> points;
  for (const CsvRow& row : csv.rows) {
    Point p{};
    p.rho = parse_csv_number(path, row, 0);
    p.snr_db = parse_csv_number(path, row, 1);
    p.ssim = parse_csv_number(path, row, 2);
    p.line = row.line;
    points.push_back(p);
  }
  if (points.empty()) throw QualityDataError(path + ": no grid points after the header");

  std::vector<double> rho, snr_db;
  for (const Point& p : points) {
    rho.push_back(p.rho);
    snr_db.push_back(p.snr_db);
  }
  auto unique_sorted = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  unique_sorted(rho);
  unique_sorted(snr_db);

  const size_t cols = snr_db.size();
  std::vector<double> ssim(rho.size() * cols, NAN);
  std::vector<int> line_of(rho.size() * cols, 0);
  for (const Point& p : points) {
    const size_t i = static_cast<size_t>(std::lower_bound(rho.begin(), rho.end(), p.rho) - rho.begin());
    const size_t j = static_cast<size_t>(std::lower_bound(snr_db.begin(), snr_db.end(), p.snr_db) - snr_db.begin());
    if (line_of[i * cols + j] != 0)
      throw QualityDataError(path + ":" + std::to_string(p.line) + ": grid point " + point_name(p.rho, p.snr_db) +
                             " repeats line " + std::to_string(line_of[i * cols + j]));
    ssim[i * cols + j] = p.ssim;
    line_of[i * cols + j] = p.line;
  }
  for (size_t i = 0; i < rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j)
      if (line_of[i * cols + j] == 0)
        throw QualityDataError(path + ": incomplete grid: no row for " + point_name(rho[i], snr_db[j]) + " (the file has " +
                               std::to_string(rho.size()) + " rho values and " + std::to_string(cols) +
                               " snr_db values, so needs " + std::to_string(rho.size() * cols) + " rows, has " +
                               std::to_string(points.size()) + ")");
  return make_grid_quality(std::move(rho), std::move(snr_db), std::move(ssim), tolerance, path);
}

}  // namespace leosem
