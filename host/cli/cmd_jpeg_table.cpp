// `leosem jpeg-table IMAGE... --out TABLE.csv`: the JPEG rate-quality table of MODEL.md §5.2.
#include <ctime>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "quality/csv_util.hpp"
#include "measure/jpeg_table_build.hpp"
#include "measure/ssim.hpp"

#include <jpeglib.h>

namespace leosem::cli {
namespace {

struct JpegTableArgs {
  std::vector<std::string> images;
  std::string out;
  std::vector<int> qualities = default_jpeg_qualities();
  std::vector<std::string> notes;
  int downscale = 1;
  int offset = 0;
};

std::string utc_date() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&now));
  return text;
}

void run(const JpegTableArgs& args, const std::string& command_line) {
  std::vector<RgbImage> tiles;
  std::ostringstream sources;
  for (const std::string& path : args.images) {
    const RgbImage original = read_jpeg_file(path);
    const RgbImage image = downscale(original, args.downscale);
    const std::vector<RgbImage> cut = cut_tiles(image, kJpegTileSize, args.offset);
    if (cut.empty())
      throw InputError(path + ": " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                               " is smaller than one " + std::to_string(kJpegTileSize) + "x" +
                               std::to_string(kJpegTileSize) + " tile");
    sources << "# source: " << path << " (" << original.width << "x" << original.height;
    if (args.downscale > 1) sources << ", shrunk to " << image.width << "x" << image.height;
    sources << ", " << cut.size() << " tiles)\n";
    tiles.insert(tiles.end(), cut.begin(), cut.end());
  }
  JpegTable table = build_jpeg_table(tiles, args.qualities);

  std::ostringstream p;
  p << "# JPEG rate-quality table (MODEL.md 5.2), made by leosem jpeg-table\n";
  p << sources.str();
  for (const std::string& note : args.notes) p << "# note: " << note << "\n";
  if (args.downscale > 1)
    p << "# downscale: each image first shrunk " << args.downscale << "x by block averaging (breaks the source's JPEG block grid)\n";
  p << "# tiles: " << tiles.size() << " non-overlapping " << kJpegTileSize << "x" << kJpegTileSize
    << " tiles on a grid from (" << args.offset << ", " << args.offset
    << ") (partial edge tiles dropped); every row averages all of them\n";
  p << "# qualities:";
  for (int q : args.qualities) p << " " << q;
  p << "\n";
  p << "# encoder: libjpeg (JPEG_LIB_VERSION " << JPEG_LIB_VERSION
#ifdef LIBJPEG_TURBO_VERSION
    << ", libjpeg-turbo"
#endif
    << "), baseline, jpeg_set_defaults (JFIF, 4:2:0, standard Huffman tables), jpeg_set_quality(q, TRUE)\n";
  p << "# ssim: Wang et al. 2004, 11x11 Gaussian window sigma " << kSsimSigma << ", K1 " << kSsimK1 << ", K2 " << kSsimK2
    << ", L 255, on BT.601 luma, mean over the valid region; mean_ssim is the mean over tiles\n";
  p << "# mean_bits_file: whole JPEG file in bits; mean_bits_scan: entropy-coded data between the SOS segment and EOI\n";
  p << "# command: " << command_line << "\n";
  p << "# date: " << utc_date();
  table.provenance = p.str();
  check_jpeg_table(table, "the measured table");  // e.g. SSIM falling with quality on odd images
  write_file_atomically(args.out, format_jpeg_table_csv(table));
  std::cout << format_jpeg_table_csv(table);
}

}  // namespace

void add_jpeg_table_command(CLI::App& app) {
  auto args = std::make_shared<JpegTableArgs>();
  CLI::App* cmd = app.add_subcommand(
      "jpeg-table",
      "Measure a JPEG rate-quality table: cut each IMAGE (JPEG) into 64x64 tiles, encode every tile at each "
      "quality with libjpeg, decode, and write per quality the mean SSIM (luma, Wang et al. 2004) and the mean "
      "bits per tile, whole file and entropy-coded scan alone");
  cmd->add_option("images", args->images, "JPEG images to cut into tiles")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args->out, "output CSV (written whole, or not at all)")->required();
  cmd->add_option("--qualities,-q", args->qualities, "JPEG qualities, strictly ascending in 1..100")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--downscale", args->downscale,
                  "shrink each image by this integer factor (block mean) before cutting; use 2 or more on JPEG "
                  "sources, whose own block grid otherwise makes re-encoding at their quality nearly lossless")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->add_option("--offset", args->offset, "pixel offset of the tile grid from the top-left corner")
      ->check(CLI::Range(0, 63))
      ->capture_default_str();
  cmd->add_option("--note", args->notes, "a provenance line for the file header (repeatable), e.g. the images' package");
  cmd->callback([args]() {
    std::string command_line = "leosem jpeg-table";
    for (const std::string& image : args->images) command_line += " " + image;
    command_line += " --out " + args->out + " --downscale " + std::to_string(args->downscale) +
                    " --offset " + std::to_string(args->offset) + " --qualities ";
    for (size_t i = 0; i < args->qualities.size(); ++i) command_line += (i ? "," : "") + std::to_string(args->qualities[i]);
    for (const std::string& note : args->notes) command_line += " --note '" + note + "'";
    run(*args, command_line);
  });
}

}  // namespace leosem::cli
