# Sourced by tests/cli/*.sh: writes the small scenario (3 UEs, 3 SCs, 40 slots) the CLI sweep tests share.
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

# The 900-instance Greedy JSCC sweep over it (reliability.sh, disk_full.sh): writes DIR/base.toml and DIR/s.toml.
write_small_sweep() {  # dir
  write_small_scenario "$1/base.toml"
  printf 'scenario = "base.toml"\ninstances = 900\nalgorithms = ["greedy-jscc"]\nseed = 7\n' > "$1/s.toml"
}
