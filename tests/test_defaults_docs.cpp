// The scenario's defaults are written in three places: default_scenario_params() (and the
// readers' defaults), sweeps/scenarios/default.toml and the docs' reference tables
// (docs/configuration.md; the [quality] block of docs/quality-models.md §6). This test keeps
// them equal: every field of default.toml is documented with the same default, every
// documented field is in default.toml, and default.toml parses to the built-in defaults
// (tests/test_config.cpp compares the parsed values field by field).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "scenario/config.hpp"
#include "solvers/solve.hpp"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A documented default as numbers or a quoted string: "550", "−174", "1/12", "1e-4",
// "[1/40, 1/20]", "`\"los\"`".
struct Value {
  std::vector<double> numbers;
  std::string text;  // for strings, with quotes stripped
  bool is_text = false;
};

double parse_number(std::string s) {
  for (size_t at; (at = s.find("\xE2\x88\x92")) != std::string::npos;) s.replace(at, 3, "-");  // U+2212
  const size_t slash = s.find('/');
  if (slash != std::string::npos) return std::stod(s.substr(0, slash)) / std::stod(s.substr(slash + 1));
  return std::stod(s);
}

Value parse_doc_value(std::string s) {
  Value v;
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
  if (!s.empty() && s.front() == '"') {
    v.is_text = true;
    v.text = s.substr(1, s.find('"', 1) - 1);
  } else if (!s.empty() && s.front() == '[') {
    std::stringstream items(s.substr(1, s.find(']') - 1));
    for (std::string item; std::getline(items, item, ',');) v.numbers.push_back(parse_number(item));
  } else {
    v.numbers.push_back(parse_number(s));
  }
  return v;
}

Value toml_value(const toml::node& node) {
  Value v;
  if (auto s = node.value_exact<std::string>()) {
    v.is_text = true;
    v.text = *s;
  } else if (const toml::array* list = node.as_array()) {
    for (const toml::node& item : *list) v.numbers.push_back(*item.value<double>());
  } else {
    v.numbers.push_back(*node.value<double>());
  }
  return v;
}

std::string text_of(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& n) { out << n; });
  return out.str();
}

bool same(const Value& a, const Value& b) {
  if (a.is_text != b.is_text) return false;
  if (a.is_text) return a.text == b.text;
  if (a.numbers.size() != b.numbers.size()) return false;
  for (size_t i = 0; i < a.numbers.size(); ++i)
    if (std::fabs(a.numbers[i] - b.numbers[i]) > 1e-9 * std::fmax(1.0, std::fabs(b.numbers[i]))) return false;
  return true;
}

// "section.key" -> documented default, from configuration.md's tables and quality-models.md's block.
std::map<std::string, std::string> documented_defaults(const std::string& root) {
  std::map<std::string, std::string> out;
  std::stringstream config(read_text(root + "/docs/configuration.md"));
  std::string section, line;
  const std::regex heading(R"(^## `\[(\w+)\]`)"), row(R"(^\| `(\w+)` \| ([^|]+) \|)");
  std::smatch m;
  while (std::getline(config, line)) {
    if (line == "## Top level") section = "";
    else if (std::regex_search(line, m, heading)) section = m[1];
    else if (std::regex_search(line, m, row)) out[(section.empty() ? "" : section + ".") + std::string(m[1])] = m[2];
  }
  std::stringstream quality(read_text(root + "/docs/quality-models.md"));
  const std::regex setting(R"(^    (\w+) = ("[^"]*"|[-0-9.e]+))");
  bool in_block = false;
  while (std::getline(quality, line)) {
    if (line == "    [quality]") in_block = true;
    else if (in_block && line.rfind("    ", 0) != 0) in_block = false;
    else if (in_block && std::regex_search(line, m, setting)) out["quality." + std::string(m[1])] = m[2];
  }
  return out;
}

TEST(DefaultsAgree, DefaultTomlAndDocsListTheSameFieldsWithTheSameDefaults) {
  const std::string root = LEOSEM_SOURCE_DIR;
  const toml::table file = toml::parse_file(root + "/sweeps/scenarios/default.toml");
  std::map<std::string, std::string> docs = documented_defaults(root);
  ASSERT_GT(docs.size(), 40u) << "the docs' tables were not found";
  int compared = 0;
  for (const auto& [section, node] : file) {
    std::vector<std::pair<std::string, const toml::node*>> fields;
    if (const toml::table* table = node.as_table()) {
      for (const auto& [key, value] : *table) fields.push_back({std::string(section.str()) + "." + std::string(key.str()), &value});
    } else {
      fields.push_back({std::string(section.str()), &node});
    }
    for (const auto& [name, value] : fields) {
      auto doc = docs.find(name);
      if (doc == docs.end()) {
        ADD_FAILURE() << name << " is in default.toml but not documented";
        continue;
      }
      EXPECT_TRUE(same(parse_doc_value(doc->second), toml_value(*value)))
          << name << ": docs say " << doc->second << ", default.toml says " << text_of(*value);
      docs.erase(doc);
      ++compared;
    }
  }
  for (const auto& [name, value] : docs) ADD_FAILURE() << name << " is documented but not in default.toml";
  EXPECT_GT(compared, 40);
}

TEST(DefaultsAgree, SolverDefaultsHaveOneSource) {
  // default.toml's [solvers] parses to SolverConfig's defaults, and the solvers' own option
  // structs take theirs from it.
  const leosem::ScenarioConfig file =
      leosem::load_scenario_file(std::string(LEOSEM_SOURCE_DIR) + "/sweeps/scenarios/default.toml");
  const leosem::SolverConfig config;
  EXPECT_DOUBLE_EQ(file.solvers.greedy_jscc_rho, config.greedy_jscc_rho);
  EXPECT_DOUBLE_EQ(file.solvers.milp_time_limit_s, config.milp_time_limit_s);
  EXPECT_EQ(file.solvers.jcrra_max_iterations, config.jcrra_max_iterations);
  EXPECT_DOUBLE_EQ(file.solvers.jcrra_tolerance, config.jcrra_tolerance);
  const leosem::SolverOptions options;
  EXPECT_DOUBLE_EQ(options.greedy_rho, config.greedy_jscc_rho);
  EXPECT_DOUBLE_EQ(options.milp_time_limit_s, config.milp_time_limit_s);
  EXPECT_EQ(options.jcrra.max_sca_iterations, config.jcrra_max_iterations);
  EXPECT_DOUBLE_EQ(options.jcrra.tolerance, config.jcrra_tolerance);
  // JcrraOptions' own defaults (the core's, for callers without a scenario) agree too.
  EXPECT_EQ(leosem::JcrraOptions{}.max_sca_iterations, config.jcrra_max_iterations);
  EXPECT_DOUBLE_EQ(leosem::JcrraOptions{}.tolerance, config.jcrra_tolerance);
}

}  // namespace
