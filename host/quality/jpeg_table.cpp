#include "quality/jpeg_table.hpp"

#include <cstdio>

#include "quality/csv_util.hpp"
#include "quality/grid_model.hpp"  // QualityDataError

namespace leosem {

const std::vector<std::string>& jpeg_table_header() {
  static const std::vector<std::string> header{"quality", "mean_ssim", "mean_bits_file", "mean_bits_scan", "tiles"};
  return header;
}

void check_jpeg_table(const JpegTable& t, const std::string& origin) {
  const size_t n = t.quality.size();
  if (n == 0) throw QualityDataError(origin + ": the JPEG table has no rows");
  if (t.mean_ssim.size() != n || t.mean_bits_file.size() != n || t.mean_bits_scan.size() != n || t.tiles.size() != n)
    throw QualityDataError(origin + ": the JPEG table's columns differ in length");
  for (size_t i = 0; i < n; ++i) {
    const std::string row = origin + ": quality " + std::to_string(t.quality[i]) + ": ";
    if (t.quality[i] < 1 || t.quality[i] > 100) throw QualityDataError(row + "quality must be in 1..100");
    if (i > 0 && t.quality[i] <= t.quality[i - 1])
      throw QualityDataError(row + "qualities must be strictly ascending (follows " + std::to_string(t.quality[i - 1]) + ")");
    if (!(t.mean_ssim[i] > 0.0 && t.mean_ssim[i] <= 1.0))
      throw QualityDataError(row + "mean_ssim " + csv_number(t.mean_ssim[i]) + " must be in (0, 1]");
    if (!(t.mean_bits_scan[i] > 0.0)) throw QualityDataError(row + "mean_bits_scan must be > 0");
    if (!(t.mean_bits_file[i] >= t.mean_bits_scan[i]))
      throw QualityDataError(row + "mean_bits_file " + csv_number(t.mean_bits_file[i]) +
                             " must be >= mean_bits_scan " + csv_number(t.mean_bits_scan[i]) + " (the scan is part of the file)");
    if (t.tiles[i] < 1) throw QualityDataError(row + "tiles must be >= 1");
    // The baseline takes the lowest quality reaching an SSIM and pays its bits: both must rise
    // with quality for that rule to mean "cheapest".
    if (i > 0 && t.mean_ssim[i] < t.mean_ssim[i - 1])
      throw QualityDataError(row + "mean_ssim " + csv_number(t.mean_ssim[i]) + " falls below the previous quality's " +
                             csv_number(t.mean_ssim[i - 1]));
    if (i > 0 && (t.mean_bits_file[i] < t.mean_bits_file[i - 1] || t.mean_bits_scan[i] < t.mean_bits_scan[i - 1]))
      throw QualityDataError(row + "bits per image fall below the previous quality's");
  }
}

JpegTable load_jpeg_table_csv(const std::string& path) {
  const CsvFile csv = read_csv_file(path, jpeg_table_header());
  JpegTable t;
  t.provenance = csv.comments;
  for (const CsvRow& row : csv.rows) {
    const long quality = parse_csv_integer(path, row, 0);
    if (quality < 1 || quality > 100)
      throw QualityDataError(path + ":" + std::to_string(row.line) + ": quality " + std::to_string(quality) + " not in 1..100");
    t.quality.push_back(static_cast<int>(quality));
    t.mean_ssim.push_back(parse_csv_number(path, row, 1));
    t.mean_bits_file.push_back(parse_csv_number(path, row, 2));
    t.mean_bits_scan.push_back(parse_csv_number(path, row, 3));
    const long tiles = parse_csv_integer(path, row, 4);
    if (tiles < 1 || tiles > 1000000000L)
      throw QualityDataError(path + ":" + std::to_string(row.line) + ": tiles " + std::to_string(tiles) + " not in 1..1e9");
    t.tiles.push_back(static_cast<int>(tiles));
  }
  check_jpeg_table(t, path);
  return t;
}

std::string format_jpeg_table_csv(const JpegTable& t) {
  std::string text;
  if (!t.provenance.empty()) text += t.provenance + "\n";
  std::string header;
  for (const auto& h : jpeg_table_header()) header += (header.empty() ? "" : ",") + h;
  text += header + "\n";
  for (size_t i = 0; i < t.quality.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof line, "%d,%.6f,%.2f,%.2f,%d\n", t.quality[i], t.mean_ssim[i], t.mean_bits_file[i],
                  t.mean_bits_scan[i], t.tiles[i]);
    text += line;
  }
  return text;
}

}  // namespace leosem
