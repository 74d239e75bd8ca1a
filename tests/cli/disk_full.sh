#!/usr/bin/env bash
# A full disk (issue 12): a sweep whose disk fills ends in a clear error (exit 4, "No space left on
# device"), never in a file that looks complete, and what it leaves either is nothing or a .partial
# that `--resume` completes, once there is room, into the results of an uninterrupted run (but
# see check_failed_run for the one window where the .partial is lost).
# Two ways: a disk that fills after N bytes written (an LD_PRELOAD shim, tests/cli/lib/full_disk.c;
# N spread over the whole run, so the failure lands in the creation, the blocks, the summary and
# the close), and a real tmpfs of growing sizes (root only; skipped with a message otherwise).
set -euo pipefail
leosem="$1"
full_disk="${LEOSEM_FULL_DISK_LIB:?the shim tests/cli/lib/full_disk.c, built as leosem_full_disk (tests/CMakeLists.txt)}"
work="$(mktemp -d)"
mnt="$work/disk"
cleanup() {
  mountpoint -q "$mnt" 2> /dev/null && umount "$mnt"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/small_scenario.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/same_results.sh"
write_small_sweep "$work"
run() { "$leosem" run "$work/s.toml" --block 100 "$@"; }
run --out "$work/done.h5" 2> /dev/null

# A failed run: exit 4 naming the cause, no final file. Then, with room again, `--resume` completes
# into the results of the uninterrupted run: continuing the .partial (its chunks that the failed
# write cut short reset, their instances computed again), or afresh when none was left. The one
# exception: a write failing while the finished file is marked complete (the run's only metadata
# writes) may leave a .partial HDF5 cannot open, which --resume must refuse clearly (exit 4, no
# output). Prints "resumed N done[, chunks reset]", "started afresh" or "refused (failed while
# marking complete)".
check_failed_run() {  # what, out, rc, err file
  local what="$1" out="$2" rc="$3" err="$4"
  [ "$rc" -eq 4 ] || fail "$what: exit $rc, expected 4 (I/O; 139 was the crash): $(cat "$err")"
  # leosem's own last word names the cause, not a later symptom (a checksum error in a chunk cut short).
  tail -n 1 "$err" | grep -q "^leosem: error: .*No space left on device" || fail "$what: unclear error: $(cat "$err")"
  if grep -q "HDF5-DIAG" "$err"; then fail "$what: HDF5's own error dump reached the terminal"; fi
  [ ! -e "$out" ] || fail "$what: a failed run left a file that looks complete"
  local left=0 resumed=0
  [ -e "$out.partial" ] && left=1
  run --out "$out" --resume 2> "$work/resume.txt" || resumed=$?
  if [ "$resumed" -ne 0 ]; then
    tail -n 1 "$err" | grep -q "^leosem: error: marking '.*' complete: " ||
      fail "$what: the resume failed (exit $resumed): $(cat "$work/resume.txt")"
    [ "$left" -eq 1 ] && [ "$resumed" -eq 4 ] || fail "$what: the resume failed (exit $resumed): $(cat "$work/resume.txt")"
    grep -q "the file is damaged: delete it and run again without --resume" "$work/resume.txt" ||
      fail "$what: the resume failed unclearly: $(cat "$work/resume.txt")"
    [ ! -e "$out" ] || fail "$what: a refused resume left a file that looks complete"
    echo "refused (failed while marking complete)"
    return
  fi
  "$leosem" verify "$out" > /dev/null || fail "$what: the resumed output does not verify"
  same_results "$work/done.h5" "$out"
  if [ "$left" -eq 1 ]; then
    local kept reset=""
    kept="$(sed -n 's/.*resuming with \([0-9]*\) done.*/\1/p' "$work/resume.txt")"
    grep -q "reset to 'not computed'" "$work/resume.txt" && reset=", chunks reset"
    echo "resumed ${kept:-0} done$reset"
  else
    echo "started afresh"
  fi
}

# The injected full disk, at N points (LEOSEM_DISK_FULL_POINTS, default 24) spread over the bytes an
# uninterrupted run writes.
LD_PRELOAD="$full_disk" LEOSEM_FULL_DISK_REPORT="$work/total.txt" run --out "$work/counted.h5" 2> /dev/null
total="$(cat "$work/total.txt")"
[ "$total" -gt 10000 ] || fail "the shim counted $total bytes written: is it preloaded?"
same_results "$work/done.h5" "$work/counted.h5"
afresh=0 kept=0 repaired=0 refused=0
points="${LEOSEM_DISK_FULL_POINTS:-24}"
for step in $(seq 0 $((points - 1))); do
  limit=$((total * step / points))
  rm -f "$work/x.h5" "$work/x.h5.partial"
  rc=0
  LD_PRELOAD="$full_disk" LEOSEM_FULL_DISK_BYTES="$limit" run --out "$work/x.h5" 2> "$work/err.txt" || rc=$?
  outcome="$(check_failed_run "full after $limit of $total bytes" "$work/x.h5" "$rc" "$work/err.txt")"
  echo "disk-full: full after $limit of $total bytes: exit $rc, $outcome"
  case "$outcome" in started*) afresh=$((afresh + 1)) ;; resumed\ [1-9]*) kept=$((kept + 1)) ;; esac
  case "$outcome" in *"chunks reset") repaired=$((repaired + 1)) ;; esac
  case "$outcome" in refused*) refused=$((refused + 1)) ;; esac
done
[ "$kept" -gt 0 ] || fail "no injected failure left a .partial with work done: the mid-run case was not exercised"
[ "$repaired" -gt 0 ] || fail "no injected failure cut a chunk short: the repair on resume was not exercised"

# A real full disk: tmpfs of growing sizes.
if [ "$(id -u)" -ne 0 ] || ! { mkdir -p "$mnt" && mount -t tmpfs -o size=8k tmpfs "$mnt" 2> /dev/null; }; then
  echo "disk-full: tmpfs checks skipped (mounting a tmpfs needs root)"
else
  full=0
  for size in 8k 16k 24k 32k 40k 48k 56k 64k 80k 96k 128k; do
    rm -rf "${mnt:?}"/*
    mount -o remount,size="$size" "$mnt"
    rc=0
    run --out "$mnt/x.h5" 2> "$work/err.txt" || rc=$?
    if [ "$rc" -ne 0 ]; then
      full=$((full + 1))
      mount -o remount,size=8m "$mnt"
      echo "disk-full: tmpfs of $size: exit $rc, $(check_failed_run "tmpfs of $size" "$mnt/x.h5" "$rc" "$work/err.txt")"
    else
      "$leosem" verify "$mnt/x.h5" > /dev/null || fail "tmpfs of $size: the output does not verify"
      same_results "$work/done.h5" "$mnt/x.h5"
    fi
  done
  [ "$full" -gt 0 ] || fail "no tmpfs size was too small: the disk-full path was not exercised"
  echo "disk-full: $full of 11 tmpfs sizes were full; each ended in a clear error"
fi
echo "disk-full CLI: all checks passed; of $points injected failures, $afresh started afresh (nothing left), $kept" \
  "resumed keeping work done before the disk filled, $repaired resumed after resetting chunks cut short, and" \
  "$refused failed while marking the file complete and left a .partial that --resume refused" \
  "(docs/testing.md#a-full-disk)"
