// SSIM of Wang, Bovik, Sheikh & Simoncelli 2004 ("Image quality assessment: from error
// visibility to structural similarity"), as their reference ssim_index.m: 11x11 Gaussian window
// with σ = 1.5 (normalised), K1 = 0.01, K2 = 0.03, L = 255, statistics weighted by the window,
// SSIM map over the valid region only (window wholly inside the image: (H-10) x (W-10)
// positions), and its mean. Computed on luma Y (BT.601), as the JSCC measurements are.
#pragma once
#include <cstdint>
#include <vector>

namespace leosem {

struct LumaImage {
  int width = 0;
  int height = 0;
  std::vector<double> luma;  // row-major, 0..255
};

constexpr int kSsimWindow = 11;
constexpr double kSsimSigma = 1.5;
constexpr double kSsimK1 = 0.01;
constexpr double kSsimK2 = 0.03;
constexpr double kSsimDynamicRange = 255.0;

// BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B of interleaved 8-bit RGB, not rounded.
LumaImage luma_bt601(const uint8_t* rgb, int width, int height);

// The normalised 1-D Gaussian taps (the 2-D window is their outer product).
std::vector<double> ssim_gaussian_taps();

// Mean SSIM over the valid region; both images the same size, at least 11x11 (else throws
// std::invalid_argument).
double ssim_mean(const LumaImage& x, const LumaImage& y);

}  // namespace leosem
