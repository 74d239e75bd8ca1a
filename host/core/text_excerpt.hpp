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

}  // namespace leosem
