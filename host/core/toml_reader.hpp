// Reading TOML tables field by field with errors that name the field, the value and the reason;
// keys never read are reported as unknown. Shared by every configuration section.
#pragma once
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "core/text_excerpt.hpp"
#include "core/errors.hpp"

namespace leosem {

inline std::string format_number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

[[noreturn]] inline void reject(const std::string& field, const std::string& value, const std::string& reason) {
  throw ConfigError("invalid configuration: field '" + text_excerpt(field) + "' = " + text_excerpt(value) + ": " +
                    reason);
}

[[noreturn]] inline void reject(const std::string& field, double value, const std::string& reason) {
  reject(field, format_number(value), reason);
}

// Reads the fields of one TOML table, remembering which keys were read so that the rest can be
// reported as unknown.
class SectionReader {
 public:
  SectionReader(const toml::table& root, std::string section, std::set<std::string>& seen_sections)
      : section_(std::move(section)) {
    seen_sections.insert(section_);
    if (const toml::node* node = root.get(section_)) {
      table_ = node->as_table();
      if (!table_) reject(section_, "(not a table)", "must be a [" + section_ + "] table");
    }
  }

  // The top-level keys of `root` (field names without a section).
  explicit SectionReader(const toml::table& root) : table_(&root) {}

  std::string field(const std::string& key) const { return section_.empty() ? key : section_ + "." + key; }

  bool has(const std::string& key) const { return table_ && table_->contains(key); }

  double number(const std::string& key, double fallback) {
    const toml::node* node = take(key);
    if (!node) return fallback;
    if (auto v = node->value_exact<double>()) {
      if (!std::isfinite(*v)) reject(field(key), *v, "must be a finite number");
      return *v;
    }
    if (auto v = node->value_exact<int64_t>()) return static_cast<double>(*v);
    reject(field(key), describe(*node), "must be a number");
  }

  int64_t integer(const std::string& key, int64_t fallback) {
    const toml::node* node = take(key);
    if (!node) return fallback;
    if (auto v = node->value_exact<int64_t>()) return *v;
    reject(field(key), describe(*node), "must be an integer");
  }

  std::string text(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed) {
    const toml::node* node = take(key);
    if (!node) return fallback;
    auto v = node->value_exact<std::string>();
    if (!v) reject(field(key), describe(*node), "must be a string");
    for (const auto& a : allowed)
      if (*v == a) return *v;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
    reject(field(key), "\"" + *v + "\"", "must be one of " + list);
  }

  // Any string (a file path, say); an empty string is rejected.
  std::string string(const std::string& key, const std::string& fallback) {
    const toml::node* node = take(key);
    if (!node) return fallback;
    auto v = node->value_exact<std::string>();
    if (!v) reject(field(key), describe(*node), "must be a string");
    if (v->empty()) reject(field(key), "\"\"", "must not be empty");
    return *v;
  }

  std::vector<double> number_list(const std::string& key, const std::vector<double>& fallback) {
    const toml::node* node = take(key);
    if (!node) return fallback;
    const toml::array* array = node->as_array();
    if (!array) reject(field(key), describe(*node), "must be an array of numbers");
    std::vector<double> values;
    for (const toml::node& item : *array) {
      if (auto v = item.value_exact<double>()) values.push_back(*v);
      else if (auto i = item.value_exact<int64_t>()) values.push_back(static_cast<double>(*i));
      else reject(field(key), describe(item), "every element must be a number");
    }
    return values;
  }

  void reject_unknown_keys() const {
    if (!table_) return;
    for (const auto& [key, node] : *table_) {
      (void)node;
      const std::string name(key.str());
      if (!read_.count(name)) reject(field(name), "(present)", "unknown key in [" + section_ + "]");
    }
  }

 private:
  const toml::node* take(const std::string& key) {
    read_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }

  static std::string describe(const toml::node& node) {
    std::ostringstream out;
    if (node.is_string()) out << '"' << *node.value<std::string>() << '"';
    else if (node.is_table()) out << "(a table)";
    else if (node.is_array()) out << "(an array)";
    else node.visit([&](auto&& v) { out << v; });
    return out.str();
  }

  std::string section_;
  const toml::table* table_ = nullptr;
  std::set<std::string> read_;
};

}  // namespace leosem
