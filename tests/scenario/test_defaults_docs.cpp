// One field table (host/scenario/field_table.cpp) drives parsing, ranges, the built-in defaults,
// sweeps/scenarios/default.toml and the reference tables of docs/configuration.md. These tests
// keep the committed files equal to what the table generates, check every row against its own
// range, and check that the defaults the solvers and quality models keep for callers without a
// scenario agree with the table.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config_test_util.hpp"
#include "scenario/config.hpp"
#include "scenario/field_table.hpp"
#include "solvers/solve.hpp"

using namespace leosem;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kRoot = LEOSEM_SOURCE_DIR;
const char* kRegenerate = "; run tools/update-config-reference.sh after changing host/scenario/field_table.cpp";

using test::error_of;

// A TOML text that sets field `f` to `value` (a TOML value).
std::string setting(const ScenarioField& f, const std::string& value) {
  return (f.section.empty() ? "" : "[" + f.section + "]\n") + f.key + " = " + value + "\n";
}

std::string exact(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";  // a TOML float
  return text;
}

// A value outside a closed bound `b` by a relative hair (the bound itself when the end is open).
double just_outside(double bound, bool open, double direction) {
  return open ? bound : bound + direction * 1e-9 * std::fmax(1.0, std::fabs(bound));
}

void expect_field_equal(const ScenarioField& f, const FieldValue& got, const FieldValue& want, const std::string& what) {
  switch (f.kind) {
    case FieldKind::Number:
      EXPECT_DOUBLE_EQ(got.number, want.number) << f.path() << " " << what;
      break;
    case FieldKind::Integer:
      EXPECT_EQ(got.integer, want.integer) << f.path() << " " << what;
      break;
    case FieldKind::Choice:
      EXPECT_EQ(got.choice, want.choice) << f.path() << " " << what;
      break;
    case FieldKind::NumberList:
      ASSERT_EQ(got.list.size(), want.list.size()) << f.path() << " " << what;
      for (size_t i = 0; i < got.list.size(); ++i) EXPECT_DOUBLE_EQ(got.list[i], want.list[i]) << f.path() << " " << what;
      break;
    case FieldKind::Path:
      EXPECT_EQ(got.text, want.text) << f.path() << " " << what;
      break;
  }
}

// A row's default in SI, as a setter receives it.
FieldValue default_si(const ScenarioField& f) {
  FieldValue v = f.fallback;
  if (f.kind == FieldKind::Number) v.number = f.scale.to_si(v.number);
  return v;
}

TEST(FieldTable, DefaultTomlIsGenerated) {
  EXPECT_EQ(read_text(kRoot + "/sweeps/scenarios/default.toml"), default_scenario_toml())
      << "sweeps/scenarios/default.toml differs from `leosem scenario --print-fields toml`" << kRegenerate;
}

TEST(FieldTable, DocsReferenceIsGenerated) {
  const std::string docs = read_text(kRoot + "/docs/configuration.md");
  const size_t begin = docs.find(kFieldsMarkdownBegin);
  const size_t end = docs.find(kFieldsMarkdownEnd);
  ASSERT_NE(begin, std::string::npos) << "docs/configuration.md lacks the begin marker" << kRegenerate;
  ASSERT_NE(end, std::string::npos) << "docs/configuration.md lacks the end marker" << kRegenerate;
  const std::string block = docs.substr(begin, end + std::string(kFieldsMarkdownEnd).size() + 1 - begin);
  EXPECT_EQ(block, scenario_fields_markdown())
      << "docs/configuration.md's reference differs from `leosem scenario --print-fields md`" << kRegenerate;
}

TEST(FieldTable, EveryRowIsWellFormedAndItsDefaultLiesInItsRange) {
  std::set<std::string> paths;
  for (const ScenarioField& f : scenario_fields()) {
    EXPECT_TRUE(paths.insert(f.path()).second) << f.path() << " is listed twice";
    EXPECT_FALSE(f.doc.empty()) << f.path();
    EXPECT_TRUE(f.set && f.get) << f.path();
    bool section_listed = false;
    for (const ScenarioSection& s : scenario_sections()) section_listed |= s.name == f.section;
    EXPECT_TRUE(section_listed) << f.path();
    switch (f.kind) {
      case FieldKind::Number:
        EXPECT_TRUE(f.range.contains(f.fallback.number)) << f.path() << " = " << f.fallback.number << " not " << f.range.text();
        EXPECT_TRUE(std::isfinite(f.scale.to_si(f.fallback.number))) << f.path();
        break;
      case FieldKind::Integer:
        EXPECT_TRUE(f.range.contains(static_cast<double>(f.fallback.integer))) << f.path();
        break;
      case FieldKind::Choice:
        ASSERT_GE(f.fallback.choice, 0) << f.path();
        EXPECT_LT(f.fallback.choice, static_cast<int>(f.choices.size())) << f.path();
        break;
      case FieldKind::NumberList:
        EXPECT_GE(static_cast<int>(f.fallback.list.size()), f.list_min) << f.path();
        EXPECT_LE(static_cast<int>(f.fallback.list.size()), f.list_max) << f.path();
        for (double v : f.fallback.list) EXPECT_TRUE(f.range.contains(v)) << f.path() << " element " << v;
        break;
      case FieldKind::Path:
        EXPECT_FALSE(f.example.empty()) << f.path();
        break;
    }
  }
  EXPECT_GE(paths.size(), 50u);  // the table was found
}

TEST(FieldTable, DefaultTomlAndEmptyFileParseToTheTableDefaults) {
  const ScenarioConfig file = load_scenario_file(kRoot + "/sweeps/scenarios/default.toml");
  const ScenarioConfig empty = parse_scenario("");
  ScenarioConfig built;  // default_scenario_params() and SolverOptions' defaults, through the getters
  built.params = default_scenario_params();
  built.seed = 1;
  int compared = 0;
  for (const ScenarioField& f : scenario_fields()) {
    const FieldValue want = default_si(f);
    expect_field_equal(f, f.get(file), want, "(default.toml)");
    expect_field_equal(f, f.get(empty), want, "(empty file)");
    if (f.section != "quality") expect_field_equal(f, f.get(built), want, "(default_scenario_params/SolverOptions)");
    ++compared;
  }
  EXPECT_EQ(file.params.band, Band::S);
  EXPECT_EQ(default_scenario_params().band, Band::S);
  EXPECT_GE(compared, 50);
}

TEST(FieldTable, EachRowRejectsAValueJustOutsideItsRangeNamingTheFieldAndUnit) {
  int checked = 0;
  for (const ScenarioField& f : scenario_fields()) {
    std::vector<std::string> outside;
    if (f.kind == FieldKind::Number || f.kind == FieldKind::NumberList) {
      auto value_text = [&](double v) { return f.kind == FieldKind::Number ? exact(v) : "[" + exact(v) + "]"; };
      if (std::isfinite(f.range.min)) outside.push_back(value_text(just_outside(f.range.min, f.range.min_open, -1)));
      if (std::isfinite(f.range.max)) outside.push_back(value_text(just_outside(f.range.max, f.range.max_open, +1)));
    } else if (f.kind == FieldKind::Integer) {
      if (std::isfinite(f.range.min)) outside.push_back(std::to_string(static_cast<int64_t>(f.range.min) - 1));
      if (std::isfinite(f.range.max)) outside.push_back(std::to_string(static_cast<int64_t>(f.range.max) + 1));
    } else if (f.kind == FieldKind::Choice) {
      outside.push_back("\"no-such-choice\"");
    }
    std::vector<std::string> wrong_count;  // NumberList: too few and too many values
    if (f.kind == FieldKind::NumberList) {
      std::string many = "[";
      for (int i = 0; i <= f.list_max; ++i) many += (i ? ", " : "") + exact(0.01 * (i + 1));
      wrong_count = {"[]", many + "]"};
    }
    for (const std::string& value : wrong_count) {
      const std::string e = error_of(setting(f, value));
      EXPECT_NE(e.find("field '" + f.path() + "'"), std::string::npos) << f.path() << " = " << value << ": " << e;
      EXPECT_NE(e.find("must list between"), std::string::npos) << e;
      ++checked;
    }
    for (const std::string& value : outside) {
      const std::string e = error_of(setting(f, value));
      EXPECT_NE(e.find("field '" + f.path() + "'"), std::string::npos) << f.path() << " = " << value << ": " << e;
      if (f.kind == FieldKind::Choice) {
        EXPECT_NE(e.find("must be one of"), std::string::npos) << e;
        for (const std::string& c : f.choices) EXPECT_NE(e.find("\"" + c + "\""), std::string::npos) << e;
      } else {
        EXPECT_NE(e.find(f.range.text()), std::string::npos) << f.path() << " = " << value << ": " << e;
        if (f.unit != "1") EXPECT_NE(e.find(f.unit), std::string::npos) << f.path() << " = " << value << ": " << e;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
}

TEST(FieldTable, UnitsForOutputFiles) {
  EXPECT_EQ(scenario_field_unit("users.deadline_mean_slots"), "slot");
  EXPECT_EQ(scenario_field_unit("orbit.altitude_km"), "km");
  EXPECT_EQ(scenario_field_unit("radio.max_power_dbw"), "dBW");
  EXPECT_EQ(scenario_field_unit("users.images_mean"), "1");
  EXPECT_EQ(scenario_field_unit("quality.logistic_centre_db"), "dB");
  EXPECT_EQ(scenario_field_unit("no.such_field_km"), "1");
  ASSERT_NE(find_scenario_field("channel.scenario"), nullptr);  // the deprecated alias
  EXPECT_EQ(find_scenario_field("channel.scenario")->path(), "channel.environment");
  // The scale to SI: km, GHz, MHz, and dBW to W.
  EXPECT_DOUBLE_EQ(find_scenario_field("orbit.altitude_km")->scale.to_si(550), 550e3);
  EXPECT_DOUBLE_EQ(find_scenario_field("radio.carrier_ghz")->scale.to_si(2), 2e9);
  EXPECT_DOUBLE_EQ(find_scenario_field("radio.bandwidth_mhz")->scale.to_si(40), 40e6);
  EXPECT_NEAR(find_scenario_field("radio.max_power_dbw")->scale.to_si(17), 50.118723, 1e-6);
  EXPECT_NEAR(find_scenario_field("radio.max_power_dbw")->scale.from_si(50.118723362727238), 17.0, 1e-12);
}

TEST(FieldTable, CoreDefaultsAgreeWithTheTable) {
  // The quality models' own defaults (for callers without a scenario) equal the table's. (The
  // solvers' defaults need no such check: the table takes them from SolverOptions.)
  // LogisticQuality's and the grid loader's defaults, read through the table's getters.
  ScenarioConfig core;
  core.quality.logistic = LogisticQuality{};
  core.quality.grid_monotone_tolerance = kDefaultGridMonotoneTolerance;
  int compared = 0;
  for (const ScenarioField& f : scenario_fields())
    if (f.key.rfind("logistic_", 0) == 0 || f.key == "grid_monotone_tolerance") {
      expect_field_equal(f, f.get(core), default_si(f), "(LogisticQuality, kDefaultGridMonotoneTolerance)");
      ++compared;
    }
  EXPECT_EQ(compared, 9);
}

}  // namespace
