#!/bin/sh
# gpucheck.sh: the one-shot check of the CUDA path on a machine with an
# NVIDIA GPU and driver. No Go and no CUDA toolkit are needed there: build
# the test binaries anywhere (they have no cgo) and carry them over:
#
#   go test -c -o cuda.test ./cuda                  # on the build machine
#   go test -c -o backend.test ./cuda/backend
#   sh cuda/gpucheck.sh ./cuda.test ./backend.test  # on the GPU machine
#
# With MODELDOCTOR_CUDA=1 the cuda tests JIT every kernel through the
# driver, launch it on device 0, compare the result bit for bit with the
# CPU interpreter (or its exact Go twin) and time SGEMM 4096^3 with events;
# the backend tests then register GPU 0 as the tensor device "cuda:0" and
# run the device suite there — the conformance suite through the device
# path, every device op's test, the LeNet/SimpleCNN training and treat
# steps with their transfer counts — and time training steps of lenet,
# resnet18, mobilenetv2 and vgg16 at batch 128 (one table). Exit status is
# the first failure's.
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

MODELDOCTOR_CUDA=1 "$bin" -test.run 'GPU|Available' -test.v -test.count=1 -test.timeout=4m

backend=${2:-./backend.test}
if [ -x "$backend" ]; then
	# External tests only (they take the device from newSim); the internal
	# ones exercise the interpreter.
	MODELDOCTOR_CUDA=1 "$backend" -test.run 'TestSim|TestSteps|TestGPU' -test.v -test.count=1 -test.timeout=5m
else
	echo "gpucheck: no backend test binary at $backend; build it with: go test -c -o backend.test ./cuda/backend" >&2
	exit 2
fi
