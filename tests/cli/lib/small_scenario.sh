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
