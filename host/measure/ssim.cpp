#include "measure/ssim.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace leosem {
namespace {

// Valid-region filtering with the separable window: rows first, then columns.
std::vector<double> filter_valid(const std::vector<double>& image, int width, int height,
                                 const std::vector<double>& taps) {
  const int n = static_cast<int>(taps.size());
  const int out_width = width - n + 1, out_height = height - n + 1;
  std::vector<double> rows(static_cast<size_t>(height) * out_width);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < out_width; ++c) {
      double sum = 0.0;
      for (int k = 0; k < n; ++k) sum += taps[k] * image[static_cast<size_t>(r) * width + c + k];
      rows[static_cast<size_t>(r) * out_width + c] = sum;
    }
  std::vector<double> out(static_cast<size_t>(out_height) * out_width);
  for (int r = 0; r < out_height; ++r)
    for (int c = 0; c < out_width; ++c) {
      double sum = 0.0;
      for (int k = 0; k < n; ++k) sum += taps[k] * rows[static_cast<size_t>(r + k) * out_width + c];
      out[static_cast<size_t>(r) * out_width + c] = sum;
    }
  return out;
}

}  // namespace

LumaImage luma_bt601(const uint8_t* rgb, int width, int height) {
  LumaImage image;
  image.width = width;
  image.height = height;
  image.luma.resize(static_cast<size_t>(width) * height);
  for (size_t i = 0; i < image.luma.size(); ++i)
    image.luma[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  return image;
}

std::vector<double> ssim_gaussian_taps() {
  std::vector<double> taps(kSsimWindow);
  double sum = 0.0;
  for (int i = 0; i < kSsimWindow; ++i) {
    const double d = i - (kSsimWindow - 1) / 2;
    taps[i] = std::exp(-d * d / (2.0 * kSsimSigma * kSsimSigma));
    sum += taps[i];
  }
  for (double& t : taps) t /= sum;
  return taps;
}

double ssim_mean(const LumaImage& x, const LumaImage& y) {
  if (x.width != y.width || x.height != y.height)
    throw std::invalid_argument("ssim: images differ in size (" + std::to_string(x.width) + "x" +
                                std::to_string(x.height) + " vs " + std::to_string(y.width) + "x" +
                                std::to_string(y.height) + ")");
  if (x.width < kSsimWindow || x.height < kSsimWindow)
    throw std::invalid_argument("ssim: images must be at least 11x11");
  const std::vector<double> taps = ssim_gaussian_taps();
  const size_t size = x.luma.size();
  std::vector<double> xx(size), yy(size), xy(size);
  for (size_t i = 0; i < size; ++i) {
    xx[i] = x.luma[i] * x.luma[i];
    yy[i] = y.luma[i] * y.luma[i];
    xy[i] = x.luma[i] * y.luma[i];
  }
  const int w = x.width, h = x.height;
  const std::vector<double> mu_x = filter_valid(x.luma, w, h, taps), mu_y = filter_valid(y.luma, w, h, taps);
  const std::vector<double> e_xx = filter_valid(xx, w, h, taps), e_yy = filter_valid(yy, w, h, taps),
                            e_xy = filter_valid(xy, w, h, taps);
  const double c1 = (kSsimK1 * kSsimDynamicRange) * (kSsimK1 * kSsimDynamicRange);
  const double c2 = (kSsimK2 * kSsimDynamicRange) * (kSsimK2 * kSsimDynamicRange);
  double sum = 0.0;
  for (size_t i = 0; i < mu_x.size(); ++i) {
    const double mx = mu_x[i], my = mu_y[i];
    const double var_x = e_xx[i] - mx * mx, var_y = e_yy[i] - my * my, cov = e_xy[i] - mx * my;
    sum += ((2.0 * mx * my + c1) * (2.0 * cov + c2)) / ((mx * mx + my * my + c1) * (var_x + var_y + c2));
  }
  return sum / static_cast<double>(mu_x.size());
}

}  // namespace leosem
