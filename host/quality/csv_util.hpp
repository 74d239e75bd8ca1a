// A small reader for the project's data CSVs (quality grids, JPEG tables): '#' lines are
// comments (provenance), the first other line is a fixed header, then rows of plain fields.
// Errors are QualityDataError naming file, line and reason.
#pragma once
#include <string>
#include <vector>

namespace leosem {

struct CsvRow {
  int line;                         // 1-based line number in the file
  std::vector<std::string> fields;  // trimmed
};

struct CsvFile {
  std::string comments;  // the '#' lines, joined with '\n' (without the final one)
  std::vector<CsvRow> rows;
};

// Reads `path`; the header must be exactly `header` (fields trimmed) and every row must have
// as many fields.
CsvFile read_csv_file(const std::string& path, const std::vector<std::string>& header);

// Field `index` of `row` as a finite number (the whole field must parse).
double parse_csv_number(const std::string& path, const CsvRow& row, size_t index);
// ... as an integer.
long parse_csv_integer(const std::string& path, const CsvRow& row, size_t index);

// A number for messages (10 significant digits).
std::string csv_number(double value);

// Writes `text` to `path` through a temporary file in the same folder and a rename, so a
// failure never leaves a partial file under the final name. Throws std::runtime_error.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace leosem
