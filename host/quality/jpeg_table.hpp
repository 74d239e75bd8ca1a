// JPEG rate-quality table for the conventional baseline (MODEL.md §5.2): per JPEG quality q,
// the mean SSIM and mean bits per 64x64 image, whole file and entropy-coded scan alone.
// CSV format (made by `leosem jpeg-table`): '#' lines carry the provenance, then the header
// quality,mean_ssim,mean_bits_file,mean_bits_scan,tiles and one row per quality, ascending.
#pragma once
#include <string>
#include <vector>

#include "core/hostdev.hpp"

namespace leosem {

enum class JpegRateBasis : int { File = 0, Scan = 1 };

struct JpegTable {
  std::vector<int> quality;          // ascending
  std::vector<double> mean_ssim;     // non-decreasing in quality
  std::vector<double> mean_bits_file;
  std::vector<double> mean_bits_scan;
  std::vector<int> tiles;            // tiles averaged per row
  std::string provenance;            // the '#' lines
};

// Non-owning POD view for per-instance (host-device) code.
struct JpegTableView {
  const double* mean_ssim = nullptr;
  const double* bits_per_image = nullptr;  // of the chosen rate basis
  int count = 0;
};

inline JpegTableView make_view(const JpegTable& table, JpegRateBasis basis) {
  return {table.mean_ssim.data(),
          basis == JpegRateBasis::File ? table.mean_bits_file.data() : table.mean_bits_scan.data(),
          static_cast<int>(table.quality.size())};
}

// Index of the lowest quality whose mean SSIM reaches the target, or -1 if none does.
LEOSEM_HD int jpeg_lowest_quality_index(const JpegTableView& table, double ssim_target) {
  for (int i = 0; i < table.count; ++i)
    if (table.mean_ssim[i] >= ssim_target) return i;
  return -1;
}

// Loads a table CSV and checks it (check_jpeg_table); errors (QualityDataError) name file, line
// or quality, and the reason.
JpegTable load_jpeg_table_csv(const std::string& path);

// The checks: columns of equal length, qualities strictly ascending in 1..100, mean_ssim in
// (0, 1] and non-decreasing, bits > 0 and non-decreasing in both bases, scan <= file, tiles >= 1.
void check_jpeg_table(const JpegTable& table, const std::string& origin);

// The CSV text of a table: its provenance lines, the header, one row per quality.
std::string format_jpeg_table_csv(const JpegTable& table);
const std::vector<std::string>& jpeg_table_header();

}  // namespace leosem
