// Values echoed back in error messages: cut to a readable length and with control or non-ASCII
// bytes escaped, so a 100 000-character value or a binary file never floods the terminal.
#pragma once
#include <cstdio>
#include <string>

namespace leosem {

inline std::string text_excerpt(const std::string& value, size_t max_chars = 80) {
  std::string out;
  size_t shown = 0;
  for (unsigned char c : value) {
    if (shown >= max_chars) break;
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
    ++shown;
  }
  if (value.size() > max_chars) out += "... (" + std::to_string(value.size()) + " characters)";
  return out;
}

// An input value (a path, a field's value, a name) as a message echoes it: in single quotes, cut
// and escaped by text_excerpt. Every message that names an input uses it.
inline std::string quoted_input(const std::string& value) { return "'" + text_excerpt(value) + "'"; }

// A message built by a library that echoes inputs whole (CLI11's parse errors): each run of more
// than `max_chars` non-blank characters cut by text_excerpt, the rest kept.
inline std::string excerpt_long_words(const std::string& message, size_t max_chars = 80) {
  std::string out, word;
  const auto flush = [&] {
    // A value text_excerpt already cut (ending "...", at most 4 bytes a character escaped) stays.
    const bool cut = word.size() >= 3 && word.compare(word.size() - 3, 3, "...") == 0 && word.size() <= 4 * max_chars + 8;
    out += word.size() > max_chars && !cut ? text_excerpt(word, max_chars) : word;
    word.clear();
  };
  for (char c : message) {
    if (c == ' ' || c == '\n' || c == '\t') {
      flush();
      out += c;
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

}  // namespace leosem
