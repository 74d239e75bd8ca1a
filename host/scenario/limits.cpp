#include "scenario/limits.hpp"

#include <string>

#include "scenario/config.hpp"
#include "core/toml_reader.hpp"

namespace leosem {

InstanceSize estimate_instance_size(const ScenarioParams& p) {
  InstanceSize size;
  size.cells = static_cast<double>(p.users) * static_cast<double>(p.subchannels) * static_cast<double>(p.slots);
  size.bytes = size.cells * kBytesPerCell;
  return size;
}

void check_scenario_limits(const ScenarioParams& p) {
  const InstanceSize size = estimate_instance_size(p);
  if (size.cells <= kMaxInstanceCells) return;
  // Name the factor furthest above its default: the one the user most likely made large.
  const ScenarioParams d = default_scenario_params();
  struct Factor {
    const char* field;
    double value, fallback;
  };
  const Factor factors[] = {{"users.count", static_cast<double>(p.users), static_cast<double>(d.users)},
                            {"radio.subchannels", static_cast<double>(p.subchannels), static_cast<double>(d.subchannels)},
                            {"time.slots", static_cast<double>(p.slots), static_cast<double>(d.slots)}};
  const Factor* culprit = &factors[0];
  for (const Factor& f : factors)
    if (f.value / f.fallback > culprit->value / culprit->fallback) culprit = &f;
  reject(culprit->field, culprit->value,
         "the instance is too large: users.count x radio.subchannels x time.slots = " + format_number(size.cells) +
             " cells (about " + format_number(size.bytes / (1u << 30)) + " GiB per instance), more than " +
             format_number(kMaxInstanceCells) + " cells; reduce " + culprit->field);
}

}  // namespace leosem
