// SSIM (Wang et al. 2004) against hand-computable cases, the in-memory JPEG codec and scan
// measurement, the table builder on synthetic images, and the committed default table.
#include <gtest/gtest.h>

#include <cmath>

#include "measure/jpeg_codec.hpp"
#include "quality/jpeg_table.hpp"
#include "measure/jpeg_table_build.hpp"
#include "quality/quality_config.hpp"
#include "measure/ssim.hpp"
#include "quality_test_util.hpp"

namespace leosem {
namespace {

LumaImage luma_of(int width, int height, double (*value)(int, int)) {
  LumaImage image;
  image.width = width;
  image.height = height;
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) image.luma.push_back(value(r, c));
  return image;
}

// A smooth synthetic scene with some texture, as 8-bit RGB.
RgbImage synthetic_rgb(int width, int height) {
  RgbImage image;
  image.width = width;
  image.height = height;
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) {
      const double v = 128 + 60 * std::sin(0.21 * c) * std::cos(0.13 * r) + 30 * std::sin(0.9 * (r + c));
      image.rgb.push_back(static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0))));
      image.rgb.push_back(static_cast<uint8_t>(std::lround(std::clamp(255 - v * 0.7, 0.0, 255.0))));
      image.rgb.push_back(static_cast<uint8_t>((r * 3 + c) % 256));
    }
  return image;
}

TEST(Ssim, IdenticalImagesGiveOne) {
  const RgbImage rgb = synthetic_rgb(64, 64);
  const LumaImage x = luma_bt601(rgb.rgb.data(), 64, 64);
  EXPECT_EQ(ssim_mean(x, x), 1.0);
}

TEST(Ssim, ConstantImagesMatchTheLuminanceTerm) {
  // No variance: SSIM = (2 μx μy + C1) / (μx² + μy² + C1), C1 = (0.01·255)² = 6.5025.
  const LumaImage x = luma_of(11, 11, [](int, int) { return 100.0; });
  const LumaImage y = luma_of(11, 11, [](int, int) { return 120.0; });
  EXPECT_NEAR(ssim_mean(x, y), (2 * 100.0 * 120 + 6.5025) / (100.0 * 100 + 120.0 * 120 + 6.5025), 1e-12);
}

TEST(Ssim, StripesAgainstAScaledCopyByHand) {
  // x: vertical stripes m ± d (sign (−1)^column), y = 2x − 100, one 11x11 window.
  // With S = Σ_c w_c (−1)^c over the 1-D taps: μx = m + dS, σx² = d²(1 − S²),
  // μy = 2μx − 100, σy² = 4σx², σxy = 2σx².
  const double m = 120, d = 20;
  const LumaImage x = luma_of(11, 11, [](int, int c) { return c % 2 == 0 ? 140.0 : 100.0; });
  const LumaImage y = luma_of(11, 11, [](int, int c) { return c % 2 == 0 ? 180.0 : 100.0; });
  const std::vector<double> taps = ssim_gaussian_taps();
  double S = 0.0;
  for (int c = 0; c < 11; ++c) S += taps[c] * (c % 2 == 0 ? 1.0 : -1.0);
  const double mx = m + d * S, my = 2 * mx - 100, vx = d * d * (1 - S * S), vy = 4 * vx, cov = 2 * vx;
  const double c1 = 6.5025, c2 = (0.03 * 255) * (0.03 * 255);
  const double expected = (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  EXPECT_NEAR(ssim_mean(x, y), expected, 1e-12);
  EXPECT_LT(expected, 0.95);  // a real difference, not a trivial case
  // The taps: a normalised Gaussian of σ = 1.5, symmetric, peak e^0 at the centre.
  EXPECT_NEAR(taps[5] / taps[4], std::exp(1.0 / (2 * 1.5 * 1.5)), 1e-12);
  EXPECT_EQ(taps[0], taps[10]);
}

TEST(Ssim, UsesTheValidRegionOnly) {
  // 12x11: two window positions; the second sees one column more. A change in the last column
  // touches only the second position, so SSIM is the mean of 1 and the second's value.
  const LumaImage x = luma_of(12, 11, [](int r, int c) { return 50.0 + 7 * ((r * 5 + c * 3) % 11); });
  LumaImage y = x;
  for (int r = 0; r < 11; ++r) y.luma[static_cast<size_t>(r) * 12 + 11] += 40;
  const double both = ssim_mean(x, y);
  LumaImage x_right, y_right;  // the second window alone: columns 1..11
  x_right.width = y_right.width = 11;
  x_right.height = y_right.height = 11;
  for (int r = 0; r < 11; ++r)
    for (int c = 1; c < 12; ++c) {
      x_right.luma.push_back(x.luma[static_cast<size_t>(r) * 12 + c]);
      y_right.luma.push_back(y.luma[static_cast<size_t>(r) * 12 + c]);
    }
  EXPECT_NEAR(both, (1.0 + ssim_mean(x_right, y_right)) / 2, 1e-12);
}

TEST(Ssim, RejectsMismatchedOrTinyImages) {
  const LumaImage a = luma_of(11, 11, [](int, int) { return 1.0; });
  const LumaImage b = luma_of(12, 11, [](int, int) { return 1.0; });
  const LumaImage tiny = luma_of(10, 10, [](int, int) { return 1.0; });
  EXPECT_THROW(ssim_mean(a, b), std::invalid_argument);
  EXPECT_THROW(ssim_mean(tiny, tiny), std::invalid_argument);
}

TEST(Ssim, LumaIsBt601) {
  const uint8_t rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
  const LumaImage y = luma_bt601(rgb, 4, 1);
  EXPECT_NEAR(y.luma[0], 0.299 * 255, 1e-12);
  EXPECT_NEAR(y.luma[1], 0.587 * 255, 1e-12);
  EXPECT_NEAR(y.luma[2], 0.114 * 255, 1e-12);
  EXPECT_NEAR(y.luma[3], 0.299 * 10 + 0.587 * 20 + 0.114 * 30, 1e-12);
}

TEST(JpegCodec, RoundTripAndScanSize) {
  const RgbImage tile = synthetic_rgb(64, 64);
  const std::vector<uint8_t> jpeg = encode_jpeg(tile, 75);
  const RgbImage decoded = decode_jpeg(jpeg, "test");
  EXPECT_EQ(decoded.width, 64);
  EXPECT_EQ(decoded.height, 64);
  const double ssim = ssim_mean(luma_bt601(tile.rgb.data(), 64, 64), luma_bt601(decoded.rgb.data(), 64, 64));
  EXPECT_GT(ssim, 0.8);
  EXPECT_LT(ssim, 1.0);
  // Headers: SOI 2, APP0 (JFIF) 18, 2 DQT 2·69, SOF0 19, 4 standard DHT 33+183+33+183 = 432,
  // SOS 14, EOI 2: 625 bytes besides the scan, at every quality.
  for (int q : {10, 50, 95}) {
    const std::vector<uint8_t> bytes = encode_jpeg(tile, q);
    EXPECT_EQ(bytes.size() - jpeg_scan_bytes(bytes), 625u) << "quality " << q;
  }
  EXPECT_THROW(encode_jpeg(tile, 0), QualityDataError);
  EXPECT_THROW(encode_jpeg(tile, 101), QualityDataError);
}

TEST(JpegCodec, RejectsBrokenStreams) {
  const std::vector<uint8_t> jpeg = encode_jpeg(synthetic_rgb(64, 64), 50);
  EXPECT_THROW(decode_jpeg({}, "empty"), QualityDataError);
  EXPECT_THROW(decode_jpeg({'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g'}, "text"), QualityDataError);
  const std::vector<uint8_t> truncated(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() / 2));
  EXPECT_THROW(decode_jpeg(truncated, "truncated"), QualityDataError);  // libjpeg warns: premature end
  EXPECT_THROW(jpeg_scan_bytes(truncated), QualityDataError);           // no EOI
  const std::vector<uint8_t> headers_only(jpeg.begin(), jpeg.begin() + 100);
  EXPECT_THROW(jpeg_scan_bytes(headers_only), QualityDataError);  // no SOS
}

TEST(JpegTableBuild, SizeAndSsimRiseWithQualityOnSyntheticTiles) {
  const RgbImage image = synthetic_rgb(200, 140);
  const std::vector<RgbImage> tiles = cut_tiles(image);
  ASSERT_EQ(tiles.size(), 6u);  // 3 x 2 whole 64x64 tiles; edges dropped
  EXPECT_EQ(tiles[4].rgb[0], image.rgb[(64 * 200 + 64) * 3]);  // tile 4 starts at (64, 64)
  EXPECT_EQ(cut_tiles(image, 64, 10).size(), 4u);               // grid from (10, 10): 2 x 2
  const RgbImage half = downscale(image, 2);
  EXPECT_EQ(half.width, 100);
  EXPECT_EQ(half.height, 70);
  const int block_sum = image.rgb[0] + image.rgb[3] + image.rgb[200 * 3] + image.rgb[201 * 3];
  EXPECT_EQ(half.rgb[0], (block_sum + 2) / 4);

  const JpegTable table = build_jpeg_table(tiles, {10, 30, 50, 70, 90, 100});
  EXPECT_NO_THROW(check_jpeg_table(table, "synthetic"));
  for (size_t i = 1; i < table.quality.size(); ++i) {
    EXPECT_GT(table.mean_ssim[i], table.mean_ssim[i - 1]);
    EXPECT_GT(table.mean_bits_file[i], table.mean_bits_file[i - 1]);
    EXPECT_GT(table.mean_bits_scan[i], table.mean_bits_scan[i - 1]);
    EXPECT_NEAR(table.mean_bits_file[i] - table.mean_bits_scan[i], 625.0 * 8, 1e-9);  // means of sums
  }
  EXPECT_THROW(build_jpeg_table({}, {50}), QualityDataError);
  EXPECT_THROW(build_jpeg_table(tiles, {50, 40}), QualityDataError);
}

TEST(JpegTable, CommittedDefaultTableRisesWithQuality) {
  const JpegTable t = load_jpeg_table_csv(default_jpeg_table_path());
  ASSERT_EQ(t.quality.size(), 21u);
  EXPECT_EQ(t.quality, default_jpeg_qualities());
  for (size_t i = 1; i < t.quality.size(); ++i) {
    EXPECT_GT(t.mean_ssim[i], t.mean_ssim[i - 1]) << "quality " << t.quality[i];
    EXPECT_GT(t.mean_bits_file[i], t.mean_bits_file[i - 1]) << "quality " << t.quality[i];
    EXPECT_GT(t.mean_bits_scan[i], t.mean_bits_scan[i - 1]) << "quality " << t.quality[i];
  }
  EXPECT_NE(t.provenance.find("opencv-doc"), std::string::npos);
  EXPECT_NE(t.provenance.find("aero1.jpg"), std::string::npos);
  EXPECT_NE(t.provenance.find("aero3.jpg"), std::string::npos);
  // The baseline's rule on it: lowest quality reaching ξ.
  const JpegTableView file = make_view(t, JpegRateBasis::File), scan = make_view(t, JpegRateBasis::Scan);
  const int i = jpeg_lowest_quality_index(file, 0.9);
  ASSERT_GE(i, 0);
  EXPECT_GE(t.mean_ssim[static_cast<size_t>(i)], 0.9);
  EXPECT_LT(t.mean_ssim[static_cast<size_t>(i) - 1], 0.9);
  EXPECT_LT(scan.bits_per_image[i], file.bits_per_image[i]);
  EXPECT_EQ(jpeg_lowest_quality_index(file, 0.99999), -1);
}

TEST(JpegTable, LoaderRejectsBadTables) {
  const std::string header = "quality,mean_ssim,mean_bits_file,mean_bits_scan,tiles\n";
  test::TempDir dir;
  auto error_of = [&](const std::string& text) -> std::string {
    try {
      load_jpeg_table_csv(dir.write("t.csv", text));
    } catch (const QualityDataError& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_NE(error_of(header + "10,0.7,6000,1000,30\n20,0.6,7000,2000,30\n").find("quality 20: mean_ssim 0.6 falls below"),
            std::string::npos);
  EXPECT_NE(error_of(header + "10,0.7,6000,7000,30\n").find("must be >= mean_bits_scan"), std::string::npos);
  EXPECT_NE(error_of(header + "20,0.7,6000,1000,30\n10,0.8,7000,2000,30\n").find("strictly ascending"),
            std::string::npos);
  EXPECT_NE(error_of(header + "101,0.7,6000,1000,30\n").find("not in 1..100"), std::string::npos);
  EXPECT_NE(error_of(header + "10,0.7,6000,1000,0\n").find("tiles 0 not in"), std::string::npos);
  EXPECT_NE(error_of(header).find("no rows"), std::string::npos);
  EXPECT_NE(error_of("q,s\n").find("header is 'q,s'"), std::string::npos);
}

}  // namespace
}  // namespace leosem
