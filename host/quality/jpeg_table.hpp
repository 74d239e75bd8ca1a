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

// Loads and checks a table CSV (implemented in quality/jpeg_table.cpp, issue 3).
JpegTable load_jpeg_table_csv(const std::string& path);

}  // namespace leosem
