# Sourced by tests/cli/*.sh: fails unless two sweep files hold the same datasets, bit for bit.
same_results() {  # a.h5 b.h5
  local data
  for data in $(h5ls -r "$1" | awk '$2 == "Dataset" { print $1 }'); do
    h5diff "$1" "$2" "$data" "$data" > /dev/null || { echo "FAIL: $1 and $2 differ in $data" >&2; exit 1; }
  done
  [ "$(h5ls -r "$1" | awk '$2 == "Dataset"' | wc -l)" -eq "$(h5ls -r "$2" | awk '$2 == "Dataset"' | wc -l)" ] ||
    { echo "FAIL: $1 and $2 hold different datasets" >&2; exit 1; }
}
