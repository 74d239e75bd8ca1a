// TOML text that the parser, Debian's toml++ 3.3, mishandles is refused before it parses it
// (found by fuzzing the parser built with the sanitizers; docs/testing.md#fuzzing):
// - a key of tens of thousands of dotted parts (`a.a.a… = 1`, also in a table header): toml++
//   makes a table per part and walks the tree recursively, so ~31 000 parts overflow the stack
//   (SIGSEGV). Upstream limits the parts since commit c4369ae (TOML_MAX_DOTTED_KEYS_DEPTH), in no
//   release yet (the latest is 3.4.0).
// - a table header whose key starts with neither a key character nor a quote (`[.`, `[[[`):
//   toml++ enters parse_key() with its precondition broken, which aborts a build with assertions
//   and is undefined behaviour in one built by clang with NDEBUG (the assumption is given to the
//   optimiser). Fixed upstream by commit e4bcc15 (#301), in no release yet.
// - a '}' inside an array (`a = [}`): toml++'s parse_array() hands it to parse_value() with
//   that function's precondition broken (an assertion; undefined behaviour with clang and NDEBUG).
//   Found by the fuzzer; upstream's parser (master of 2026) still has it.
// - a date, a space and one digit (`2000-01-01 0`): the date-time scan asserts that more follows
//   (found by the fuzzer; upstream still has it).
// - a non-ASCII character where toml++ asks whether it is whitespace: outside strings and
//   comments (where TOML 1.0 allows none), or after a backslash in a multi-line string. For most
//   of them toml++'s is_non_ascii_horizontal_whitespace() reaches __builtin_unreachable(),
//   undefined behaviour in every build (UBSan reports it). Fixed upstream by commit 1e8829b
//   (#305, issue #295), in no release yet.
// Debian's gcc-built library happens to answer all but the first with a syntax error, but the program
// must not rely on that; leosem's files never come near these limits.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace leosem {

// Parts one dotted key may have (`a.b.c` has 3; leosem's fields have 2). With toml++'s own bound
// of 256 nested arrays and inline tables, a document's tree is then at most some 4 400 levels
// deep, well inside the stack (toml++ 3.3 overflows 8 MiB at ~31 000).
constexpr int kMaxTomlKeyParts = 16;

struct TomlInputProblem {
  int line = 0;    // 1-based, as toml++ counts them
  int column = 0;  // 1-based, in characters
  std::string description;
};

// The first problem above in `text`, if any. A conservative scan: it tracks strings and comments
// as toml++ reads them (a quote opens a string only where a key or value starts) and counts the
// dots outside them between two of = , [ ] { } or a line break, so it never counts fewer parts
// than a key has (floats have one dot, dots inside strings are not separators). Where the text is
// not TOML it may refuse what toml++ would refuse with a syntax error; nothing after toml++'s
// first error matters, as toml++ stops there.
std::optional<TomlInputProblem> find_toml_input_problem(std::string_view text);

// toml::parse(text, origin) after refusing what find_toml_input_problem finds. Either failure is a
// ConfigError "<what>: <origin>:<line>:<column>: <reason>".
toml::table parse_toml(const std::string& text, const std::string& origin, const std::string& what);

}  // namespace leosem
