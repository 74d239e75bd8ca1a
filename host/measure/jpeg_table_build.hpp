// Making a JPEG rate-quality table from images (MODEL.md §5.2; `leosem jpeg-table`): every image
// is cut into non-overlapping tiles (edges that do not fill a tile are dropped); each tile is
// encoded in memory at each quality, decoded, and measured: SSIM on luma against the tile
// (measure/ssim.hpp), and compressed size, whole file and entropy-coded scan alone.
#pragma once
#include <vector>

#include "measure/jpeg_codec.hpp"
#include "quality/jpeg_table.hpp"

namespace leosem {

constexpr int kJpegTileSize = 64;  // EuroSAT tiles are 64x64 (MODEL.md §4)

// The qualities of the committed default table: 5..95 step 5, then 98 and 100.
std::vector<int> default_jpeg_qualities();

// The image shrunk by an integer factor, each output pixel the rounded mean of a factor x factor
// block (edges that do not fill a block are dropped). Used on JPEG sources: re-encoding a JPEG on
// its own 8x8 block grid at its own quality nearly reproduces it (SSIM ~ 1), which would make
// the table's SSIM jump at the source's quality; shrinking breaks that grid and its artefacts.
RgbImage downscale(const RgbImage& image, int factor);

// Tiles of one image, in reading order, on a grid starting at (offset, offset).
std::vector<RgbImage> cut_tiles(const RgbImage& image, int tile_size = kJpegTileSize, int offset = 0);

// The table over `tiles` (provenance left empty for the caller). Throws QualityDataError when
// there are no tiles or a quality is outside 1..100.
JpegTable build_jpeg_table(const std::vector<RgbImage>& tiles, const std::vector<int>& qualities);

}  // namespace leosem
