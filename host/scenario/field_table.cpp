#include "scenario/field_table.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "core/units.hpp"
#include "core/toml_reader.hpp"

namespace leosem {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// "(0, 2000]", "[1, inf)": the notation of the docs, read once when the table is built.
FieldRange interval(const std::string& text) {
  FieldRange r{};
  const size_t comma = text.find(',');
  if (text.size() < 5 || comma == std::string::npos || (text.front() != '(' && text.front() != '[') ||
      (text.back() != ')' && text.back() != ']'))
    throw std::logic_error("field table: bad interval '" + text + "'");
  auto bound = [](const std::string& s) {
    const std::string t = s.substr(s.find_first_not_of(' '));
    if (t == "inf") return kInfinity;
    if (t == "-inf") return -kInfinity;
    return std::stod(t);
  };
  r.min_open = text.front() == '(';
  r.max_open = text.back() == ')';
  r.min = bound(text.substr(1, comma - 1));
  r.max = bound(text.substr(comma + 1, text.size() - comma - 2));
  return r;
}

// The shortest decimal that reads back as the same double, without an exponent where it is
// readable that way ("550", "0.0001", "0.08333333333333333").
std::string shortest(double value) {
  char buffer[64];
  const bool fixed = value == 0.0 || (std::fabs(value) >= 1e-5 && std::fabs(value) < 1e7);
  for (int digits = fixed ? 0 : 1; digits <= (fixed ? 25 : 17); ++digits) {
    std::snprintf(buffer, sizeof buffer, fixed ? "%.*f" : "%.*g", digits, value);
    if (std::stod(buffer) == value) break;
  }
  return buffer;
}

// A TOML float: always with a '.' or an exponent.
std::string toml_float(double value) {
  std::string text = shortest(value);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

using SetNumber = void (*)(ScenarioConfig&, double);
using GetNumber = double (*)(const ScenarioConfig&);
using SetInteger = void (*)(ScenarioConfig&, int64_t);
using GetInteger = int64_t (*)(const ScenarioConfig&);
using SetChoice = void (*)(ScenarioConfig&, int);
using GetChoice = int (*)(const ScenarioConfig&);
using SetList = void (*)(ScenarioConfig&, const std::vector<double>&);
using GetList = std::vector<double> (*)(const ScenarioConfig&);
using SetText = void (*)(ScenarioConfig&, const std::string&);
using GetText = std::string (*)(const ScenarioConfig&);

ScenarioField base(const std::string& path, FieldKind kind, const std::string& doc) {
  ScenarioField f;
  const size_t dot = path.find('.');
  if (dot != std::string::npos) {
    f.section = path.substr(0, dot);
    f.key = path.substr(dot + 1);
  } else {
    f.key = path;
  }
  f.kind = kind;
  f.doc = doc;
  return f;
}

// A row's setter and getter over the FieldValue member its kind uses.
template <typename T, typename Set, typename Get>
void bind(ScenarioField& f, T FieldValue::*member, Set set, Get get) {
  f.set = [member, set](ScenarioConfig& c, const FieldValue& v) { set(c, v.*member); };
  f.get = [member, get](const ScenarioConfig& c) {
    FieldValue v;
    v.*member = get(c);
    return v;
  };
}

ScenarioField number(const std::string& path, const std::string& unit, FieldScale scale, double fallback,
                     const std::string& range, const std::string& doc, SetNumber set, GetNumber get) {
  ScenarioField f = base(path, FieldKind::Number, doc);
  f.unit = unit;
  f.scale = scale;
  f.fallback.number = fallback;
  f.range = interval(range);
  bind(f, &FieldValue::number, set, get);
  return f;
}

ScenarioField integer(const std::string& path, const std::string& unit, int64_t fallback, const std::string& range,
                      const std::string& doc, SetInteger set, GetInteger get) {
  ScenarioField f = base(path, FieldKind::Integer, doc);
  f.unit = unit;
  f.fallback.integer = fallback;
  f.range = interval(range);
  bind(f, &FieldValue::integer, set, get);
  return f;
}

// `choices` in the order of the enum they map to: the setter receives the index.
ScenarioField choice(const std::string& path, std::vector<std::string> choices, const std::string& fallback,
                     const std::string& doc, SetChoice set, GetChoice get) {
  ScenarioField f = base(path, FieldKind::Choice, doc);
  f.choices = std::move(choices);
  f.fallback.choice = -1;
  for (size_t i = 0; i < f.choices.size(); ++i)
    if (f.choices[i] == fallback) f.fallback.choice = static_cast<int>(i);
  if (f.fallback.choice < 0) throw std::logic_error("field table: " + path + " defaults to an unlisted choice");
  bind(f, &FieldValue::choice, set, get);
  return f;
}

ScenarioField number_list(const std::string& path, std::vector<double> fallback, const std::string& element_range,
                          int min_count, int max_count, const std::string& doc, SetList set, GetList get) {
  ScenarioField f = base(path, FieldKind::NumberList, doc);
  f.fallback.list = std::move(fallback);
  f.range = interval(element_range);
  f.list_min = min_count;
  f.list_max = max_count;
  bind(f, &FieldValue::list, set, get);
  return f;
}

// A file path with no default value (empty: not given); `example` is shown commented out.
ScenarioField file_path(const std::string& path, const std::string& example, const std::string& doc, SetText set,
                        GetText get) {
  ScenarioField f = base(path, FieldKind::Path, doc);
  f.example = example;
  bind(f, &FieldValue::text, set, get);
  return f;
}

const FieldScale kOne{1.0, false}, kKilo{1e3, false}, kMega{1e6, false}, kGiga{1e9, false}, kDecibel{1.0, true};

// Abdi et al. 2003 shadowed-Rician parameter sets (b0, m, Ω), ntn-tables.md; in the order of the
// choices of channel.shadowed_rician_set.
struct ShadowedRicianSet {
  double b0, m, omega;
};
const ShadowedRicianSet kShadowedRicianSets[] = {
    {0.063, 0.739, 8.97e-4},  // frequent-heavy
    {0.126, 10.1, 0.835},     // average
    {0.158, 19.4, 1.29}};     // infrequent-light

std::vector<ScenarioField> build_fields() {
  std::vector<ScenarioField> f;
  // Top level.
  f.push_back(integer("seed", "1", 1, "[0, inf)",
                      "instance i uses the random key (seed, 0, i); a sweep file states its own seed",
                      [](ScenarioConfig& c, int64_t v) { c.seed = static_cast<uint64_t>(v); },
                      [](const ScenarioConfig& c) { return static_cast<int64_t>(c.seed); }));
  f.back().details = "`leosem scenario --point P` keys by P; a sweep uses (seed, 0, i) at every point by default "
                     "(common random numbers, docs/sweeps.md).";

  // [orbit], MODEL §2.
  f.push_back(number("orbit.altitude_km", "km", kKilo, 550, "(0, 2000]", "circular orbit altitude (the Starlink shell) [paper]",
                     [](ScenarioConfig& c, double v) { c.params.altitude_m = v; },
                     [](const ScenarioConfig& c) { return c.params.altitude_m; }));
  f.push_back(number("orbit.min_elevation_deg", "degree", kOne, 10, "[0, 90)",
                     "slots where a UE sees the satellite lower than this are unusable (g = 0) [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.min_elevation_deg = v; },
                     [](const ScenarioConfig& c) { return c.params.min_elevation_deg; }));

  // [area], MODEL §2.
  f.push_back(number("area.radius_km", "km", kKilo, 100, "(0, 1000]", "UEs are uniform in a disc of this radius [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.area_radius_m = v; },
                     [](const ScenarioConfig& c) { return c.params.area_radius_m; }));
  f.push_back(number("area.cross_track_offset_min_km", "km", kKilo, 0, "[0, 3000]",
                     "the disc centre's offset from the ground track is uniform in [min, max], drawn per instance [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.cross_track_offset_min_m = v; },
                     [](const ScenarioConfig& c) { return c.params.cross_track_offset_min_m; }));
  f.push_back(number("area.cross_track_offset_max_km", "km", kKilo, 300, "[0, 3000]",
                     "the offset's upper end, >= cross_track_offset_min_km (beyond 3000 km no LEO pass is visible)",
                     [](ScenarioConfig& c, double v) { c.params.cross_track_offset_max_m = v; },
                     [](const ScenarioConfig& c) { return c.params.cross_track_offset_max_m; }));
  f.push_back(choice("area.beam_pointing", {"earth-fixed", "nadir", "steered"}, "steered",
                     "\"steered\" (a beam on each served UE, θ = 0) [chosen, MODEL §2], \"earth-fixed\" (one beam on "
                     "the disc centre) or \"nadir\"",
                     [](ScenarioConfig& c, int v) { c.params.beam_pointing = static_cast<BeamPointing>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.beam_pointing); }));
  f.back().details = "Steered: a phased array points a beam at each UE it serves, θ = 0 and G_sat = G_max. "
                     "Earth-fixed: one beam points at the disc centre all window and the pattern applies (UEs sit "
                     "7–10° off an 8.85° beam at closest approach, near the first null). Nadir: straight down.";

  // [time], MODEL §1.
  f.push_back(number("time.slot_duration_s", "s", kOne, 1, "(0, inf)", "τ [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.slot_duration_s = v; },
                     [](const ScenarioConfig& c) { return c.params.slot_duration_s; }));
  f.push_back(integer("time.slots", "slot", 240, "[1, 100000]",
                      "T: the window is centred on the closest approach to the disc centre [chosen]",
                      [](ScenarioConfig& c, int64_t v) { c.params.slots = static_cast<int32_t>(v); },
                      [](const ScenarioConfig& c) { return static_cast<int64_t>(c.params.slots); }));
  f.back().details = "The window (slots × slot_duration_s) must be shorter than half an orbit.";

  // [radio], MODEL §3.
  f.push_back(number("radio.carrier_ghz", "GHz", kGiga, 2, "(0, 40]",
                     "downlink carrier: S band (< 6 GHz) or Ka band (17-40 GHz), where TR 38.811 has tables [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.carrier_hz = v; },
                     [](const ScenarioConfig& c) { return c.params.carrier_hz; }));
  f.back().details = "Values between the bands are rejected; the S-band tables apply below 10 GHz, the Ka-band ones above.";
  f.push_back(number("radio.bandwidth_mhz", "MHz", kMega, 40, "(0, inf)", "B [paper]",
                     [](ScenarioConfig& c, double v) { c.params.bandwidth_hz = v; },
                     [](const ScenarioConfig& c) { return c.params.bandwidth_hz; }));
  f.push_back(integer("radio.subchannels", "1", 10, "[1, 10000]", "N, so B_sc = B/N (4 MHz) [chosen]",
                      [](ScenarioConfig& c, int64_t v) { c.params.subchannels = static_cast<int32_t>(v); },
                      [](const ScenarioConfig& c) { return static_cast<int64_t>(c.params.subchannels); }));
  f.push_back(number("radio.sat_max_gain_dbi", "dBi", kOne, 24, "[-30, 80]", "G_max [paper] (TR 38.821 Set-2 LEO S band)",
                     [](ScenarioConfig& c, double v) { c.params.sat_max_gain_dbi = v; },
                     [](const ScenarioConfig& c) { return c.params.sat_max_gain_dbi; }));
  f.push_back(number("radio.sat_aperture_radius_m", "m", kOne, 0.5, "(0, 100]",
                     "aperture radius a of the circular-aperture pattern [3GPP Set-2 S band: HPBW 8.85° at 2 GHz]",
                     [](ScenarioConfig& c, double v) { c.params.sat_aperture_radius_m = v; },
                     [](const ScenarioConfig& c) { return c.params.sat_aperture_radius_m; }));
  f.push_back(number("radio.ue_gain_dbi", "dBi", kOne, 0, "[-30, 80]", "UE antenna gain: handheld [3GPP]; a VSAT would be 39.7",
                     [](ScenarioConfig& c, double v) { c.params.ue_gain_dbi = v; },
                     [](const ScenarioConfig& c) { return c.params.ue_gain_dbi; }));
  f.push_back(number("radio.noise_psd_dbm_hz", "dBm/Hz", kOne, -174, "[-230, -100]", "N0 [paper]",
                     [](ScenarioConfig& c, double v) { c.params.noise_psd_dbm_hz = v; },
                     [](const ScenarioConfig& c) { return c.params.noise_psd_dbm_hz; }));
  f.push_back(number("radio.noise_figure_db", "dB", kOne, 0, "[0, 50]",
                     "UE noise figure [chosen; the paper lists only N0; TR 38.821 handheld: 7]",
                     [](ScenarioConfig& c, double v) { c.params.noise_figure_db = v; },
                     [](const ScenarioConfig& c) { return c.params.noise_figure_db; }));
  f.push_back(number("radio.max_power_dbw", "dBW", kDecibel, 17, "[-100, 60]", "per-slot power budget P_max = 50 W [paper]",
                     [](ScenarioConfig& c, double v) { c.params.max_power_w = v; },
                     [](const ScenarioConfig& c) { return c.params.max_power_w; }));

  // [channel], MODEL §3.
  f.push_back(choice("channel.environment", {"suburban-rural", "urban", "dense-urban", "los"}, "los",
                     "propagation environment: \"los\" [chosen, MODEL §3] or a TR 38.811 profile: \"suburban-rural\", "
                     "\"urban\", \"dense-urban\"",
                     [](ScenarioConfig& c, int v) { c.params.propagation = static_cast<PropagationScenario>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.propagation); }));
  f.back().alias = "scenario";
  f.back().details = "`\"los\"`: every UE in LOS, shadow fading with the suburban LOS σ_SF(ε), no clutter loss (the "
                     "clear-sky link). The TR 38.811 profiles draw LOS/NLOS with P_LOS(ε) and add clutter loss in "
                     "NLOS (stress profiles: with suburban held per UE about 25 % of instances have an NLOS UE no "
                     "scheme can serve). Deprecated name: `scenario` (still accepted; not both).";
  f.push_back(choice("channel.large_scale", {"per-ue", "per-slot"}, "per-ue",
                     "LOS state and shadowing: drawn \"per-ue\" and held for the window, or drawn \"per-slot\"",
                     [](ScenarioConfig& c, int v) { c.params.large_scale_hold = static_cast<LargeScaleHold>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.large_scale_hold); }));
  f.back().details = "Held per UE, the slot's elevation still sets P_LOS and σ_SF.";
  f.push_back(choice("channel.fading", {"none", "rician", "shadowed-rician"}, "rician",
                     "small-scale fading, unit mean power, i.i.d. per (UE, SC, slot)",
                     [](ScenarioConfig& c, int v) { c.params.fading = static_cast<FadingModel>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.fading); }));
  f.push_back(number("channel.rician_k_db", "dB", kOne, 10, "[-50, 50]", "Rician K-factor [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.rician_k_db = v; },
                     [](const ScenarioConfig& c) { return c.params.rician_k_db; }));
  f.push_back(choice("channel.shadowed_rician_set", {"frequent-heavy", "average", "infrequent-light"}, "average",
                     "Abdi et al. 2003 parameter set (b0, m, Ω) of the shadowed-Rician fading",
                     [](ScenarioConfig& c, int v) {
                       c.params.sr_b0 = kShadowedRicianSets[v].b0;
                       c.params.sr_m = kShadowedRicianSets[v].m;
                       c.params.sr_omega = kShadowedRicianSets[v].omega;
                     },
                     [](const ScenarioConfig& c) {
                       for (int i = 0; i < 3; ++i)
                         if (c.params.sr_b0 == kShadowedRicianSets[i].b0 && c.params.sr_m == kShadowedRicianSets[i].m &&
                             c.params.sr_omega == kShadowedRicianSets[i].omega)
                           return i;
                       return -1;  // a set not in the table (set in code)
                     }));
  f.back().details = "`\"frequent-heavy\"` (0.063, 0.739, 8.97e-4), `\"average\"` (0.126, 10.1, 0.835), "
                     "`\"infrequent-light\"` (0.158, 19.4, 1.29).";

  // [users], MODEL §4, §8.
  f.push_back(integer("users.count", "1", 8, "[1, 100000]", "K, the UEs [chosen]; K <= N·T (each UE needs a resource)",
                      [](ScenarioConfig& c, int64_t v) { c.params.users = static_cast<int32_t>(v); },
                      [](const ScenarioConfig& c) { return static_cast<int64_t>(c.params.users); }));
  f.push_back(choice("users.images_distribution", {"poisson", "fixed"}, "poisson",
                     "images per UE: \"poisson\" with mean images_mean, or \"fixed\" (exactly images_mean) [chosen]",
                     [](ScenarioConfig& c, int v) { c.params.images_distribution = static_cast<ImagesDistribution>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.images_distribution); }));
  f.push_back(number("users.images_mean", "1", kOne, 50000, "(0, 1e9]",
                     "mean images per UE (a whole number when \"fixed\") [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.images_mean = v; },
                     [](const ScenarioConfig& c) { return c.params.images_mean; }));
  f.push_back(number("users.ssim_mean", "1", kOne, 0.75, "(0, 1)", "SSIM requirement ξ_k uniform in mean ± halfwidth [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.ssim_mean = v; },
                     [](const ScenarioConfig& c) { return c.params.ssim_mean; }));
  f.push_back(number("users.ssim_halfwidth", "1", kOne, 0.05, "[0, 0.5)",
                     "half-width of ξ_k; mean ± halfwidth must stay inside (0, 1)",
                     [](ScenarioConfig& c, double v) { c.params.ssim_halfwidth = v; },
                     [](const ScenarioConfig& c) { return c.params.ssim_halfwidth; }));
  f.push_back(number("users.deadline_mean_slots", "slot", kOne, 60, "[1, inf)",
                     "deadline T_k: an integer uniform in mean·(1 ± spread), rounded [chosen]",
                     [](ScenarioConfig& c, double v) { c.params.deadline_mean_slots = v; },
                     [](const ScenarioConfig& c) { return c.params.deadline_mean_slots; }));
  f.back().details = "T_k is uniform in [round(mean·(1−s)), round(mean·(1+s))]; the UE may use slots t < T_k "
                     "(0-based). The latest deadline must fit the window, the earliest be at least one slot.";
  f.push_back(number("users.deadline_spread", "1", kOne, 0.2, "[0, 1)", "s, the deadline's relative spread",
                     [](ScenarioConfig& c, double v) { c.params.deadline_spread = v; },
                     [](const ScenarioConfig& c) { return c.params.deadline_spread; }));
  f.push_back(choice("users.deadline_origin", {"window-start", "closest-approach"}, "window-start",
                     "where deadlines count from: the window's first slot, or closest approach (slot slots/2) [chosen]",
                     [](ScenarioConfig& c, int v) { c.params.deadline_origin = static_cast<DeadlineOrigin>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.params.deadline_origin); }));
  f.back().details = "With \"closest-approach\" T_k = slots/2 + the drawn deadline: every UE may use the slots before "
                     "closest approach too, and a longer deadline adds only slots after it (the satellite receding). "
                     "A variant of Fig. 4 (results/robustness.md), so that its effect is not the window's placement.";

  // [jscc], MODEL §4.
  f.push_back(number("jscc.image_values", "1", kOne, 12288, "[1, 1e9]", "n_img, real values per image: a 64×64×3 EuroSAT tile [paper]",
                     [](ScenarioConfig& c, double v) { c.params.image_values = v; },
                     [](const ScenarioConfig& c) { return c.params.image_values; }));
  f.push_back(number_list("jscc.compression_ratios", {1.0 / 40, 1.0 / 20, 1.0 / 16, 1.0 / 12, 1.0 / 8, 1.0 / 4}, "(0, 1]", 1,
                          kMaxOptions, "the JSCC options ρ_l, 1/40 … 1/4 [lit], strictly ascending",
                          [](ScenarioConfig& c, const std::vector<double>& v) {
                            c.params.options = static_cast<int32_t>(v.size());
                            for (size_t l = 0; l < v.size(); ++l) c.params.compression_ratios[l] = v[l];
                          },
                          [](const ScenarioConfig& c) {
                            return std::vector<double>(c.params.compression_ratios,
                                                       c.params.compression_ratios + c.params.options);
                          }));
  f.back().details = "Each must lie in the quality model's ρ range.";

  // [quality], MODEL §5 (docs/quality-models.md).
  f.push_back(choice("quality.jscc_model", {"logistic", "grid"}, "logistic",
                     "JSCC expected SSIM f(ρ, SNR): the \"logistic\" surrogate [chosen, MODEL §5.1] or a measured \"grid\"",
                     [](ScenarioConfig& c, int v) { c.quality.jscc_kind = static_cast<QualityKind>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.quality.jscc_kind); }));
  f.push_back(number("quality.logistic_floor_base", "1", kOne, 0.35, "[0, 1]", "a0: the floor at rho_min",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.floor_base = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.floor_base; }));
  f.push_back(number("quality.logistic_floor_slope", "1", kOne, 0.15, "[0, inf)", "a1: the floor's rise from rho_min to rho_max",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.floor_slope = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.floor_slope; }));
  f.push_back(number("quality.logistic_ceiling_base", "1", kOne, 0.70, "[0, 1]", "b0: the ceiling at rho_min",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.ceiling_base = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.ceiling_base; }));
  f.push_back(number("quality.logistic_ceiling_slope", "1", kOne, 0.27, "[0, inf)",
                     "b1: the ceiling's rise from rho_min to rho_max (ceiling_base + ceiling_slope <= 1)",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.ceiling_slope = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.ceiling_slope; }));
  f.push_back(number("quality.logistic_centre_db", "dB", kOne, -2.0, "[-100, 100]", "c: the SNR at the logistic's midpoint",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.centre_db = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.centre_db; }));
  f.push_back(number("quality.logistic_width_db", "dB", kOne, 2.5, "(0, inf)", "w: the logistic's width",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.width_db = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.width_db; }));
  f.push_back(number("quality.logistic_rho_min", "1", kOne, 1.0 / 40, "(0, 1]", "ρ at u = 0",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.rho_min = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.rho_min; }));
  f.push_back(number("quality.logistic_rho_max", "1", kOne, 1.0 / 4, "(0, 1]", "ρ at u = 1, > logistic_rho_min",
                     [](ScenarioConfig& c, double v) { c.quality.logistic.rho_max = v; },
                     [](const ScenarioConfig& c) { return c.quality.logistic.rho_max; }));
  f.push_back(file_path("quality.grid_file", "my_jscc_grid.csv",
                        "a measured (rho, snr_db, ssim) grid: required with jscc_model = \"grid\", loaded and checked if given",
                        [](ScenarioConfig& c, const std::string& v) { c.quality.grid_file_as_written = v; },
                        [](const ScenarioConfig& c) { return c.quality.grid_file_as_written; }));
  f.push_back(number("quality.grid_monotone_tolerance", "1", kOne, kDefaultGridMonotoneTolerance, "[0, 0.1)",
                     "SSIM a grid may fall between neighbours",
                     [](ScenarioConfig& c, double v) { c.quality.grid_monotone_tolerance = v; },
                     [](const ScenarioConfig& c) { return c.quality.grid_monotone_tolerance; }));
  f.push_back(file_path("quality.jpeg_table", "table.csv",
                        "JPEG rate-quality table; default: the committed results/data/jpeg_table_aerial64.csv",
                        [](ScenarioConfig& c, const std::string& v) { c.quality.jpeg_table_as_written = v; },
                        [](const ScenarioConfig& c) { return c.quality.jpeg_table_as_written; }));
  f.push_back(choice("quality.jpeg_rate_basis", {"file", "scan"}, "file",
                     "Greedy JPEG's rate: \"file\" (whole JPEG file) or \"scan\" (entropy-coded data only)",
                     [](ScenarioConfig& c, int v) { c.quality.jpeg_rate_basis = static_cast<JpegRateBasis>(v); },
                     [](const ScenarioConfig& c) { return static_cast<int>(c.quality.jpeg_rate_basis); }));

  // [solvers], MODEL §7: the defaults are the solvers' own (solvers/solver_options.hpp).
  const SolverOptions solver_defaults;
  f.push_back(number("solvers.greedy_jscc_rho", "1", kOne, solver_defaults.greedy_rho, "(0, 1]",
                     "Greedy JSCC's single ratio, 1/12 (MODEL §7.2); the next larger option where it cannot reach ξ_k",
                     [](ScenarioConfig& c, double v) { c.solvers.greedy_rho = v; },
                     [](const ScenarioConfig& c) { return c.solvers.greedy_rho; }));
  f.back().details = "The smallest option >= it is used. JCRRA starts from Greedy JSCC's solution.";
  f.push_back(number("solvers.milp_time_limit_s", "s", kOne, solver_defaults.milp_time_limit_s, "(0, 86400]", "exact: CBC's wall-clock limit per instance",
                     [](ScenarioConfig& c, double v) { c.solvers.milp_time_limit_s = v; },
                     [](const ScenarioConfig& c) { return c.solvers.milp_time_limit_s; }));
  f.back().details = "`leosem solve --milp-time-limit` overrides it.";
  f.push_back(integer("solvers.jcrra_max_iterations", "1", solver_defaults.jcrra.max_sca_iterations, "[0, 100000]",
                      "JCRRA: SCA iterations at most (0: Greedy JSCC plus the repair only)",
                      [](ScenarioConfig& c, int64_t v) { c.solvers.jcrra.max_sca_iterations = static_cast<int>(v); },
                      [](const ScenarioConfig& c) { return static_cast<int64_t>(c.solvers.jcrra.max_sca_iterations); }));
  f.push_back(number("solvers.jcrra_tolerance", "1", kOne, solver_defaults.jcrra.tolerance, "(0, 1)",
                     "JCRRA: stop when the relaxed objective changes by less (relative)",
                     [](ScenarioConfig& c, double v) { c.solvers.jcrra.tolerance = v; },
                     [](const ScenarioConfig& c) { return c.solvers.jcrra.tolerance; }));
  f.push_back(choice("solvers.jcrra_precision", {"fp64", "mixed"}, solver_defaults.jcrra.mixed_precision ? "mixed" : "fp64",
                     "JCRRA: the relaxed iterate in \"fp64\" or \"mixed\" (FP32 storage, FP64 sums)",
                     [](ScenarioConfig& c, int v) { c.solvers.jcrra.mixed_precision = v == 1; },
                     [](const ScenarioConfig& c) { return c.solvers.jcrra.mixed_precision ? 1 : 0; }));
  f.back().details = "With \"mixed\" x is stored in FP32 (half the memory); sums, duals, steps and the final powers "
                     "stay FP64 (docs/jcrra.md §11).";
  return f;
}

std::string markdown_cell(std::string text) {
  for (size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) text.insert(at, "\\");
  return text;
}

}  // namespace

double FieldScale::to_si(double value) const { return factor * (decibel ? db_to_linear(value) : value); }
double FieldScale::from_si(double value_si) const {
  return decibel ? linear_to_db(value_si / factor) : value_si / factor;
}

bool FieldRange::contains(double value) const {
  const bool above_min = min_open ? value > min : value >= min;
  const bool below_max = max_open ? value < max : value <= max;
  return above_min && below_max;
}

std::string FieldRange::text() const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  if (has_min && has_max)
    return std::string("in ") + (min_open ? "(" : "[") + shortest(min) + ", " + shortest(max) + (max_open ? ")" : "]");
  if (has_min) return std::string(min_open ? "> " : ">= ") + shortest(min);
  if (has_max) return std::string(max_open ? "< " : "<= ") + shortest(max);
  return "any";
}

std::string ScenarioField::default_text() const {
  switch (kind) {
    case FieldKind::Number:
      return toml_float(fallback.number);
    case FieldKind::Integer:
      return std::to_string(fallback.integer);
    case FieldKind::Choice:
      return "\"" + choices[fallback.choice] + "\"";
    case FieldKind::NumberList: {
      std::string text = "[";
      for (size_t i = 0; i < fallback.list.size(); ++i) text += (i ? ", " : "") + toml_float(fallback.list[i]);
      return text + "]";
    }
    case FieldKind::Path:
      return "";
  }
  return "";
}

std::string ScenarioField::valid_text() const {
  switch (kind) {
    case FieldKind::Number:
      return range.text();
    case FieldKind::Integer:
      return "integer " + range.text();
    case FieldKind::Choice: {
      std::string text;
      for (const std::string& c : choices) text += (text.empty() ? "" : ", ") + ("`\"" + c + "\"`");
      return text;
    }
    case FieldKind::NumberList:
      return std::to_string(list_min) + " to " + std::to_string(list_max) + " values, each " + range.text();
    case FieldKind::Path:
      return "a file path, relative to the scenario file";
  }
  return "";
}

const std::vector<ScenarioSection>& scenario_sections() {
  static const std::vector<ScenarioSection> sections{
      {"", "", ""},
      {"orbit", "", ""},
      {"area", "", ""},
      {"time", "", ""},
      {"radio", "", ""},
      {"channel", "",
       "Table values between the 10° rows are interpolated linearly in elevation (ns-3 and OpenNTN round to the "
       "nearest row); outside 10°–90° the end rows apply."},
      {"users", "", ""},
      {"jscc", "", "Required resources per UE and option (MODEL eq. 6): D_k(ρ) = ceil(|I_k|·ρ·n_img/(B_sc·τ))."},
      {"quality", "quality models, docs/quality-models.md",
       "The models themselves: docs/quality-models.md. The logistic parameters are checked even when the grid is "
       "selected (a_0 + a_1 < b_0 + b_1 <= 1, a_0 < b_0), and a given `grid_file` is loaded and checked even when "
       "the logistic family is selected, so that switching models never meets a broken half. Every "
       "`[jscc] compression_ratios` entry must lie in the selected model's ρ domain."},
      {"solvers", "algorithm settings, MODEL §7", ""},
  };
  return sections;
}

const std::vector<ScenarioField>& scenario_fields() {
  static const std::vector<ScenarioField> fields = build_fields();
  return fields;
}

const ScenarioField* find_scenario_field(const std::string& path) {
  for (const ScenarioField& f : scenario_fields())
    if (f.path() == path || (!f.alias.empty() && f.section + "." + f.alias == path)) return &f;
  return nullptr;
}

std::string scenario_field_unit(const std::string& path) {
  const ScenarioField* f = find_scenario_field(path);
  return f ? f->unit : "1";
}

void apply_field_defaults(ScenarioConfig& config) {
  for (const ScenarioField& f : scenario_fields()) {
    FieldValue v = f.fallback;
    if (f.kind == FieldKind::Number) v.number = f.scale.to_si(v.number);
    f.set(config, v);
  }
  config.params.band = config.params.carrier_hz < 10e9 ? Band::S : Band::Ka;
}

void reject_field(const std::string& path, double value_si, const std::string& reason) {
  const ScenarioField* f = find_scenario_field(path);
  if (!f) throw std::logic_error("reject_field: no field " + path);
  const double value = f->kind == FieldKind::Number ? f->scale.from_si(value_si) : value_si;
  reject(path, value, reason + (f->unit == "1" ? "" : " (" + f->unit + ")"));
}

std::string default_scenario_toml() {
  std::ostringstream out;
  out << "# leosem default scenario: every field at its default (MODEL.md §8). Any field may be omitted\n"
         "# (it then takes the value shown); unknown keys are errors. Field reference: docs/configuration.md.\n"
         "# Generated by `leosem scenario --print-fields toml` from host/scenario/field_table.cpp: edit the\n"
         "# table there, then run tools/update-config-reference.sh.\n"
         "# [paper] = stated in the source paper; [3GPP] = TR 38.811/38.821; [chosen] = our default.\n";
  auto line = [&](const std::string& setting, const std::string& comment) {
    std::string text = setting;
    if (!comment.empty()) text += std::string(text.size() < 34 ? 34 - text.size() : 1, ' ') + "# " + comment;
    out << text << "\n";
  };
  for (const ScenarioSection& s : scenario_sections()) {
    out << "\n";
    if (!s.name.empty()) line("[" + s.name + "]", s.comment);
    for (const ScenarioField& f : scenario_fields()) {
      if (f.section != s.name) continue;
      if (f.kind == FieldKind::Path) line("# " + f.key + " = \"" + f.example + "\"", f.doc);
      else line(f.key + " = " + f.default_text(), f.doc);
    }
  }
  return out.str();
}

std::string scenario_fields_markdown() {
  std::ostringstream out;
  out << kFieldsMarkdownBegin << "\n";
  for (const ScenarioSection& s : scenario_sections()) {
    out << "\n" << (s.name.empty() ? std::string("## Top level") : "## `[" + s.name + "]`") << "\n\n";
    out << "| field | unit | default | valid | meaning |\n|---|---|---|---|---|\n";
    for (const ScenarioField& f : scenario_fields()) {
      if (f.section != s.name) continue;
      std::string meaning = f.doc + (f.details.empty() ? "" : ". " + f.details);
      const bool has_unit = f.kind == FieldKind::Number || f.kind == FieldKind::Integer || f.kind == FieldKind::NumberList;
      out << "| `" << f.key << "` | " << (has_unit ? f.unit : "—") << " | "
          << (f.kind == FieldKind::Path ? std::string("(none)") : "`" + f.default_text() + "`") << " | "
          << markdown_cell(f.valid_text()) << " | " << markdown_cell(meaning) << " |\n";
    }
    if (!s.note.empty()) out << "\n" << s.note << "\n";
  }
  out << "\n" << kFieldsMarkdownEnd << "\n";
  return out.str();
}

}  // namespace leosem
