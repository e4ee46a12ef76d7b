#!/usr/bin/env python3
"""Time the convolution layers of `modeldoctor bench kernels` in PyTorch CPU
and print each PyTorch time next to ours, with the ratio, in one run.

PyTorch is set up as bench/pytorch-reference.md prescribes (the
script re-executes itself with that environment): Debian's python3-torch
(oneDNN), OpenBLAS (openmp) instead of the reference BLAS, OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE unset, glibc malloc kept from trimming, and
torch.set_num_threads(T) for T = 1 and 2 (OMP_NUM_THREADS = the largest T).
Each layer runs in NCHW and in channels-last; the faster one is compared.

Ours and theirs are interleaved: each round runs our whole conv benchmark
(a fresh `modeldoctor bench kernels --only conv --json -`), then PyTorch's,
and the table shows medians over rounds. ratio = PyTorch time / our time,
so > 1 means we are faster: "ratio" from wall time (the faster PyTorch
layout), "cpu ratio" from process CPU time, which on a shared machine does
not count the time other processes take (for T = 2 it also charges any time
a thread spins or idles in a parallel region).

Usage (from the repository root):

    /usr/bin/python3 bench/kernels_torch.py [--rounds 3] [--reps 7]
        [--threads 1,2] [--go-json FILE] [--markdown FILE]

--go-json takes our rows from an earlier `bench kernels --json FILE` run
instead of running ours (no interleaving then).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"


def reexec_with_reference_env(max_threads):
    """Restart under the environment of pytorch-reference.md, once."""
    if os.environ.get("KERNELS_TORCH_ENV") == "1":
        return
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if os.path.isdir(OPENBLAS_DIR):
        env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    else:
        print(f"warning: {OPENBLAS_DIR} missing (apt-get install libopenblas0-openmp)", file=sys.stderr)
    env["GLIBC_TUNABLES"] = TUNABLES
    env["OMP_NUM_THREADS"] = str(max_threads)
    env["KERNELS_TORCH_ENV"] = "1"
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_ours(binary, threads, reps):
    cmd = [binary, "bench", "kernels", "--only", "conv", "--json", "-",
           "--threads", ",".join(map(str, threads)), "--reps", str(reps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def median_ms(fn, reps):
    """Median wall and process CPU time of reps runs after two warm-ups."""
    fn()
    fn()
    wall, cpu = [], []
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def time_torch(torch, row, threads, reps):
    """Median ms of fwd and fwd+bwd for one layer, NCHW and channels-last."""
    torch.set_num_threads(threads)
    f = torch.nn.functional
    g = torch.Generator().manual_seed(1)
    res = {}
    for layout in ("nchw", "nhwc"):
        x = torch.rand(row["batch"], row["c"], row["h"], row["w"], generator=g) * 2 - 1
        w = torch.rand(row["o"], row["c"] // row["groups"], row["kh"], row["kw"], generator=g) * 2 - 1
        if layout == "nhwc":
            x = x.contiguous(memory_format=torch.channels_last)
            w = w.contiguous(memory_format=torch.channels_last)
        x.requires_grad_(True)
        w.requires_grad_(True)
        conv = lambda: f.conv2d(x, w, None, row["stride"], row["pad"], 1, row["groups"])
        with torch.no_grad():
            y = conv()
        gy = torch.rand(y.shape, generator=g) * 2 - 1
        if layout == "nhwc":
            gy = gy.contiguous(memory_format=torch.channels_last)

        def fwd():
            with torch.no_grad():
                conv()

        def fwdbwd():
            torch.autograd.grad(conv(), (x, w), gy)

        res[(layout, "fwd")] = median_ms(fwd, reps)
        res[(layout, "fwd+bwd")] = median_ms(fwdbwd, reps)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (ours, then PyTorch)")
    ap.add_argument("--reps", type=int, default=7, help="timed runs per measurement (median)")
    ap.add_argument("--threads", default="1,2", help="thread counts")
    ap.add_argument("--go-json", help="our rows from an earlier `bench kernels --json FILE` (no interleaving)")
    ap.add_argument("--binary", default="", help="our modeldoctor binary (default: go build into a temporary file)")
    ap.add_argument("--markdown", help="also write the table as Markdown to FILE")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    reexec_with_reference_env(max(threads))

    import torch  # after the environment is in place

    binary = args.binary
    if not args.go_json and not binary:
        binary = os.path.join("/tmp", f"modeldoctor-bench-{os.getpid()}")
        subprocess.run(["go", "build", "-o", binary, "./cmd/modeldoctor"], check=True)

    ours, theirs = {}, {}  # (name, pass, threads) -> [ms per round]; (name, pass, threads, layout) -> [ms]
    layers, report = [], None  # [(name, conv shape)] in our order
    rounds = 1 if args.go_json else args.rounds
    for rnd in range(rounds):
        if args.go_json:
            with open(args.go_json) as fh:
                report = json.load(fh)
        else:
            report = run_ours(binary, threads, args.reps)
        for r in report["rows"]:
            if r["kind"] != "conv":
                continue
            ours.setdefault((r["name"], r["pass"], r["threads"]), []).append((r["ms"], r.get("cpu_ms", 0)))
            if rnd == 0 and (r["name"], r["conv"]) not in layers:
                layers.append((r["name"], r["conv"]))
        for name, shape in layers:
            for t in threads:
                for (layout, pss), ms in time_torch(torch, shape, t, args.reps).items():
                    theirs.setdefault((name, pss, t, layout), []).append(ms)
        print(f"round {rnd + 1}/{rounds} done", file=sys.stderr)

    if binary and not args.binary:
        os.remove(binary)

    def med(v, i):
        return statistics.median(x[i] for x in v) if v else float("nan")

    head = ["layer", "pass", "T", "ours ms", "torch NCHW ms", "torch NHWC ms", "ratio",
            "ours cpu ms", "torch NCHW cpu", "torch NHWC cpu", "cpu ratio", "ours GFLOP/s", "ours % peak"]
    lines = [head]
    peaks = {r["threads"]: r["gflops"] for r in report["rows"] if r["kind"] == "peak"}
    for name, r in layers:
        flops = 2.0 * r["batch"] * r["o"] * conv_out(r["h"], r["kh"], r["stride"], r["pad"]) * \
            conv_out(r["w"], r["kw"], r["stride"], r["pad"]) * (r["c"] // r["groups"]) * r["kh"] * r["kw"]
        for pss in ("fwd", "fwd+bwd"):
            for t in threads:
                o, a, b = med(ours.get((name, pss, t)), 0), med(theirs.get((name, pss, t, "nchw")), 0), med(theirs.get((name, pss, t, "nhwc")), 0)
                oc, ac, bc = med(ours.get((name, pss, t)), 1), med(theirs.get((name, pss, t, "nchw")), 1), med(theirs.get((name, pss, t, "nhwc")), 1)
                gf = flops * (3 if pss == "fwd+bwd" else 1) / o / 1e6
                lines.append([name, pss, str(t), f"{o:.2f}", f"{a:.2f}", f"{b:.2f}", f"{min(a, b) / o:.2f}",
                              f"{oc:.2f}", f"{ac:.2f}", f"{bc:.2f}", f"{min(ac, bc) / oc:.2f}" if oc > 0 else "-",
                              f"{gf:.0f}", f"{100 * gf / peaks[t]:.0f}" if t in peaks else "-"])

    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    for l in lines:
        print("  ".join(c.rjust(w) if i > 1 else c.ljust(w) for i, (c, w) in enumerate(zip(l, widths))))
    info = (f"CPU: {cpu_model()} ({os.cpu_count()} logical CPUs); torch {torch.__version__}; "
            f"ours: asm {report['impl']}; FMA peak (ours, measured) " +
            ", ".join(f"{p:.0f} GFLOP/s at T={t}" for t, p in sorted(peaks.items())) +
            f"; {rounds} round(s), medians of {args.reps} runs; {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(info)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(info + "\n\n")
            fh.write("| " + " | ".join(head) + " |\n")
            fh.write("|" + "|".join("---" for _ in head) + "|\n")
            for l in lines[1:]:
                fh.write("| " + " | ".join(l) + " |\n")


def conv_out(n, k, s, p):
    return (n + 2 * p - (k - 1) - 1) // s + 1


if __name__ == "__main__":
    main()
