// The [quality] section: defaults, every field, relative paths, and errors naming field, value
// and reason.
#include <gtest/gtest.h>

#include "quality_test_util.hpp"
#include "config_test_util.hpp"
#include "scenario/config.hpp"

namespace leosem {
namespace {

using test::error_of;

std::string grid_csv_text(const GridQualityData& g) {
  std::string text = "rho,snr_db,ssim\n";
  const size_t cols = g.snr_db.size();
  for (size_t i = 0; i < g.rho.size(); ++i)
    for (size_t j = 0; j < cols; ++j) {
      char line[128];
      std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g\n", g.rho[i], g.snr_db[j], g.ssim[i * cols + j]);
      text += line;
    }
  return text;
}

TEST(QualityConfig, Defaults) {
  const ScenarioConfig c = parse_scenario("");
  const QualityConfig& q = c.quality;
  EXPECT_EQ(q.jscc_kind, QualityKind::Logistic);
  const LogisticQuality defaults;
  EXPECT_EQ(q.logistic.floor_base, defaults.floor_base);
  EXPECT_EQ(q.logistic.width_db, defaults.width_db);
  EXPECT_EQ(q.jpeg_rate_basis, JpegRateBasis::File);
  EXPECT_EQ(q.jpeg_table_path, default_jpeg_table_path());
  EXPECT_EQ(q.jpeg_table.quality.size(), 21u);
  EXPECT_EQ(q.model().kind, QualityKind::Logistic);
  EXPECT_EQ(q.jpeg_view().bits_per_image, q.jpeg_table.mean_bits_file.data());
}

TEST(QualityConfig, ReadsEveryField) {
  const ScenarioConfig c = parse_scenario(R"(
[quality]
jscc_model = "logistic"
logistic_floor_base = 0.3
logistic_floor_slope = 0.1
logistic_ceiling_base = 0.72
logistic_ceiling_slope = 0.25
logistic_centre_db = 1
logistic_width_db = 3.0
logistic_rho_min = 0.02
logistic_rho_max = 0.3
grid_monotone_tolerance = 0.002
jpeg_rate_basis = "scan"
)");
  const LogisticQuality& m = c.quality.logistic;
  EXPECT_EQ(m.floor_base, 0.3);
  EXPECT_EQ(m.floor_slope, 0.1);
  EXPECT_EQ(m.ceiling_base, 0.72);
  EXPECT_EQ(m.ceiling_slope, 0.25);
  EXPECT_EQ(m.centre_db, 1.0);
  EXPECT_EQ(m.width_db, 3.0);
  EXPECT_EQ(m.rho_min, 0.02);
  EXPECT_EQ(m.rho_max, 0.3);
  EXPECT_EQ(c.quality.grid_monotone_tolerance, 0.002);
  EXPECT_EQ(c.quality.jpeg_rate_basis, JpegRateBasis::Scan);
  EXPECT_EQ(c.quality.jpeg_view().bits_per_image, c.quality.jpeg_table.mean_bits_scan.data());
}

TEST(QualityConfig, GridAndTablePathsResolveAgainstTheConfigFolder) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.path / "data");
  const GridQualityData g = test::logistic_grid();
  dir.write("data/grid.csv", grid_csv_text(g));
  std::filesystem::copy_file(default_jpeg_table_path(), dir.path / "data" / "table.csv");
  const std::string scenario = dir.write("scenario.toml",
                                         "[quality]\njscc_model = \"grid\"\ngrid_file = \"data/grid.csv\"\n"
                                         "jpeg_table = \"data/table.csv\"\n");
  const ScenarioConfig c = load_scenario_file(scenario);
  EXPECT_EQ(c.quality.jscc_kind, QualityKind::Grid);
  EXPECT_EQ(c.quality.grid_path, (dir.path / "data/grid.csv").string());
  EXPECT_EQ(c.quality.jpeg_table_path, (dir.path / "data/table.csv").string());
  EXPECT_EQ(c.quality.grid.ssim, g.ssim);
  const QualityModel m = c.quality.model();
  ASSERT_EQ(m.kind, QualityKind::Grid);
  EXPECT_EQ(m.grid.ssim, c.quality.grid.ssim.data());
  EXPECT_EQ(quality_ssim(m, 1.0 / 12, 5.0), g.ssim[3 * g.snr_db.size() + 6]);
}

TEST(QualityConfig, RejectsBadFieldsNamingThem) {
  auto expect = [](const std::string& toml, const std::string& part) {
    const std::string e = error_of(toml);
    EXPECT_NE(e.find(part), std::string::npos) << "error: " << e << "\nexpected: " << part;
  };
  expect("[quality]\ncolour = 1\n", "field 'quality.colour' = (present): unknown key in [quality]");
  expect("[quality]\njscc_model = \"cubic\"\n", "field 'quality.jscc_model' = \"cubic\": must be one of \"logistic\", \"grid\"");
  expect("[quality]\nlogistic_width_db = \"wide\"\n", "field 'quality.logistic_width_db' = \"wide\": must be a number");
  expect("[quality]\nlogistic_width_db = 0\n", "field 'quality.logistic_width_db' = 0: must be > 0");
  expect("[quality]\nlogistic_floor_slope = -0.1\n", "field 'quality.logistic_floor_slope' = -0.1: must be >= 0");
  expect("[quality]\nlogistic_ceiling_slope = 0.35\n", "field 'quality.logistic_ceiling_slope' = 0.35: logistic_ceiling_base + logistic_ceiling_slope must be <= 1");
  expect("[quality]\nlogistic_floor_base = 0.8\n", "field 'quality.logistic_ceiling_base' = 0.7: must be > logistic_floor_base");
  expect("[quality]\nlogistic_rho_max = 0.01\n", "field 'quality.logistic_rho_max' = 0.01: must be > logistic_rho_min");
  expect("[quality]\njpeg_rate_basis = \"bits\"\n", "field 'quality.jpeg_rate_basis' = \"bits\": must be one of \"file\", \"scan\"");
  expect("[quality]\njscc_model = \"grid\"\n", "field 'quality.grid_file' = (absent): is required when jscc_model = \"grid\"");
  expect("[quality]\ngrid_file = \"\"\n", "field 'quality.grid_file' = \"\": must not be empty");
  expect("[quality]\ngrid_file = \"/nonexistent/grid.csv\"\n", "field 'quality.grid_file' = \"/nonexistent/grid.csv\": cannot read '/nonexistent/grid.csv'");
  expect("[quality]\njpeg_table = \"/nonexistent/t.csv\"\n", "field 'quality.jpeg_table' = \"/nonexistent/t.csv\": cannot read");
  expect("[quality]\ngrid_monotone_tolerance = 0.5\n", "field 'quality.grid_monotone_tolerance' = 0.5: must be in [0, 0.1)");
  expect("quality = 3\n", "must be a [quality] table");
  // Compression ratios outside the model's ρ domain.
  expect("[jscc]\ncompression_ratios = [0.025, 0.5]\n",
         "field 'jscc.compression_ratios' = 0.5: outside the quality model's rho range [0.025, 0.25]");
  EXPECT_EQ(error_of("[jscc]\ncompression_ratios = [0.025, 0.5]\n[quality]\nlogistic_rho_max = 0.5\n"), "(no error)");
}

TEST(QualityConfig, GridErrorsNameTheFileFieldAndPoint) {
  test::TempDir dir;
  GridQualityData g = test::logistic_grid();
  const size_t cols = g.snr_db.size();
  g.ssim[cols + 3] = 0.2;  // ρ = 1/20 at -2.5 dB, far below its neighbours
  const std::string file = dir.write("bad.csv", grid_csv_text(g));
  const std::string e = error_of("[quality]\njscc_model = \"grid\"\ngrid_file = \"" + file + "\"\n");
  EXPECT_NE(e.find("field 'quality.grid_file'"), std::string::npos) << e;
  EXPECT_NE(e.find("not monotone in snr_db: ssim at (rho=0.05, snr_db=-2.5) = 0.2"), std::string::npos) << e;
  // A grid narrower in ρ than the options.
  const GridQualityData narrow = make_grid_quality({0.05, 0.25}, {0.0, 10.0}, {0.5, 0.6, 0.55, 0.9});
  const std::string narrow_file = dir.write("narrow.csv", grid_csv_text(narrow));
  const std::string e2 = error_of("[quality]\njscc_model = \"grid\"\ngrid_file = \"" + narrow_file + "\"\n");
  EXPECT_NE(e2.find("field 'jscc.compression_ratios' = 0.025: outside the quality model's rho range [0.05, 0.25]"),
            std::string::npos)
      << e2;
}

}  // namespace
}  // namespace leosem
