#include "quality/csv_util.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/text_excerpt.hpp"
#include "core/file_safety.hpp"
#include "quality/grid_model.hpp"

namespace leosem {
namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(trim(field));
  if (!line.empty() && line.back() == ',') fields.push_back("");
  return fields;
}

std::string where(const std::string& path, const CsvRow& row, size_t index) {
  return text_excerpt(path) + ":" + std::to_string(row.line) + ": field " + std::to_string(index + 1);
}

}  // namespace

CsvFile read_csv_file(const std::string& path, const std::vector<std::string>& header) {
  try {
    require_regular_file(path, "");
  } catch (const std::exception& e) {
    throw QualityDataError(e.what());
  }
  std::ifstream in(path);
  if (!in) throw QualityDataError("cannot read " + quoted_input(path));
  std::string expected;
  for (const auto& h : header) expected += (expected.empty() ? "" : ",") + h;

  CsvFile csv;
  std::string line;
  int number = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (text.empty()) continue;
    if (text[0] == '#') {
      csv.comments += (csv.comments.empty() ? "" : "\n") + text;
      continue;
    }
    std::vector<std::string> fields = split_fields(text);
    if (!have_header) {
      if (fields != header)
        throw QualityDataError(text_excerpt(path) + ":" + std::to_string(number) + ": header is " + quoted_input(text) +
                               ", expected " + quoted_input(expected));
      have_header = true;
      continue;
    }
    if (fields.size() != header.size())
      throw QualityDataError(text_excerpt(path) + ":" + std::to_string(number) + ": " + std::to_string(fields.size()) +
                             " fields, expected " + std::to_string(header.size()) + " (" + expected + ")");
    csv.rows.push_back({number, std::move(fields)});
  }
  if (!have_header) throw QualityDataError(text_excerpt(path) + ": no header line " + quoted_input(expected));
  return csv;
}

double parse_csv_number(const std::string& path, const CsvRow& row, size_t index) {
  const std::string& field = row.fields.at(index);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(field.c_str(), &end);
  if (field.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value))
    throw QualityDataError(where(path, row, index) + ": " + quoted_input(field) + " is not a finite number");
  return value;
}

long parse_csv_integer(const std::string& path, const CsvRow& row, size_t index) {
  const std::string& field = row.fields.at(index);
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(field.c_str(), &end, 10);
  if (field.empty() || *end != '\0' || errno == ERANGE)
    throw QualityDataError(where(path, row, index) + ": " + quoted_input(field) + " is not an integer");
  return value;
}

std::string csv_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = temporary_path_for(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot write " + quoted_input(temporary));
    out << text;
    out.close();
    if (!out) {
      std::remove(temporary.c_str());
      throw IoError("failed writing " + quoted_input(temporary));
    }
  }
  try {
    durable_rename(temporary, path);  // synced: whole or absent after a power cut
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
}

}  // namespace leosem
