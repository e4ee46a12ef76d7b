#!/bin/sh
# gpucheck.sh: the one-shot check of the CUDA path on a machine with an
# NVIDIA GPU and driver. No Go and no CUDA toolkit are needed there: build
# the cuda package's test binary anywhere (it has no cgo) and carry it over:
#
#   go test -c -o cuda.test ./cuda        # on the build machine
#   sh cuda/gpucheck.sh ./cuda.test       # on the GPU machine
#
# With MODELDOCTOR_CUDA=1 the tests JIT every kernel through the driver,
# launch it on device 0, compare the result bit for bit with the CPU
# interpreter (or its exact Go twin), time SGEMM 4096^3 with events, and
# print one table at the end. Exit status is the tests'.
set -eu

bin=${1:-./cuda.test}
if [ ! -x "$bin" ]; then
	if command -v go >/dev/null 2>&1 && [ -f "$(dirname "$0")/doc.go" ]; then
		go test -c -o "$bin" "$(dirname "$0")"
	else
		echo "gpucheck: no test binary at $bin; build it with: go test -c -o cuda.test ./cuda" >&2
		exit 2
	fi
fi

if command -v nvidia-smi >/dev/null 2>&1; then
	nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
	echo "gpucheck: nvidia-smi not found; trying the driver library anyway"
fi

MODELDOCTOR_CUDA=1 exec "$bin" -test.run 'GPU|Available' -test.v -test.count=1 -test.timeout=10m
