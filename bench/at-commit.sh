#!/usr/bin/env bash
# Runs the overhead benchmark against one exact commit (default HEAD), not the shared working tree:
# several engineers edit this checkout at once, so a build of it can hold half-written files.
# Exports the commit to a temporary folder, links node_modules, builds, and runs bench/run.mjs there;
# the results still land in this checkout's bench/results/overhead.json.
#   bench/at-commit.sh [--rev <commit>] [bench/run.mjs options...]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rev=HEAD
if [[ "${1:-}" == "--rev" ]]; then rev="$2"; shift 2; fi
sha="$(git -C "$here" rev-parse --short "$rev")"
dir="${TMPDIR:-/tmp}/loopscope-bench-src/$sha"
if [[ ! -f "$dir/.built" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$here" archive "$sha" | tar -x -C "$dir"
  ln -s "$here/node_modules" "$dir/node_modules"
  (cd "$dir" && node scripts/build.mjs)
  touch "$dir/.built"
fi
cd "$dir"
export LOOPSCOPE_BENCH_GIT="$(git -C "$here" log -1 --format='%h %s' "$sha" | cut -c1-100)"
export LOOPSCOPE_BENCH_COMMAND="bench/at-commit.sh --rev $sha $*"
exec node bench/run.mjs --out "$here/bench/results/overhead.json" "$@"
