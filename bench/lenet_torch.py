#!/usr/bin/python3
"""LeNet training throughput and peak memory: ours vs PyTorch CPU, side by side.

Two networks, batch 64, SGD (lr 0.01, momentum 0.9, weight decay 5e-4) on
cross-entropy, training mode:
  lenet5  the zoo's LeNet-5 (zoo/lenet.go) as `modeldoctor train --model
          lenet --dataset mnist` trains it: 1x32x32 input, conv 5x5 (6),
          ReLU, 2x2 max-pool, conv 5x5 (16), ReLU, 2x2 max-pool, fc
          400-120-84-10 with ReLUs;
  ref     the reference LeNet: 1x28x28 input, conv
          5x5 1->32, ReLU, pool, conv 5x5 32->64, ReLU, pool, fc 1024-512,
          ReLU, fc 512-10.
Ours is BenchmarkLeNetTrain/NAME (zoo/lenet_bench_test.go), which defines
the same networks, frees each step's activations (FreeValues) and reports
images/s, the GC's share of the CPU time, and peak RSS.

  lenet_torch.py bench NAME --threads T --layout nchw|nhwc [--steps N] [--warmup W]
      one PyTorch measurement: W untimed steps, then N timed ones; prints
      one JSON line (images/s, peak RSS of the process).
  lenet_torch.py compare [--reps R] [--steps N] [--gotest [LABEL=]PATH ...]
      the whole comparison in one run: for each repetition, thread count
      (1, 2) and network, ours, PyTorch NCHW and PyTorch channels-last back
      to back (ours first on even repetitions, last on odd ones); medians
      over repetitions; ratios against PyTorch's faster layout. Without
      --gotest it builds `go test -c ./zoo` from this tree; several
      --gotest binaries (a baseline, say) are all run in each round. Raw
      lines go to bench/results/lenet_raw.jsonl, the table to stdout.
  lenet_torch.py report RAW.jsonl
      the table again from raw lines.

PyTorch is run as bench/pytorch-reference.md says: Debian's python3-torch
with OpenBLAS (openmp) through LD_LIBRARY_PATH, OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, glibc malloc tunables, torch.set_num_threads(T)
and OMP_NUM_THREADS=T. Ours runs with GOMAXPROCS=T.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')

PY = '/usr/bin/python3'
OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp'
MALLOC = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824'
BATCH = 64
NETS = ['lenet5', 'ref']
STEPS = {'lenet5': 60, 'ref': 30}


def build(name):
    import torch.nn as nn

    if name == 'lenet5':
        class LeNet5(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(400, 120)
                self.fc2 = nn.Linear(120, 84)
                self.fc3 = nn.Linear(84, 10)

            def forward(self, x):
                f = nn.functional
                x = f.max_pool2d(f.relu(self.conv1(x)), 2)
                x = f.max_pool2d(f.relu(self.conv2(x)), 2)
                x = f.relu(self.fc1(x.flatten(1)))
                x = f.relu(self.fc2(x))
                return self.fc3(x)
        return LeNet5(), 32

    class RefLeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 5)
            self.conv2 = nn.Conv2d(32, 64, 5)
            self.fc1 = nn.Linear(1024, 512)
            self.fc2 = nn.Linear(512, 10)

        def forward(self, x):
            f = nn.functional
            x = f.max_pool2d(f.relu(self.conv1(x)), 2)
            x = f.max_pool2d(f.relu(self.conv2(x)), 2)
            x = f.relu(self.fc1(x.flatten(1)))
            return self.fc2(x)
    return RefLeNet(), 28


def bench(args):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model, hw = build(args.name)
    model.train()
    x = torch.randn(BATCH, 1, hw, hw)
    y = torch.arange(BATCH) % 10
    if args.layout == 'nhwc':
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(args.steps):
        step()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({
        'who': 'torch-' + args.layout, 'net': args.name, 'threads': args.threads, 'steps': args.steps,
        'images_per_s': BATCH * args.steps / wall, 'cpu_ms_per_step': 1000 * cpu / args.steps,
        'peak_rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'torch': torch.__version__, 'threads_used': torch.get_num_threads(),
    }))


def torch_env(threads):
    env = dict(os.environ)
    env.pop('OPENBLAS_CORETYPE', None)
    env.pop('OPENBLAS_L2_SIZE', None)
    env['LD_LIBRARY_PATH'] = OPENBLAS + (':' + env['LD_LIBRARY_PATH'] if env.get('LD_LIBRARY_PATH') else '')
    env['GLIBC_TUNABLES'] = MALLOC
    env['OMP_NUM_THREADS'] = str(threads)
    return env


def run_torch(net, threads, layout, steps):
    cmd = [PY, os.path.abspath(__file__), 'bench', net, '--threads', str(threads), '--layout', layout,
           '--steps', str(steps), '--warmup', '3']
    out = subprocess.run(cmd, env=torch_env(threads), capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


GO_LINE = re.compile(r'^BenchmarkLeNetTrain/(\w+)(?:-\d+)?\s+(\d+)\s+(.*)$')


def run_go(label, gotest, net, threads, steps):
    env = dict(os.environ, GOMAXPROCS=str(threads))
    cmd = [gotest, '-test.run', '^$', '-test.bench', 'LeNetTrain/%s$' % net, '-test.benchtime', '%dx' % steps]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=os.path.join(ROOT, 'zoo')).stdout
    for line in out.splitlines():
        m = GO_LINE.match(line)
        if not m:
            continue
        fields = m.group(3).split()
        metrics = {unit: float(v) for v, unit in zip(fields[::2], fields[1::2])}
        return {'who': label, 'net': net, 'threads': threads, 'steps': int(m.group(2)),
                'images_per_s': metrics['images/s'], 'cpu_ms_per_step': metrics.get('cpu-ms/step'),
                'gc_percent': metrics.get('gc-%'), 'peak_rss_mib': metrics.get('peak-RSS-MiB'),
                'pool_hit_percent': metrics.get('pool-hit-%')}
    raise RuntimeError('no benchmark line in:\n' + out)


def cpu_name():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def compare(args):
    gotests = []
    for spec in args.gotest or []:
        label, _, path = spec.rpartition('=')
        gotests.append((label or 'ours', os.path.abspath(path)))
    if not gotests:
        path = '/tmp/lenet_zoo.test'
        subprocess.run(['go', 'test', '-c', '-o', path, './zoo'], cwd=ROOT, check=True)
        gotests = [('ours', path)]
    os.makedirs(RESULTS, exist_ok=True)
    raw_path = os.path.join(RESULTS, 'lenet_raw.jsonl')
    rows = []
    with open(raw_path, 'a') as raw:
        for rep in range(args.reps):
            for threads in (1, 2):
                for net in NETS:
                    steps = args.steps or STEPS[net]
                    jobs = [(lambda l=l, p=p: run_go(l, p, net, threads, steps)) for l, p in gotests]
                    jobs += [lambda: run_torch(net, threads, 'nchw', steps),
                             lambda: run_torch(net, threads, 'nhwc', steps)]
                    if rep % 2:
                        jobs.reverse()
                    for job in jobs:
                        r = job()
                        r['rep'] = rep
                        r['time'] = datetime.datetime.utcnow().isoformat(timespec='seconds') + 'Z'
                        raw.write(json.dumps(r) + '\n')
                        raw.flush()
                        rows.append(r)
                        print(json.dumps(r), file=sys.stderr)
    print(table(rows))


def table(rows):
    def vals(who, net, threads, key):
        return [r[key] for r in rows if r['who'] == who and r['net'] == net and r['threads'] == threads
                and r.get(key) is not None]

    def med(who, net, threads, key):
        vs = vals(who, net, threads, key)
        return statistics.median(vs) if vs else float('nan')

    ours = sorted({r['who'] for r in rows if not r['who'].startswith('torch-')})
    out = ['| net | threads | who | img/s (median) | cpu-ms/step | ÷ best PyTorch img/s | ÷ best PyTorch cpu-ms '
           '| GC share | peak RSS (MiB) |', '|---|---|---|---|---|---|---|---|---|']
    for net in NETS:
        for threads in (1, 2):
            best = max(med('torch-nchw', net, threads, 'images_per_s'), med('torch-nhwc', net, threads, 'images_per_s'))
            best_cpu = min(med('torch-nchw', net, threads, 'cpu_ms_per_step'), med('torch-nhwc', net, threads, 'cpu_ms_per_step'))
            for who in ours + ['torch-nchw', 'torch-nhwc']:
                ips = med(who, net, threads, 'images_per_s')
                cpu = med(who, net, threads, 'cpu_ms_per_step')
                gc = med(who, net, threads, 'gc_percent')
                out.append('| %s | %d | %s | %.0f | %.1f | %.2f× | %.2f× | %s | %.0f |' % (
                    net, threads, who, ips, cpu, ips / best, best_cpu / cpu,
                    '—' if gc != gc else '%.2f%%' % gc, med(who, net, threads, 'peak_rss_mib')))
    n = len({r['rep'] for r in rows})
    out.append('')
    out.append('Medians of %d repetitions; CPU: %s; %s. "÷ best PyTorch" is ours over PyTorch\'s faster layout '
               '(above 1 is faster than PyTorch); cpu-ms/step is the process CPU time per step '
               '(user + system), steadier than the wall clock on a shared machine.'
               % (n, cpu_name(), datetime.date.today().isoformat()))
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    b = sub.add_parser('bench')
    b.add_argument('name', choices=NETS)
    b.add_argument('--threads', type=int, default=1)
    b.add_argument('--layout', choices=['nchw', 'nhwc'], default='nchw')
    b.add_argument('--steps', type=int, default=30)
    b.add_argument('--warmup', type=int, default=3)
    c = sub.add_parser('compare')
    c.add_argument('--reps', type=int, default=5)
    c.add_argument('--steps', type=int, default=0, help='timed steps per measurement (default: 60 lenet5, 30 ref)')
    c.add_argument('--gotest', action='append', help='[LABEL=]PATH of a prebuilt `go test -c ./zoo` binary (repeatable)')
    r = sub.add_parser('report')
    r.add_argument('raw')
    args = ap.parse_args()
    if args.cmd == 'bench':
        bench(args)
    elif args.cmd == 'compare':
        compare(args)
    else:
        with open(args.raw) as f:
            print(table([json.loads(line) for line in f if line.strip()]))


if __name__ == '__main__':
    main()
