#include "measure/jpeg_table_build.hpp"

#include "quality/grid_model.hpp"  // QualityDataError
#include "measure/ssim.hpp"

namespace leosem {

std::vector<int> default_jpeg_qualities() {
  std::vector<int> q;
  for (int v = 5; v <= 95; v += 5) q.push_back(v);
  q.push_back(98);
  q.push_back(100);
  return q;
}

RgbImage downscale(const RgbImage& image, int factor) {
  if (factor < 1) throw QualityDataError("downscale factor " + std::to_string(factor) + " must be >= 1");
  RgbImage out;
  out.width = image.width / factor;
  out.height = image.height / factor;
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  const int area = factor * factor;
  for (int r = 0; r < out.height; ++r)
    for (int c = 0; c < out.width; ++c)
      for (int channel = 0; channel < 3; ++channel) {
        int sum = 0;
        for (int dr = 0; dr < factor; ++dr)
          for (int dc = 0; dc < factor; ++dc)
            sum += image.rgb[(static_cast<size_t>(r * factor + dr) * image.width + c * factor + dc) * 3 + channel];
        out.rgb[(static_cast<size_t>(r) * out.width + c) * 3 + channel] = static_cast<uint8_t>((sum + area / 2) / area);
      }
  return out;
}

std::vector<RgbImage> cut_tiles(const RgbImage& image, int tile_size, int offset) {
  std::vector<RgbImage> tiles;
  for (int y = offset; y + tile_size <= image.height; y += tile_size)
    for (int x = offset; x + tile_size <= image.width; x += tile_size) tiles.push_back(crop(image, x, y, tile_size));
  return tiles;
}

JpegTable build_jpeg_table(const std::vector<RgbImage>& tiles, const std::vector<int>& qualities) {
  if (tiles.empty()) throw QualityDataError("no tiles to measure (every image smaller than a tile?)");
  if (qualities.empty()) throw QualityDataError("no JPEG qualities given");
  for (size_t i = 0; i < qualities.size(); ++i)
    if (qualities[i] < 1 || qualities[i] > 100 || (i > 0 && qualities[i] <= qualities[i - 1]))
      throw QualityDataError("JPEG qualities must be strictly ascending in 1..100 (got " + std::to_string(qualities[i]) + ")");

  std::vector<LumaImage> originals;
  for (const RgbImage& tile : tiles) originals.push_back(luma_bt601(tile.rgb.data(), tile.width, tile.height));

  JpegTable table;
  const double count = static_cast<double>(tiles.size());
  for (const int quality : qualities) {
    double ssim_sum = 0.0, file_bits_sum = 0.0, scan_bits_sum = 0.0;
    for (size_t i = 0; i < tiles.size(); ++i) {
      const std::vector<uint8_t> jpeg = encode_jpeg(tiles[i], quality);
      const RgbImage decoded = decode_jpeg(jpeg, "encoded tile");
      ssim_sum += ssim_mean(originals[i], luma_bt601(decoded.rgb.data(), decoded.width, decoded.height));
      file_bits_sum += 8.0 * static_cast<double>(jpeg.size());
      scan_bits_sum += 8.0 * static_cast<double>(jpeg_scan_bytes(jpeg));
    }
    table.quality.push_back(quality);
    table.mean_ssim.push_back(ssim_sum / count);
    table.mean_bits_file.push_back(file_bits_sum / count);
    table.mean_bits_scan.push_back(scan_bits_sum / count);
    table.tiles.push_back(static_cast<int>(tiles.size()));
  }
  return table;
}

}  // namespace leosem
