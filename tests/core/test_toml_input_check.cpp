// The TOML input the parser, Debian's toml++ 3.3, mishandles is refused before it parses it
// (host/core/toml_input_check.hpp): very deep dotted keys (a stack overflow, SIGSEGV in every
// build), a table header not starting with a key and non-ASCII characters where toml++ asks
// whether they are whitespace (an assertion and __builtin_unreachable(): the sanitizer build's
// fuzzer found both). Valid TOML around the same characters must pass untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config_test_util.hpp"
#include "core/toml_input_check.hpp"
#include "sweep/sweep_spec.hpp"
#include "sweep_test_util.hpp"

using namespace leosem;
namespace fs = std::filesystem;

namespace {

std::string repeated(const std::string& part, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += part;
  return out;
}

// The problem find_toml_input_problem reports, as "LINE:COLUMN: DESCRIPTION", or "(none)".
std::string problem_in(const std::string& text) {
  const auto problem = find_toml_input_problem(text);
  if (!problem) return "(none)";
  return std::to_string(problem->line) + ":" + std::to_string(problem->column) + ": " + problem->description;
}

// Parses `text` with toml++ (a syntax error is fine): in the sanitizer build, which compiles toml++
// with ASan, UBSan and its assertions, this shows the text the check lets through is safe.
void parse_if_valid(const std::string& text) {
  try {
    (void)toml::parse(text);
  } catch (const toml::parse_error&) {
  }
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kHeader = "a table header must start with a key";
constexpr const char* kDeep = "a key of more than 16 dotted parts";
constexpr const char* kNonAscii = "a non-ASCII character outside a string or comment";
constexpr const char* kBackslash = "a non-ASCII character right after a backslash";

}  // namespace

// 31 000 parts overflow toml++ 3.3's stack in the Release build (SIGSEGV on main before the check).
TEST(TomlInputCheck, AVeryDeepKeyIsRefusedNotACrash) {
  const std::string deep = repeated("a.", 100000) + "a";
  for (const std::string& text : {deep + " = 1\n", "[" + deep + "]\n", "x = {" + deep + " = 1}\n"}) {
    const std::string message = test::error_of(text);
    EXPECT_NE(message.find("invalid configuration: <string>:1:"), std::string::npos) << message;
    EXPECT_NE(message.find(kDeep), std::string::npos) << message;
  }
  // The bound: 16 parts pass the check (and are then an unknown section), 17 do not.
  EXPECT_EQ(problem_in(repeated("a.", 15) + "a = 1"), "(none)");
  EXPECT_EQ(problem_in(repeated("a . ", 16) + "a = 1").substr(0, 5), "1:63:");  // the 16th dot
  EXPECT_NE(test::error_of(repeated("a.", 15) + "a = 1").find("unknown top-level key"), std::string::npos);
}

// The fuzzer's first finding: toml++ 3.3 enters parse_key() on '.', an assertion failure.
TEST(TomlInputCheck, ATableHeaderNotStartingWithAKeyIsRefused) {
  EXPECT_EQ(problem_in("[."), std::string("1:2: ") + kHeader + " (a letter, digit, _, - or a quote), not '.'");
  for (const std::string& text : {"[[[1]]]", "[[=", "[\n", "[ \t.a]", "[#", "a = 1\r\n  [.a]", "\xEF\xBB\xBF[."})
    EXPECT_NE(problem_in(text).find(kHeader), std::string::npos) << text;
  EXPECT_NE(test::error_of("[orbit]\n[.x]\n").find(std::string("<string>:2:2: ") + kHeader), std::string::npos);
  // Headers toml++ reads well, or refuses by itself, are left to it.
  for (const std::string& text : {"[a]", "[ a . b ]", "[[a]]", "[\"x\".'y']", "[]", "[[ ]]", "[ [a]]", "[-1]", "["}) {
    EXPECT_EQ(problem_in(text), "(none)") << text;
    parse_if_valid(text);
  }
}

// The fuzzer's third finding: parse_array() hands '}' to parse_value(), breaking its precondition.
TEST(TomlInputCheck, AClosingBraceInsideAnArrayIsRefused) {
  EXPECT_EQ(problem_in("n=[}"), "1:4: a '}' inside an array (it closes no inline table there)");
  for (const std::string& text : {"n = [1, }", "n = [\n # c\n }", "a = {b = [}]}", "a = [{x = 1}, [}]]"})
    EXPECT_NE(problem_in(text).find("a '}' inside an array"), std::string::npos) << text;
  for (const std::string& text : {"a = [{b = 1}]", "a = {b = [1]}", "a = [{}]", "a = [[{x = 1}], {y = 2}]",
                                  "a = ['}', \"}\"] # }", "a = {b = 1}}", "}"}) {
    EXPECT_EQ(problem_in(text), "(none)") << text;
    parse_if_valid(text);
  }
}

// The fuzzer's fifth finding: after a date and a space toml++ takes one digit and asserts more follows.
TEST(TomlInputCheck, ADateASpaceAndOneDigitIsRefused) {
  for (const std::string& text : {"c=00p------- 0\n", "d = 1979-05-27 0", "d = [1979-05-27 1]", "d = 1979-05-27 2 # x"})
    EXPECT_NE(problem_in(text).find("a date, a space and one digit"), std::string::npos) << text;
  // CI's finding at c737cc1: toml++ skips underscores when it counts a date's ten characters, and
  // a carriage return (or \v, \f) ends a value as a line break does.
  for (const std::string& text : {"c=00p------_- 0\r", "d = 1979_-05-27 0", "d = 1979-05-27 0\r\n", "d = 19_79-05-27 3\f",
                                  "d = 1979-05-27 4\v"})
    EXPECT_NE(problem_in(text).find("a date, a space and one digit"), std::string::npos) << text;
  // Found by reading toml++: a date long with underscores, a space and a time make it step back
  // past its 127-character history (an assertion; with 124 characters it does not).
  const std::string long_date = "1979-05-2" + std::string(116, '_') + "7";
  EXPECT_EQ(problem_in("d=" + long_date + " 00\n"),
            "1:129: a date-like value of 126 characters (underscores included) before a time (the TOML parser, "
            "toml++ 3.3, steps back past its 127-character history reading it)");
  EXPECT_EQ(problem_in("d=1979-05-2" + std::string(89, '_') + "7 07:32:00"), "(none)");
  for (const std::string& text : {"d = 1979-05-27 07:32:00", "d = 1979-05-27 ", "d = [1979-05-27 , 1]", "d = 1979-05-27"}) {
    EXPECT_EQ(problem_in(text), "(none)") << text;
    parse_if_valid(text);
  }
}

// The fuzzer's second finding: is_non_ascii_horizontal_whitespace() reaches __builtin_unreachable().
TEST(TomlInputCheck, NonAsciiWhereTomlPlusPlusTestsForWhitespaceIsRefused) {
  EXPECT_EQ(problem_in("\xC2\xB1").substr(0, 5), "1:1: ");
  EXPECT_NE(problem_in("\xC2\xB1").find(kNonAscii), std::string::npos);
  EXPECT_EQ(problem_in("a = 1\nb = 2 \xC3\xA9").substr(0, 5), "2:7: ");
  for (const std::string& text : {"[a\xC2\xB1]", "[\"a\"\xD0\x96]", "caf\xC3\xA9 = 1", "a = 1\xC2\xA0"})
    EXPECT_NE(problem_in(text).find(kNonAscii), std::string::npos) << text;
  // A quote inside a bare value or key opens no string for toml++, which reads on to the next
  // space, comma or bracket (the long run's finding, e=1"é), nor after a date and a space.
  for (const std::string& text : {"e=1\"\xC3\xA9", "e=1['\xEF\xBB\xBE", "a = 1{\"\xC3\xA9\"}",
                                  "a = [true, 1['\xC3\xA9']", "a = 1.\"\xC3\xA9\"", "a = 1'\xC3\xA9'",
                                  "d = 1979-05-27 \"\xC3\xA9\"", "a = [1\"\xC3\xA9\"]", "[a\"\xC3\xA9\"]"})
    EXPECT_NE(problem_in(text).find(kNonAscii), std::string::npos) << text;
  // In a multi-line basic string: after a backslash, and past a line-ending backslash's whitespace.
  for (const std::string& text : {"s = \"\"\"\\\xC3\xA9\"\"\"", "s = \"\"\"a \\\n   \xC3\xA9\"\"\"",
                                  "s = \"\"\"a\\  \r\n\n\t\xCE\xB1\"\"\""})
    EXPECT_NE(problem_in(text).find(kBackslash), std::string::npos) << text;
  // Everywhere else TOML allows them, and toml++ reads them well.
  for (const std::string& text :
       {"s = \"\xC3\xA9t\xC3\xA9\"", "s = '\xC2\xB1'", "s = \"\"\"\n\xC3\xA9\n\"\"\"", "s = '''\\\n\xC3\xA9'''",
        "s = \"\"\"\\t\xC3\xA9\"\"\"", "# \xC2\xB1 comment\na = 1 # \xC3\xA9", "[\"\xC3\xA9\"]\n\"\xC2\xB1\" = 1",
        "a.'\xC3\xA9' = 1", "[a . \"\xC3\xA9\"]", "x = {\"\xC3\xA9\" = \"\xC3\xA9\", b='\xC3\xA9'}",
        "a = [\n  \"\xC3\xA9\",\n  '\xC3\xA9' ]", "a = 1 # \"\xC3\xA9", "d = 1979-05-27 07:32:00Z # \xC3\xA9",
        "a = [1979-05-27 07:32:00, \"\xC3\xA9\", true,\n  -inf, {b = '\xC3\xA9'}]",
        "\xEF\xBB\xBF" "a = 1"}) {
    EXPECT_EQ(problem_in(text), "(none)") << text;
    parse_if_valid(text);
  }
}

// Strings and comments are tracked as TOML does: after each of these the scan is outside a
// string again, so the '[.' on the next line is found (and nothing inside them is).
TEST(TomlInputCheck, StringsAndCommentsEndWhereTomlEndsThem) {
  for (const std::string& text : {
           "s = \"a\\\"b.c.d\"", "s = \"a\\\\\"", "s = 'a\\'", "s = \"\"", "s = ''", "s = \"\"\"a\"b\"\"c\"\"\"",
           "s = \"\"\"a\"\"\"\"", "s = \"\"\"a\"\"\"\"\"", "s = '''a''''", "s = '''a'''''", "s = \"\"\"\"\"\"",
           "s = \"\"\"a\\\"\"\"\"", "s = \"\"\"a\\\n  \"\"\"", "# [. \"\"\" '", "s = [\"]\", '[', \"{\"]",
           "s = \"\"\"\n[.\n\"\"\"", "s = '''\n[.\n'''",
       }) {
    EXPECT_EQ(problem_in(text), "(none)") << text;
    parse_if_valid(text);
    EXPECT_EQ(problem_in(text + "\n[.").substr(0, 2), std::to_string(2 + std::count(text.begin(), text.end(), '\n')) + ":")
        << text;
  }
}

// Valid TOML that looks like the refused kinds is not refused: floats' dots, dots in strings,
// array elements at the start of a line, long one-line arrays.
TEST(TomlInputCheck, ValidTomlPasses) {
  std::string floats = "values = [";
  for (int i = 0; i < 5000; ++i) floats += "0." + std::to_string(i) + ", ";
  floats += "1.5]\n";
  for (const std::string& text : std::initializer_list<std::string>{
           floats, "field = \"" + repeated("a.", 100) + "a\"\n", "m = [\n  [1, 2],\n  [0.5],\n  {x = 1.5},\n  +1,\n]\n",
           "t = {a.b.c = 1, d = [ [1], [2.5] ]}\n[x.y.z]\nw = 1979-05-27T07:32:00.999Z\n", "[a]\r\nb = 1\r\n",
       }) {
    EXPECT_EQ(problem_in(text), "(none)") << text.substr(0, 200);
    EXPECT_NO_THROW((void)toml::parse(text)) << text.substr(0, 200);
  }
  // Every configuration the project ships (scenarios, sweeps, the fuzzing seeds) passes and parses.
  size_t files = 0;
  for (const char* folder : {"sweeps", "tests/fuzz/corpus"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(LEOSEM_SOURCE_DIR) / folder)) {
      const bool seed = entry.path().filename().string().rfind("seed-", 0) == 0;
      if (entry.path().extension() != ".toml" || (std::string(folder) != "sweeps" && !seed)) continue;
      EXPECT_EQ(problem_in(read(entry.path())), "(none)") << entry.path();
      EXPECT_NO_THROW((void)toml::parse(read(entry.path())));
      ++files;
    }
  }
  EXPECT_GE(files, 10u);
}

// A dotted field given as a string (a sweep's axis, --set) builds its tables in leosem's own code:
// the same bound holds there (100 000 parts crashed `leosem run` with SIGSEGV before).
TEST(TomlInputCheck, AVeryDeepSweepAxisFieldIsRefused) {
  test::TempDir dir;
  test::write_text(dir.file("base.toml"), test::kSmallBase);
  const std::string sweep = "seed = 1\nscenario = \"base.toml\"\ninstances = 2\nalgorithms = [\"alpha\"]\n"
                            "[[axis]]\nfield = \"" + repeated("a.", 100000) + "a\"\nvalues = [1, 2]\n";
  try {
    parse_sweep(sweep, dir.file("sweep.toml"), dir.path.string(), test::kSweepAlgorithms);
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 16 dotted parts (a scenario field is section.key)"),
              std::string::npos)
        << e.what();
  }
}
