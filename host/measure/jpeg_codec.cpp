#include "measure/jpeg_codec.hpp"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <jpeglib.h>

#include "quality/grid_model.hpp"  // QualityDataError
#include "core/file_safety.hpp"
#include "core/text_excerpt.hpp"

namespace leosem {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return: we jump back to the
// caller's setjmp and throw from there (no C++ object lives in the frames jumped over).
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void on_error(j_common_ptr cinfo) {
  ErrorManager* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr) {}  // warnings are counted (num_warnings) and checked by the caller

void install(ErrorManager& err) {
  jpeg_std_error(&err.base);
  err.base.error_exit = on_error;
  err.base.output_message = on_message;
  err.message[0] = '\0';
}

}  // namespace

std::vector<uint8_t> encode_jpeg(const RgbImage& image, int quality) {
  if (quality < 1 || quality > 100) throw QualityDataError("JPEG quality " + std::to_string(quality) + " not in 1..100");
  jpeg_compress_struct cinfo;
  ErrorManager err;
  install(err);
  cinfo.err = &err.base;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    throw QualityDataError(std::string("libjpeg encoding failed: ") + err.message);
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(image.rgb.data() + static_cast<size_t>(cinfo.next_scanline) * 3 * image.width);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> bytes(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return bytes;
}

RgbImage decode_jpeg(const std::vector<uint8_t>& bytes, const std::string& origin) {
  if (bytes.empty()) throw QualityDataError(origin + ": empty file, not a JPEG");
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  install(err);
  cinfo.err = &err.base;
  RgbImage image;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw QualityDataError(origin + ": not a readable JPEG: " + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  image.width = static_cast<int>(cinfo.output_width);
  image.height = static_cast<int>(cinfo.output_height);
  image.rgb.resize(static_cast<size_t>(image.width) * image.height * 3);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = image.rgb.data() + static_cast<size_t>(cinfo.output_scanline) * 3 * image.width;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  const long warnings = cinfo.err->num_warnings;
  jpeg_destroy_decompress(&cinfo);
  if (warnings > 0) throw QualityDataError(origin + ": corrupt JPEG data (libjpeg reported " + std::to_string(warnings) + " warnings)");
  return image;
}

RgbImage read_jpeg_file(const std::string& path) {
  try {
    require_regular_file(path, "image");
  } catch (const std::exception& e) {
    throw QualityDataError(e.what());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw QualityDataError("cannot read image " + quoted_input(path));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_jpeg(bytes, path);
}

size_t jpeg_scan_bytes(const std::vector<uint8_t>& jpeg) {
  const size_t n = jpeg.size();
  if (n < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw QualityDataError("JPEG stream does not start with SOI");
  size_t pos = 2;
  size_t scan_start = 0;
  while (pos + 1 < n) {
    if (jpeg[pos] != 0xFF) throw QualityDataError("JPEG stream: expected a marker at byte " + std::to_string(pos));
    while (pos + 1 < n && jpeg[pos + 1] == 0xFF) ++pos;  // fill bytes
    if (pos + 1 >= n) break;
    const uint8_t marker = jpeg[pos + 1];
    pos += 2;
    const bool standalone = marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9);
    if (standalone) continue;
    if (pos + 2 > n) break;
    const size_t length = static_cast<size_t>(jpeg[pos]) << 8 | jpeg[pos + 1];  // includes its own 2 bytes
    if (length < 2 || pos + length > n) throw QualityDataError("JPEG stream: bad segment length");
    pos += length;
    if (marker == 0xDA) {
      scan_start = pos;
      break;
    }
  }
  if (scan_start == 0) throw QualityDataError("JPEG stream has no SOS (start of scan) marker");
  // EOI closes the stream: the last FF D9 (the entropy-coded data never contains FF D9, since
  // its FF bytes are stuffed with 00 or are RSTn markers).
  for (size_t end = n - 1; end > scan_start; --end)
    if (jpeg[end - 1] == 0xFF && jpeg[end] == 0xD9) return end - 1 - scan_start;
  throw QualityDataError("JPEG stream has no EOI marker after its scan");
}

RgbImage crop(const RgbImage& image, int x0, int y0, int size) {
  RgbImage tile;
  tile.width = size;
  tile.height = size;
  tile.rgb.resize(static_cast<size_t>(size) * size * 3);
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size * 3; ++c)
      tile.rgb[(static_cast<size_t>(r) * size) * 3 + c] =
          image.rgb[(static_cast<size_t>(y0 + r) * image.width + x0) * 3 + c];
  return tile;
}

}  // namespace leosem
