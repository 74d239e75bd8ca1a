// Reliability (issue 12): the sweep file's lifecycle (a complete .partial resumes, a failed close
// is not closed twice), checksums that catch every single-bit flip in a shard (metadata and
// data) in verify, merge and report, no overwrite without force, a sweep's inputs that must be
// regular files, a sweep too large for its file, long output names. (The scenario layer's input
// safety: tests/scenario/test_input_safety.cpp.)
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

#include "core/text_excerpt.hpp"
#include "core/file_safety.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_verify.hpp"
#include "scenario/config.hpp"
#include "scenario/limits.hpp"
#include "sweep/merge_report.hpp"
#include "sweep/runner.hpp"
#include "sweep_test_util.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

using test::expect_same_adaptive;
using test::expect_same_results;
using test::make_spec;
using test::StandIn;
using test::TempDir;
using test::write_text;
const std::vector<std::string>& kAlgorithms = test::kSweepAlgorithms;
const char* const kBase = test::kSmallBase;

// Every checksum of the file at `path` read (throws Hdf5Error naming what fails).
Hdf5VerifyReport verify_hdf5_file(const std::string& path) {
  h5_quiet();
  H5Handle file(h5_checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening " + path), H5Fclose);
  return verify_hdf5_contents(file.get());
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// beta always feasible here: these tests compare and damage files, not count failures.
StandIn stand_in() { return StandIn(-1, false); }

RunOptions options() {
  RunOptions o;
  o.block_size = 8;
  return o;
}

void run(const SweepSpec& spec, const std::string& out, RunOptions o = options()) {
  std::ostringstream log;
  StandIn backend = stand_in();
  run_sweep(spec, out, o, backend, log);
}

haddr_t object_address(hid_t file, const std::string& path) {
  H5O_info_t info{};
  EXPECT_GE(H5Oget_info_by_name2(file, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), 0) << path;
  return info.addr;
}

// The file address and stored size of the chunk of `path` holding element `coordinates` (origin: the first chunk).
haddr_t chunk_address(hid_t file, const std::string& path, hsize_t* size, std::vector<hsize_t> coordinates = {}) {
  H5Handle set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle space(H5Dget_space(set.get()), H5Sclose);
  coordinates.resize(static_cast<size_t>(H5Sget_simple_extent_ndims(space.get())), 0);
  H5Handle plist(H5Dget_create_plist(set.get()), H5Pclose);
  std::vector<hsize_t> chunk(coordinates.size());
  EXPECT_GE(H5Pget_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()), 0) << path;
  for (size_t d = 0; d < chunk.size(); ++d) coordinates[d] -= coordinates[d] % chunk[d];  // the chunk's origin
  haddr_t address = HADDR_UNDEF;
  unsigned mask = 0;
  EXPECT_GE(H5Dget_chunk_info_by_coord(set.get(), coordinates.data(), &mask, &address, size), 0) << path;
  return address;
}

void flip_bit(const std::string& from, const std::string& to, uint64_t offset, int bit) {
  std::string bytes = read_bytes(from);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] = static_cast<char>(bytes[offset] ^ (1 << bit));
  std::ofstream(to, std::ios::binary) << bytes;
}

// Where the global heap keeps values, parsed from the bytes by the HDF5 file format (section
// III.E): each collection ("GCOL", version 1, its size) holds heap objects, each a 16-byte header
// (index, reference count, reserved, size) and its data padded to 8 bytes, up to the free space
// (index 0). leosem's own code never reads these structures.
struct GlobalHeapRegion {
  uint64_t begin, end;
  std::string kind;  // "collection header", "object header", "text", "binary data", "object padding", "free space header"
};
std::vector<GlobalHeapRegion> global_heap_regions(const std::string& bytes) {
  const auto u16 = [&](uint64_t at) { return uint16_t(uint8_t(bytes[at]) | uint8_t(bytes[at + 1]) << 8); };
  const auto u64 = [&](uint64_t at) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | uint8_t(bytes[at + i]);
    return v;
  };
  std::vector<GlobalHeapRegion> regions;
  for (size_t at = bytes.find("GCOL"); at != std::string::npos; at = bytes.find("GCOL", at + 1)) {
    if (at + 16 > bytes.size() || bytes[at + 4] != 1) continue;
    const uint64_t end = at + u64(at + 8);
    if (end > bytes.size()) continue;
    regions.push_back({at, at + 16, "collection header"});
    for (uint64_t p = at + 16; p + 16 <= end;) {
      if (u16(p) == 0) {
        regions.push_back({p, p + 16, "free space header"});
        break;
      }
      const uint64_t size = u64(p + 8), padded = (size + 7) / 8 * 8;
      regions.push_back({p, p + 16, "object header"});
      // Text (every value leosem writes once) or binary data: dimension lists, and the stale
      // copies HDF5 leaves in the heap when it rewrites one while attaching a scale.
      const std::string data = bytes.substr(p + 16, size);
      const bool text = std::all_of(data.begin(), data.end(), [](char c) { return c == '\n' || (c >= 0x20 && c < 0x7f); });
      if (size) regions.push_back({p + 16, p + 16 + size, text ? "text" : "binary data"});
      if (padded > size) regions.push_back({p + 16 + size, p + 16 + padded, "object padding"});
      p += 16 + padded;
    }
  }
  return regions;
}

// What a file's variable-length values mean, read through the plain HDF5 API (not the digest's
// code): every text attribute and text dataset, and the name of the dimension scale attached to
// each dimension of each dataset. A flip that verification lets through must leave this as it was.
std::string variable_length_meaning(const std::string& path) {
  h5_quiet();
  H5Handle file(h5_checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening " + path), H5Fclose);
  std::vector<std::string> objects;
  h5_check(H5Ovisit2(
               file.get(), H5_INDEX_NAME, H5_ITER_INC,
               [](hid_t, const char* name, const H5O_info_t*, void* data) -> herr_t {
                 static_cast<std::vector<std::string>*>(data)->push_back(std::string(name) == "." ? "/" : "/" + std::string(name));
                 return 0;
               },
               &objects, H5O_INFO_BASIC),
           "walking " + path);
  std::ostringstream meaning;
  for (const std::string& object : objects) {
    H5Handle o(h5_checked(H5Oopen(file.get(), object.c_str(), H5P_DEFAULT), "opening " + object), H5Oclose);
    H5O_info_t info{};
    h5_check(H5Oget_info2(o.get(), &info, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS), "header of " + object);
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
      char name[256] = {};
      H5Aget_name_by_idx(o.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
      H5Handle attr(h5_checked(H5Aopen(o.get(), name, H5P_DEFAULT), name), H5Aclose);
      H5Handle type(h5_checked(H5Aget_type(attr.get()), name), H5Tclose);
      if (H5Tget_class(type.get()) != H5T_STRING) continue;
      for (const std::string& value : h5_read_text_list_attribute(file.get(), object, name))
        meaning << object << "@" << name << " = " << value << "\n";
    }
    if (info.type != H5O_TYPE_DATASET) continue;
    H5Handle set(h5_checked(H5Dopen2(file.get(), object.c_str(), H5P_DEFAULT), object), H5Dclose);
    H5Handle type(h5_checked(H5Dget_type(set.get()), object), H5Tclose);
    H5Handle space(h5_checked(H5Dget_space(set.get()), object), H5Sclose);
    if (H5Tis_variable_str(type.get()) > 0) {
      H5Handle memory(h5_checked(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
      H5Tset_size(memory.get(), H5T_VARIABLE);
      std::vector<char*> texts(static_cast<size_t>(H5Sget_simple_extent_npoints(space.get())));
      h5_check(H5Dread(set.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "reading " + object);
      for (char* text : texts) meaning << object << "[] = " << (text ? text : "(null)") << "\n";
      H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, texts.data());
    }
    if (H5DSis_scale(set.get()) > 0) continue;
    for (int d = 0; d < H5Sget_simple_extent_ndims(space.get()); ++d) {
      const int scales = H5DSget_num_scales(set.get(), static_cast<unsigned>(d));
      meaning << object << " dimension " << d << " scales " << scales << ":";
      for (int k = 0; k < scales; ++k) {
        int index = k;
        std::string scale;
        h5_check(H5DSiterate_scales(
                     set.get(), static_cast<unsigned>(d), &index,
                     [](hid_t, unsigned, hid_t scale_id, void* data) -> herr_t {
                       char name[256] = {};
                       H5Iget_name(scale_id, name, sizeof name);
                       *static_cast<std::string*>(data) = name;
                       return 1;  // this one only
                     },
                     &scale),
                 "dimension scales of " + object);
        meaning << " " << scale;
      }
      meaning << "\n";
    }
  }
  return meaning.str();
}

// A copy of `from` at `to` with the chunk of `path` holding `coordinates` cut short: its second
// half as before a write that failed half-way (here: zeros), so that it fails its checksum.
void cut_chunk_short(const std::string& from, const std::string& to, const std::string& path,
                     const std::vector<hsize_t>& coordinates) {
  std::string bytes = read_bytes(from);
  h5_quiet();
  H5Handle f(H5Fopen(from.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  hsize_t size = 0;
  const haddr_t address = chunk_address(f.get(), path, &size, coordinates);
  ASSERT_NE(address, HADDR_UNDEF);
  for (hsize_t i = size / 2; i < size; ++i) bytes[address + i] = 0;
  std::ofstream(to, std::ios::binary) << bytes;
}

}  // namespace

TEST(Checksums, EveryDatasetOfASweepFileIsChecksummed) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("out.h5"));
  const Hdf5VerifyReport report = verify_hdf5_file(dir.file("out.h5"));
  EXPECT_TRUE(report.unchecksummed.empty()) << report.unchecksummed.front();
  EXPECT_GE(report.datasets, 3u + 1 + 3 + 7);  // per instance, done, coordinates, summary
  EXPECT_GT(report.data_bytes, 0u);
  EXPECT_NE(std::string::npos, verify_file(dir.file("out.h5")).find("every checksum matches"));
}

// The audit's case: 12 single-bit flips spread over a shard's metadata (superblock, object
// headers) and raw data (chunks of results, done, the index, the summary): each one must be
// refused by verify, merge and report; none may merge into different data.
TEST(Checksums, TwelveSingleBitFlipsInAShardAreAllDetected) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  RunOptions shard0 = options(), shard1 = options();
  shard0.shard = {0, 2};
  shard1.shard = {1, 2};
  run(spec, dir.file("s0.h5"), shard0);
  run(spec, dir.file("s1.h5"), shard1);
  const std::string good = read_bytes(dir.file("s1.h5"));

  std::vector<std::pair<std::string, uint64_t>> positions;  // what, byte offset
  {
    h5_quiet();
    H5Handle f(H5Fopen(dir.file("s1.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    positions.push_back({"superblock", 20});
    for (const char* object : {"/", "/power_w", "/done", "/mean_power_dbm"})
      positions.push_back({std::string("object header of ") + object, object_address(f.get(), object) + 16});
    for (const char* set : {"/power_w", "/status", "/iterations", "/done", "/instance", "/users.deadline_mean_slots",
                            "/mean_power_dbm"}) {
      hsize_t size = 0;
      const haddr_t address = chunk_address(f.get(), set, &size);
      ASSERT_NE(address, HADDR_UNDEF) << set;
      positions.push_back({std::string("data of ") + set, address + size / 2});
    }
  }
  ASSERT_EQ(positions.size(), 12u);

  int detected_by_verify = 0, refused_by_merge = 0, refused_by_report = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    const auto& [what, offset] = positions[i];
    ASSERT_LT(offset, good.size()) << what;
    std::string bad = good;
    bad[offset] = static_cast<char>(bad[offset] ^ (1 << (i % 8)));
    const std::string path = dir.file("flipped" + std::to_string(i) + ".h5");
    std::ofstream(path, std::ios::binary) << bad;
    try {
      verify_file(path);
      ADD_FAILURE() << "verify missed a flip in the " << what;
    } catch (const std::exception&) {
      ++detected_by_verify;
    }
    const std::string merged = dir.file("merged" + std::to_string(i) + ".h5");
    try {
      merge_sweep_files(merged, {dir.file("s0.h5"), path});
      ADD_FAILURE() << "merge accepted a flip in the " << what;
    } catch (const std::exception&) {
      ++refused_by_merge;
    }
    EXPECT_FALSE(fs::exists(merged)) << what;
    try {
      sweep_report(path, false);
      ADD_FAILURE() << "report printed a table for a flip in the " << what;
    } catch (const std::exception&) {
      ++refused_by_report;
    }
  }
  EXPECT_EQ(detected_by_verify, 12);
  EXPECT_EQ(refused_by_merge, 12);
  EXPECT_EQ(refused_by_report, 12);
  // The untouched shard still merges.
  merge_sweep_files(dir.file("merged.h5"), {dir.file("s0.h5"), dir.file("s1.h5")});
}

// A write that fails half-way (a full disk, an I/O error) leaves a chunk cut short. --resume
// resets it, marks the instances whose results it held not done and computes them again: the
// rest of the work is kept, and the results equal an uninterrupted run's.
TEST(Checksums, ResumeResetsAChunkCutShortAndComputesItsInstancesAgain) {
  TempDir dir;
  const uint32_t instances = 5000;  // chunks of 4096 instances: two per point
  const SweepSpec spec = make_spec(dir, instances);
  RunOptions o = options();
  o.block_size = 512;  // blocks inside chunks: exactly the lost instances are evaluated again
  run(spec, dir.file("whole.h5"), o);
  RunOptions resume = o;
  resume.resume = true;
  struct Case {
    const char* dataset;
    std::vector<hsize_t> element;  // in the chunk cut short
    uint32_t lost;                 // instances computed again: the chunk's, at one point
  };
  const Case cases[] = {
      {"/power_w", {1, 1, 4500}, instances - 4096},  // algorithm 1, point 1, the second chunk
      {"/status", {0, 0, 10}, 4096},
      {"/iterations", {1, 0, 4999}, instances - 4096},
      {"/done", {1, 0}, 4096},
      {"/mean_power_w", {}, 0},  // the summary: computed again at the end
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dataset);
    const std::string out = dir.file(std::string("out") + (c.dataset + 1) + ".h5");
    cut_chunk_short(dir.file("whole.h5"), out + ".partial", c.dataset, c.element);
    EXPECT_THROW(verify_hdf5_file(out + ".partial"), Hdf5Error);  // it is damaged
    std::ostringstream log;
    StandIn backend = stand_in();
    const RunStats stats = run_sweep(spec, out, resume, backend, log);
    EXPECT_NE(std::string::npos, log.str().find("1 chunk damaged by a write that failed (" + std::string(c.dataset) +
                                                ") reset to 'not computed'"))
        << log.str();
    EXPECT_EQ(stats.skipped, 2 * instances - c.lost);
    EXPECT_EQ(stats.evaluated, c.lost);
    verify_hdf5_file(out);
    expect_same_results(dir.file("whole.h5"), out);
  }
  // An adaptive run's stop records: reset to "running", and written again as every point is run
  // again over its (done) instances.
  SweepSpec adaptive = make_spec(dir, 120);
  apply_overrides(adaptive, {}, 0, 0.5, 40);
  run(adaptive, dir.file("adaptive.h5"), o);
  cut_chunk_short(dir.file("adaptive.h5"), dir.file("again.h5.partial"), "/stop_reason", {});
  std::ostringstream log;
  StandIn backend = stand_in();
  const RunStats stats = run_sweep(adaptive, dir.file("again.h5"), resume, backend, log);
  EXPECT_NE(std::string::npos, log.str().find("(/stop_reason) reset")) << log.str();
  EXPECT_EQ(stats.evaluated, 0u);
  expect_same_adaptive(dir.file("adaptive.h5"), dir.file("again.h5"));
}

// Damage the run never writes after creating the file is not repaired: --resume refuses it.
TEST(Checksums, ResumeRefusesOtherDamage) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("whole.h5"));
  cut_chunk_short(dir.file("whole.h5"), dir.file("out.h5.partial"), "/instance", {});
  RunOptions resume = options();
  resume.resume = true;
  try {
    run(spec, dir.file("out.h5"), resume);
    FAIL() << "resumed a damaged file";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/instance")) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("the file is damaged")) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));

  // A flipped character of the configuration hash (text, in HDF5's global heap): damage, not
  // "another configuration" (the text is checked against its digest before it is read).
  std::string bytes = read_bytes(dir.file("whole.h5"));
  const size_t at = bytes.find(spec.config_sha256());
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] = static_cast<char>(bytes[at + 10] ^ 1);
  std::ofstream(dir.file("out.h5.partial"), std::ios::binary | std::ios::trunc) << bytes;
  try {
    run(spec, dir.file("out.h5"), resume);
    FAIL() << "resumed a file with a flipped configuration hash";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("the file is damaged")) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
}

// Text lives in HDF5's global heap, which has no checksum: a flipped bit in a long name (found by
// its bytes) must be refused by verify, report, merge and --resume, naming the text's digest.
TEST(Checksums, AFlippedBitInTextIsRefusedNamingTheDigest) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("whole.h5"));
  const std::string good = read_bytes(dir.file("whole.h5"));
  const std::string text = "solver iterations";  // /iterations@long_name
  const size_t at = good.find(text);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(good.find(text, at + 1), std::string::npos) << "the text is not unique in the file";
  flip_bit(dir.file("whole.h5"), dir.file("flipped.h5"), at + 7, 1);  // "solver iterations" -> "solver kterations"
  ASSERT_NE(variable_length_meaning(dir.file("whole.h5")), variable_length_meaning(dir.file("flipped.h5")));
  const auto refused = [&](const char* what, const std::function<void()>& action) {
    try {
      action();
      ADD_FAILURE() << what << " accepted a flipped bit in the text";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string::npos, std::string(e.what()).find(kVariableLengthDigestAttribute)) << what << ": " << e.what();
    }
  };
  refused("verify", [&] { verify_file(dir.file("flipped.h5")); });
  refused("verify_text", [&] {
    H5Handle f(h5_checked(H5Fopen(dir.file("flipped.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open"), H5Fclose);
    verify_text(f.get());
  });
  {
    H5Handle f(h5_checked(H5Fopen(dir.file("whole.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open"), H5Fclose);
    EXPECT_NO_THROW(verify_text(f.get()));
  }
  refused("report", [&] { sweep_report(dir.file("flipped.h5"), false); });
  refused("merge", [&] { merge_sweep_files(dir.file("merged.h5"), {dir.file("flipped.h5")}); });
  EXPECT_FALSE(fs::exists(dir.file("merged.h5")));
  fs::copy_file(dir.file("flipped.h5"), dir.file("out.h5.partial"));
  RunOptions resume = options();
  resume.resume = true;
  refused("--resume", [&] { run(spec, dir.file("out.h5"), resume); });
  EXPECT_FALSE(fs::exists(dir.file("out.h5")));
  // The good file merges and its merged file carries a digest that verifies too.
  merge_sweep_files(dir.file("merged.h5"), {dir.file("whole.h5")});
  EXPECT_NO_THROW(verify_file(dir.file("merged.h5")));
}

// A file with text but no digest (written before leosem stored one) cannot be verified: refused
// like a dataset without a checksum, and said so.
TEST(Checksums, AFileWithTextButNoDigestIsUnverifiable) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("whole.h5"));
  {
    h5_quiet();
    H5Handle f(h5_checked(H5Fopen(dir.file("whole.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open"), H5Fclose);
    ASSERT_GE(H5Adelete(f.get(), kVariableLengthDigestAttribute), 0);
  }
  for (const auto& action : std::vector<std::function<void()>>{
           [&] { verify_file(dir.file("whole.h5")); }, [&] { sweep_report(dir.file("whole.h5"), false); },
           [&] { merge_sweep_files(dir.file("merged.h5"), {dir.file("whole.h5")}); }}) {
    try {
      action();
      ADD_FAILURE() << "a file without the text digest was accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string::npos, std::string(e.what()).find("older leosem")) << e.what();
    }
  }
}

// Property: random single-bit flips in the global heap collections of a shard. Every flip in a
// text's bytes is detected; a flip elsewhere (headers, padding, stale copies) is either detected
// or leaves every text and dimension list as it was: none changes a value silently.
TEST(Checksums, NoFlipInTheGlobalHeapChangesAValueSilently) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  RunOptions shard = options();
  shard.shard = {1, 2};
  run(spec, dir.file("shard.h5"), shard);
  const std::string good = read_bytes(dir.file("shard.h5"));
  const std::vector<GlobalHeapRegion> regions = global_heap_regions(good);
  uint64_t data_bytes = 0;
  for (const GlobalHeapRegion& r : regions) data_bytes += r.kind == "text" ? r.end - r.begin : 0;
  ASSERT_GT(data_bytes, 500u) << "no global heap found";
  const std::string meaning = variable_length_meaning(dir.file("shard.h5"));

  std::mt19937_64 random(12);
  std::map<std::string, std::pair<int, int>> flips;  // kind -> (detected, unchanged)
  const int kFlips = 300;
  for (int i = 0; i < kFlips; ++i) {
    const GlobalHeapRegion& r = regions[random() % regions.size()];
    const uint64_t offset = r.begin + random() % (r.end - r.begin);
    const int bit = static_cast<int>(random() % 8);
    const std::string path = dir.file("flipped.h5");
    flip_bit(dir.file("shard.h5"), path, offset, bit);
    bool detected = false;
    try {
      verify_file(path);
    } catch (const std::exception&) {
      detected = true;
    }
    if (detected) {
      ++flips[r.kind].first;
      continue;
    }
    std::string after;
    try {
      after = variable_length_meaning(path);
    } catch (const std::exception& e) {
      after = std::string("unreadable: ") + e.what();
    }
    if (r.kind == "text" || after != meaning)
      ADD_FAILURE() << "a flip of bit " << bit << " at byte " << offset << " (" << r.kind
                    << ") passed verification" << (after != meaning ? " and changed the values" : "");
    else
      ++flips[r.kind].second;
  }
  for (const auto& [kind, counts] : flips)
    std::cout << "global heap, " << kind << ": " << counts.first << " flips detected, " << counts.second
              << " undetected and harmless\n";
  EXPECT_GT(flips["text"].first, kFlips / 10);
  EXPECT_GT(flips["binary data"].first, 0);
}

// A kill between the summary and the rename leaves a complete file named .partial: --resume
// must finish it (it used to fail creating /summary again).
TEST(SweepLifecycle, ACompleteFileLeftAsPartialResumes) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("done.h5"));
  fs::copy_file(dir.file("done.h5"), dir.file("x.h5.partial"));
  RunOptions resume = options();
  resume.resume = true;
  run(spec, dir.file("x.h5"), resume);
  EXPECT_TRUE(fs::exists(dir.file("x.h5")));
  EXPECT_FALSE(fs::exists(dir.file("x.h5.partial")));
  EXPECT_EQ(sweep_report(dir.file("done.h5"), true), sweep_report(dir.file("x.h5"), true));
}

TEST(SweepLifecycle, NoOverwriteWithoutForce) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  run(spec, dir.file("out.h5"));
  EXPECT_THROW(run(spec, dir.file("out.h5")), std::runtime_error);
  RunOptions force = options();
  force.force = true;
  run(spec, dir.file("out.h5"), force);
  // A leftover .partial is another run's resumable work: kept unless --force.
  write_text(dir.file("other.h5.partial"), "not mine");
  EXPECT_THROW(run(spec, dir.file("other.h5")), std::runtime_error);
  EXPECT_EQ(read_bytes(dir.file("other.h5.partial")), "not mine");
  // merge never touches OUT.partial, and refuses an existing OUT unless forced.
  write_text(dir.file("merged.h5.partial"), "a run's work");
  merge_sweep_files(dir.file("merged.h5"), {dir.file("out.h5")});
  EXPECT_EQ(read_bytes(dir.file("merged.h5.partial")), "a run's work");
  EXPECT_THROW(merge_sweep_files(dir.file("merged.h5"), {dir.file("out.h5")}), std::runtime_error);
  merge_sweep_files(dir.file("merged.h5"), {dir.file("out.h5")}, true);
}

TEST(FileSafety, ALongLegalOutputNameWorks) {
  TempDir dir;
  const SweepSpec spec = make_spec(dir);
  for (size_t length : {246u, 250u, 255u}) {
    const std::string name = std::string(length - 3, 'n') + ".h5";
    const std::string partial = partial_path_for(dir.file(name));
    EXPECT_LE(fs::path(partial).filename().string().size(), 255u);
    EXPECT_EQ(partial, partial_path_for(dir.file(name)));  // deterministic: --resume finds it
    run(spec, dir.file(name));
    EXPECT_TRUE(fs::exists(dir.file(name))) << length;
    EXPECT_FALSE(fs::exists(partial));
  }
  EXPECT_THROW(check_output_path(dir.file(std::string(256, 'x')), false, "--out"), std::runtime_error);
}

// A sweep's scenario must be a regular file: "", "/" and "/dev/null" used to run on the defaults.
TEST(FileSafety, ASweepsScenarioMustBeAFile) {
  TempDir dir;
  for (const char* scenario : {"", "/", "/dev/null", "."}) {
    write_text(dir.file("s.toml"), std::string("scenario = \"") + scenario +
                                       "\"\ninstances = 2\nalgorithms = [\"alpha\"]\nseed = 1\n");
    try {
      load_sweep_file(dir.file("s.toml"), kAlgorithms);
      ADD_FAILURE() << "scenario = \"" << scenario << "\" accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string::npos, std::string(e.what()).find("'scenario'")) << e.what();
    }
  }
}

TEST(Limits, ASweepTooLargeForItsFileIsRefused) {
  TempDir dir;
  write_text(dir.file("base.toml"), kBase);
  write_text(dir.file("s.toml"),
             "scenario = \"base.toml\"\ninstances = 1000000000\nalgorithms = [\"alpha\"]\nseed = 1\n[[axis]]\n"
             "field = \"users.deadline_mean_slots\"\nvalues = [20, 30]\n");
  try {
    load_sweep_file(dir.file("s.toml"), kAlgorithms);
    FAIL() << "accepted 2e9 results";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("'instances'")) << e.what();
  }
}

