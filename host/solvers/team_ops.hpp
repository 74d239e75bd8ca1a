// Team primitives of JCRRA (solvers/jcrra.hpp), free of JCRRA's own types: the Euclidean
// projections onto the capped simplex and the option simplex, fixed-order chunked sums, and a
// cooperative merge sort in sort_before's total order. Host-device, no allocation.
#pragma once
#include "model/scenario_params.hpp"
#include "solvers/core_common.hpp"
#include "solvers/team.hpp"

namespace leosem {

// max/min without libm's NaN rules (fmax/fmin are library calls on x86-64 without
// -ffinite-math-only); the inputs here are never NaN.
LEOSEM_HD double max_of(double a, double b) { return a > b ? a : b; }
LEOSEM_HD double min_of(double a, double b) { return a < b ? a : b; }
LEOSEM_HD double clip01(double y) { return y < 0.0 ? 0.0 : (y > 1.0 ? 1.0 : y); }

// ---- projections ----

// The threshold θ of the Euclidean projection onto the probability simplex (Held et al.):
// the projection is max(y_i − θ, 0). Sorts a copy of y[0..count) into `scratch` (descending).
LEOSEM_HD double simplex_threshold(const double* y, int count, double* scratch) {
  for (int i = 0; i < count; ++i) {
    const double value = y[i];
    int j = i - 1;
    while (j >= 0 && scratch[j] < value) {
      scratch[j + 1] = scratch[j];
      --j;
    }
    scratch[j + 1] = value;
  }
  double partial = 0.0, theta = 0.0;
  for (int i = 0; i < count; ++i) {
    partial += scratch[i];
    const double candidate = (partial - 1.0) / (i + 1);
    if (scratch[i] - candidate > 0.0) theta = candidate;
  }
  return theta;
}

// The Euclidean projection of a (UE, slot) column onto {0 <= x <= 1, Σ x <= 1} (C2 and the box)
// is its clip to [0, 1] when the clipped sum is <= 1 (pdhg_step checks that as it updates the
// column), else its projection onto the probability simplex (whose entries are <= 1 anyway):
// project_simplex_michelot, in place and with no scratch (one item of the x-step projects one
// column). The threshold θ > 0 is found by Michelot's iteration from θ = 0:
// θ ← (Σ_{y>θ} y − 1)/#{y>θ} rises monotonically to the simplex threshold and stops when the
// active set stops changing (at most count passes). Zeros (unusable entries) stay zero.
template <class Real>
LEOSEM_HD void project_simplex_michelot(Real* y, int count, int stride) {
  double theta = 0.0;
  for (int pass = 0; pass <= count; ++pass) {
    double sum = 0.0;
    int active = 0;
    for (int i = 0; i < count; ++i)
      if (y[i * stride] > theta) {
        sum += static_cast<double>(y[i * stride]);
        ++active;
      }
    const double next = (sum - 1.0) / active;  // active >= 1: θ stays below max y
    if (!(next > theta)) break;
    theta = next;
  }
  for (int i = 0; i < count; ++i) y[i * stride] = static_cast<Real>(max_of(static_cast<double>(y[i * stride]) - theta, 0.0));
}

// Projection of s[0..L) onto the simplex restricted to the entries with allowed[l] (the others
// are set to 0).
LEOSEM_HD void project_option_simplex(double* s, const double* snr_lin_k, int options) {
  double values[kMaxOptions];
  int count = 0;
  for (int l = 0; l < options; ++l)
    if (snr_lin_k[l] >= 0.0) values[count++] = s[l];
  double scratch[kMaxOptions];
  const double theta = simplex_threshold(values, count, scratch);
  for (int l = 0; l < options; ++l) s[l] = snr_lin_k[l] >= 0.0 ? fmax(s[l] - theta, 0.0) : 0.0;
}

// ---- a sort for teams ----

// One segment of a merge pass of the team sorts: runs of `width` sorted items (positions
// 0..count of the pass's input) merged pairwise into runs of 2·width; the segment is the
// kSumChunk outputs from segment·kSumChunk (pairs span a multiple of kSumChunk outputs, so a
// segment stays in one pair). Merge path: a binary search finds where the segment starts in the
// two runs. before(a, b): the item at input position a precedes the one at b; emit(o, src):
// output o takes the item at input position src.
template <class Before, class Emit>
LEOSEM_HD void merge_path_segment(int segment, int width, int count, const Before& before, const Emit& emit) {
  const int out_first = segment * kSumChunk;
  const int a_first = out_first / (2 * width) * (2 * width);
  const int a_count = width < count - a_first ? width : count - a_first;
  const int b_first = a_first + a_count;
  const int b_count = width < count - b_first ? width : count - b_first;
  const int d = out_first - a_first;  // outputs of this pair before the segment
  // i = how many of run A precede output d: the first mid where A[mid] does not precede B[d-1-mid].
  int lo = d > b_count ? d - b_count : 0, hi = d < a_count ? d : a_count;
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (before(a_first + mid, b_first + d - 1 - mid)) lo = mid + 1;
    else hi = mid;
  }
  int i = lo, j = d - lo;
  const int out_last = out_first + kSumChunk < count ? out_first + kSumChunk : count;
  for (int o = out_first; o < out_last; ++o) {
    const bool take_a = j >= b_count || (i < a_count && before(a_first + i, b_first + j));
    emit(o, take_a ? a_first + i++ : b_first + j++);
  }
}

// Sorts index[0..count) so that key[] is descending, ties by index ascending (sort_before: a
// strict total order, so the result is the same for every team and every correct sort):
// runs of kSumChunk sorted by insertion, one item each; then runs merged pairwise, doubling,
// each merge cut into segments of kSumChunk outputs (merge path: a binary search finds where a
// segment starts in the two runs), one item per segment. Ping-pongs between `index` and
// `buffer` (both [count]); returns the one holding the result.
template <class Team>
LEOSEM_HD int* team_sort_descending(const Team& team, int* index, int* buffer, int count, const double* key) {
  const int runs = chunks_for(count);
  team.for_each(runs, [&](int run) {
    const int first = run * kSumChunk, last = first + kSumChunk < count ? first + kSumChunk : count;
    for (int i = first + 1; i < last; ++i) {
      const int value = index[i];
      int j = i - 1;
      for (; j >= first && sort_before(key, value, index[j]); --j) index[j + 1] = index[j];
      index[j + 1] = value;
    }
  });
  team.sync();
  int* from = index;
  int* to = buffer;
  for (int width = kSumChunk; width < count; width *= 2) {
    team.for_each(runs, [&](int segment) {
      merge_path_segment(
          segment, width, count, [&](int a, int b) { return sort_before(key, from[a], from[b]); },
          [&](int o, int src) { to[o] = from[src]; });
    });
    team.sync();
    int* swap = from;
    from = to;
    to = swap;
  }
  return from;
}

// (key, index) pairs: `a` before `b` in the descending order, ties by index ascending (the
// order of sort_before, on values instead of through an index).
LEOSEM_HD bool pair_before(double key_a, int index_a, double key_b, int index_b) {
  if (key_a != key_b) return key_a > key_b;
  return index_a < index_b;
}

// team_sort_descending on pairs held side by side (key[i], index[i]): the same runs, merges and
// result order, but every comparison reads two values instead of two keys through an index
// (cache-friendly when the keys would be scattered). Ping-pongs with (key_buffer,
// index_buffer); returns true if the result is in (key, index), false if in the buffers.
template <class Team>
LEOSEM_HD bool team_sort_pairs_descending(const Team& team, double* key, int* index, double* key_buffer,
                                          int* index_buffer, int count) {
  const int runs = chunks_for(count);
  team.for_each(runs, [&](int run) {
    const int first = run * kSumChunk, last = first + kSumChunk < count ? first + kSumChunk : count;
    for (int i = first + 1; i < last; ++i) {
      const double value_key = key[i];
      const int value_index = index[i];
      int j = i - 1;
      for (; j >= first && pair_before(value_key, value_index, key[j], index[j]); --j) {
        key[j + 1] = key[j];
        index[j + 1] = index[j];
      }
      key[j + 1] = value_key;
      index[j + 1] = value_index;
    }
  });
  team.sync();
  double* from_key = key;
  int* from = index;
  double* to_key = key_buffer;
  int* to = index_buffer;
  bool in_place = true;
  for (int width = kSumChunk; width < count; width *= 2) {
    team.for_each(runs, [&](int segment) {
      merge_path_segment(
          segment, width, count, [&](int a, int b) { return pair_before(from_key[a], from[a], from_key[b], from[b]); },
          [&](int o, int src) {
            to_key[o] = from_key[src];
            to[o] = from[src];
          });
    });
    team.sync();
    double* swap_key = from_key;
    from_key = to_key;
    to_key = swap_key;
    int* swap = from;
    from = to;
    to = swap;
    in_place = !in_place;
  }
  return in_place;
}

// ---- fixed-order sums ----

// result[k] = Σ_{j < length} value(k, j) for k < segments: chunks of kSumChunk consecutive j
// summed left to right by one item each, then the chunk sums left to right. Two phases.
template <class Team, class Value>
LEOSEM_HD void chunked_sums(const Team& team, int segments, int length, const Value& value, double* chunk_sum,
                            double* result) {
  const int chunks = chunks_for(length);
  team.for_each(segments * chunks, [&](int item) {
    const int k = item / chunks, first = (item % chunks) * kSumChunk;
    const int last = first + kSumChunk < length ? first + kSumChunk : length;
    double sum = 0.0;
    for (int j = first; j < last; ++j) sum += value(k, j);
    chunk_sum[item] = sum;
  });
  team.sync();
  team.for_each(segments, [&](int k) {
    double sum = 0.0;
    for (int c = 0; c < chunks; ++c) sum += chunk_sum[k * chunks + c];
    result[k] = sum;
  });
  team.sync();
}

// result[k] = Σ_{first[k] <= j < first[k+1]} value(j) for k < segments (segments of different
// lengths, each at most max_length): chunks of kSumChunk counted from each segment's start, one
// item each, then the chunk sums left to right. Two phases; chunk_sum holds
// segments·chunks_for(max_length).
template <class Team, class Value>
LEOSEM_HD void segmented_sums(const Team& team, int segments, const int* first, int max_length, const Value& value,
                              double* chunk_sum, double* result) {
  const int chunks = chunks_for(max_length);
  team.for_each(segments * chunks, [&](int item) {
    const int k = item / chunks, begin = first[k] + (item % chunks) * kSumChunk;
    const int end = begin + kSumChunk < first[k + 1] ? begin + kSumChunk : first[k + 1];
    double sum = 0.0;
    for (int j = begin; j < end; ++j) sum += value(j);
    chunk_sum[item] = sum;
  });
  team.sync();
  team.for_each(segments, [&](int k) {
    const int used = chunks_for(first[k + 1] - first[k]);
    double sum = 0.0;
    for (int c = 0; c < used; ++c) sum += chunk_sum[k * chunks + c];
    result[k] = sum;
  });
  team.sync();
}

}  // namespace leosem
