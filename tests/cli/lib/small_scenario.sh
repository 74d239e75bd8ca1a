# Sourced by tests/cli/*.sh: the small scenario (3 UEs, 3 SCs, 40 slots) the CLI sweep tests share, a
# sweep of it, and expect_exit.
write_small_scenario() {  # path
  cat > "$1" <<'TOML'
[users]
count = 3
deadline_mean_slots = 20
[radio]
subchannels = 3
[time]
slots = 40
TOML
}

# The sweeps below test the machinery, with the lower bound off (lower_bound = false); sweep.sh runs
# the default, bound on.
# The 900-instance Greedy JSCC sweep over it (reliability.sh, disk_full.sh): writes DIR/base.toml and DIR/s.toml.
write_small_sweep() {  # dir
  write_small_scenario "$1/base.toml"
  printf 'scenario = "base.toml"\ninstances = 900\nalgorithms = ["greedy-jscc"]\nlower_bound = false\nseed = 7\n' > "$1/s.toml"
}

write_ssim_sweep() {  # path, name, instances: a sweep of the small scenario (base.toml beside it) over users.ssim_mean
  cat > "$1" <<TOML
name = "$2"
scenario = "base.toml"
instances = $3
algorithms = ["greedy-jscc", "greedy-jpeg"]
lower_bound = false
seed = 4
[[axis]]
field = "users.ssim_mean"
values = [0.7, 0.8]
TOML
}

# Runs $leosem expecting exit code $1; the rest are its arguments (stdout in $work/out.txt, stderr
# in $work/err.txt). Needs $leosem, $work and fail().
expect_exit() {
  local want="$1" got=0
  shift
  "$leosem" "$@" > "$work/out.txt" 2> "$work/err.txt" || got=$?
  [ "$got" -eq "$want" ] || fail "leosem $* exited $got, expected $want: $(cat "$work/err.txt")"
}
