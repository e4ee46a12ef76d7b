#!/usr/bin/env bash
# Runs every cell of a plan on this machine, JOBS at a time, then merges.
# Usage: examples/study/gnu-parallel.sh studies/fashion-mnist/plan.json [JOBS]
set -euo pipefail
plan=${1:?usage: $0 PLAN [JOBS]}
jobs=${2:-1}
cells=$(grep -c '"seed":' "$plan") # one per cell; the protocol has none
cores=$(nproc)
# Each cell gets an equal share of the cores.
export GOMAXPROCS=$(( cores / jobs > 0 ? cores / jobs : 1 ))
seq 0 $((cells - 1)) | parallel --jobs "$jobs" --halt never --joblog "$(dirname "$plan")/parallel.log" \
  modeldoctor study run --plan "$plan" --cell {} '>' "$(dirname "$plan")/cell-{}.log" '2>&1'
modeldoctor study merge --plan "$plan"
