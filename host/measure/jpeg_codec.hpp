// In-memory JPEG encoding and decoding with libjpeg (jpeg_mem_dest / jpeg_mem_src), and the
// size of the entropy-coded scan inside a JPEG byte stream. Errors throw QualityDataError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace leosem {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // interleaved R, G, B, row-major
};

// Baseline JPEG with libjpeg's defaults (JFIF header, 4:2:0 chroma subsampling, the standard
// Huffman tables of Annex K, no optimisation) at `quality` (1..100, jpeg_set_quality with
// baseline-limited quantisers).
std::vector<uint8_t> encode_jpeg(const RgbImage& image, int quality);

// Decodes any JPEG libjpeg reads to 8-bit RGB; `origin` names the data in error messages.
// Data that libjpeg reports as corrupt (even as a warning) is an error.
RgbImage decode_jpeg(const std::vector<uint8_t>& bytes, const std::string& origin);
RgbImage read_jpeg_file(const std::string& path);

// Bytes of entropy-coded data: from the end of the first SOS (start of scan) marker segment to
// the EOI marker, neither counted. For a baseline JPEG (one scan) that is the whole compressed
// image without headers and tables. Throws when the stream has no SOS or no EOI.
size_t jpeg_scan_bytes(const std::vector<uint8_t>& jpeg);

// The tile (x0, y0, size x size) of an image, which must contain it.
RgbImage crop(const RgbImage& image, int x0, int y0, int size);

}  // namespace leosem
