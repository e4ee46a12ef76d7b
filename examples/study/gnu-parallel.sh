#!/usr/bin/env bash
# Runs every cell of a plan on this machine, JOBS at a time, then merges.
# Usage: examples/study/gnu-parallel.sh studies/fashion-mnist/plan.json [JOBS]
# (paths without spaces: parallel joins its command's words)
set -euo pipefail
plan=${1:?usage: $0 PLAN [JOBS]}
jobs=${2:-1}
cells=$(grep -c '"seed":' "$plan") # one per cell; the protocol has none
cores=$(nproc)
# Each cell gets an equal share of the cores.
export GOMAXPROCS=$(( cores / jobs > 0 ? cores / jobs : 1 ))
logs=${LOGS:-runs/study-logs}
mkdir -p "$logs"
# A failed cell does not stop the others, nor the merge of those that
# finished (rerun the script to retry it: finished cells are skipped).
seq 0 $((cells - 1)) | parallel --jobs "$jobs" --halt never --joblog "$logs/parallel.log" \
  modeldoctor study run --plan "$plan" --cell {} '>' "$logs/cell-{}.log" '2>&1' || true
modeldoctor study merge --plan "$plan"
