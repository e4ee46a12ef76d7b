#!/usr/bin/python3
"""Training throughput of the zoo's 16 paper models: ours vs PyTorch CPU.

For every model and thread count (1 and 2), in one run, interleaved:
  - PyTorch (bench/torch_zoo.py bench), in NCHW and in channels-last,
    set up as bench/pytorch-reference.md says: Debian's python3-torch,
    OpenBLAS (openmp) through LD_LIBRARY_PATH, OPENBLAS_CORETYPE and
    OPENBLAS_L2_SIZE unset, glibc malloc tunables, torch.set_num_threads(T)
    and OMP_NUM_THREADS=T;
  - ours: BenchmarkTrainStep/NAME of package zoo (zoo/bench_test.go) with
    -cpu T (GOMAXPROCS=T), from a test binary built once at the start
    (go test -c ./zoo), run with -run XXX -bench 'TrainStep/^NAME$'
    -benchtime TARGETs.
Both time the same step: SGD (momentum 0.9, weight decay 5e-4, lr 0.01) on
cross-entropy, batch 32, 3x32x32 inputs, 10 classes, training mode.

Each repetition visits every model and thread count and runs the three
measurements back to back, alternating the order (ours first on odd
repetitions). After the first repetition a layout more than 15% slower
than the other is dropped for that model and thread count. The table
takes medians over repetitions, PyTorch's best layout, and reports
ours / PyTorch.

  bench/zoo_bench.py                       # everything (~30-45 min on 2 cores)
  bench/zoo_bench.py --models mnasnet,alexnet --reps 1
  bench/zoo_bench.py --report bench/results/zoo_raw.jsonl   # table from a raw log

Raw measurements go to bench/results/zoo_raw.jsonl (one JSON object a
line), the table to bench/results/zoo.md and stdout.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')

PAPER = ['alexnet', 'vgg16', 'resnet50', 'senet34', 'wideresnet28', 'resnext50', 'densenet121',
         'simplenetv1', 'efficientnetv2s', 'googlenet', 'xception', 'mobilenetv2', 'inceptionv3',
         'shufflenetv2', 'squeezenet', 'mnasnet']

# Forward MACs per 32x32 image, millions (zoo/testdata/README.md; also
# `modeldoctor zoo`): models above HEAVY_MACS get fewer repetitions.
MACS = {'alexnet': 62.7, 'vgg16': 332.1, 'resnet50': 1297.8, 'senet34': 1159.6, 'wideresnet28': 5951.1,
        'resnext50': 750.7, 'densenet121': 888.4, 'simplenetv1': 631.5, 'efficientnetv2s': 62.2,
        'googlenet': 531.9, 'xception': 1129.7, 'mobilenetv2': 64.8, 'inceptionv3': 3390.5,
        'shufflenetv2': 43.6, 'squeezenet': 52.5, 'mnasnet': 6.4}
HEAVY_MACS = 1000

PY = '/usr/bin/python3'
OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp'
MALLOC = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824'


def torch_env(threads):
    env = dict(os.environ)
    env.pop('OPENBLAS_CORETYPE', None)
    env.pop('OPENBLAS_L2_SIZE', None)
    env['LD_LIBRARY_PATH'] = OPENBLAS + (':' + env['LD_LIBRARY_PATH'] if env.get('LD_LIBRARY_PATH') else '')
    env['GLIBC_TUNABLES'] = MALLOC
    env['OMP_NUM_THREADS'] = str(threads)
    return env


def torch_cmd(model, threads, layout, target):
    return [PY, os.path.join(HERE, 'torch_zoo.py'), 'bench', model, '--threads', str(threads),
            '--layout', layout, '--target', str(target), '--warmup', '1']


def go_cmd(binary, model, threads, target):
    # -count 2: the first result is a warm-up (it may be a single step of a
    # fresh process, whose page faults on this VM cost seconds); the second
    # is reported.
    return [binary, '-test.run', 'XXX', '-test.bench', 'TrainStep/^%s$' % model,
            '-test.benchtime', '%gs' % target, '-test.cpu', str(threads), '-test.count', '2']


def cpu_busy():
    """Busy CPU seconds of the whole machine since boot (/proc/stat)."""
    v = [int(x) for x in open('/proc/stat').readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf('SC_CLK_TCK')


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def foreign_load(f, *a):
    """Runs f(*a) and returns its result and the average number of cores
    that processes other than f's children kept busy meanwhile (the
    machine is shared: other jobs steal time, most from multi-threaded runs)."""
    b0, c0, t0 = cpu_busy(), children_cpu(), time.time()
    out = f(*a)
    b1, c1, t1 = cpu_busy(), children_cpu(), time.time()
    return out, max(0.0, ((b1 - b0) - (c1 - c0)) / max(t1 - t0, 1e-9))


def run_torch(model, threads, layout, target, timeout):
    cmd = torch_cmd(model, threads, layout, target)
    p = subprocess.run(cmd, env=torch_env(threads), capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError('torch %s: %s' % (model, p.stderr.strip().splitlines()[-1:]))
    r = json.loads(p.stdout.strip().splitlines()[-1])
    return r['images_per_s'], r['steps']


GO_LINE = re.compile(r'^BenchmarkTrainStep/(\S+?)(?:-\d+)?\s+(\d+)\s+(\d+) ns/op.*?([\d.]+) images/s')


def run_go(binary, model, threads, target, timeout):
    p = subprocess.run(go_cmd(binary, model, threads, target), cwd=os.path.join(ROOT, 'zoo'),
                       capture_output=True, text=True, timeout=timeout)
    found = [m for m in map(GO_LINE.match, p.stdout.splitlines()) if m and m.group(1) == model]
    if len(found) == 2:
        return float(found[1].group(4)), int(found[1].group(2))
    raise RuntimeError('go %s: no result (rc %d): %s' % (model, p.returncode, (p.stdout + p.stderr).strip()[-300:]))


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout.strip()


def machine():
    cpu = 'unknown'
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            cpu = line.split(':', 1)[1].strip()
            break
    flags = open('/proc/cpuinfo').read()
    isa = 'AVX-512' if ' avx512f' in flags else ('AVX2' if ' avx2' in flags else 'no AVX2')
    return {
        'cpu': cpu, 'isa': isa, 'cores': os.cpu_count(), 'kernel': platform.release(),
        'go': sh(['go', 'version']),
        'torch': sh([PY, '-c', 'import torch; print(torch.__version__, "oneDNN", torch.backends.mkldnn.is_available())'],
                    env=torch_env(1)),
        'commit': sh(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD']),
        'dirty': subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--', 'asm', 'tensor', 'autograd', 'nn',
                                 'optim', 'zoo'], capture_output=True, text=True).stdout.rstrip(),
    }


def measure(args):
    os.makedirs(RESULTS, exist_ok=True)
    models = args.models.split(',') if args.models else PAPER
    threads = [int(t) for t in args.threads.split(',')]
    info = machine()
    info['started'] = datetime.datetime.now().astimezone().isoformat(timespec='seconds')
    info['argv'] = sys.argv
    info['target'] = args.target
    tmp = tempfile.mkdtemp(prefix='zoo_bench')
    binary = os.path.join(tmp, 'zoo.test')
    subprocess.run(['go', 'test', '-c', '-o', binary, './zoo'], cwd=ROOT, check=True)
    raw = open(args.raw, 'w')
    raw.write(json.dumps({'kind': 'info', **info}) + '\n')
    raw.flush()
    print('# %s (%s, %d cores), commit %s%s' % (info['cpu'], info['isa'], info['cores'], info['commit'],
                                                ' + uncommitted changes' if info['dirty'] else ''), flush=True)
    if args.verify:
        # The PyTorch twins must be the fixtures' networks before we time them.
        subprocess.run([PY, os.path.join(HERE, 'torch_zoo.py'), 'verify'] + models, env=torch_env(1), check=True)
    layouts = {(m, t): ['nchw', 'nhwc'] for m in models for t in threads}
    reps = {m: min(args.reps, args.heavy_reps) if MACS.get(m, 0) > HEAVY_MACS else args.reps for m in models}
    t0 = time.time()
    for rep in range(max(reps.values())):
        for m in models:
            if rep >= reps[m]:
                continue
            for t in threads:
                jobs = [('torch', l) for l in layouts[(m, t)]] + [('ours', None)]
                if rep % 2 == 1:
                    jobs.reverse()
                row = {}
                for who, layout in jobs:
                    rec = {'kind': 'run', 'rep': rep, 'model': m, 'threads': t, 'who': who, 'layout': layout,
                           'load': os.getloadavg()[0]}
                    try:
                        if who == 'torch':
                            (ips, n), other = foreign_load(run_torch, m, t, layout, args.target, args.timeout)
                        else:
                            (ips, n), other = foreign_load(run_go, binary, m, t, args.target, args.timeout)
                        rec.update(images_per_s=ips, steps=n, foreign_cores=round(other, 2))
                        row[layout or 'ours'] = ips
                    except Exception as e:  # keep going: a miss is reported, not fatal
                        rec['error'] = str(e)
                    rec['elapsed'] = round(time.time() - t0, 1)
                    raw.write(json.dumps(rec) + '\n')
                    raw.flush()
                print('rep %d %-16s T=%d %s  (%.0f s)' % (rep + 1, m, t, '  '.join(
                    '%s %.2f' % (k, v) for k, v in row.items()), time.time() - t0), flush=True)
                if rep == 0 and 'nchw' in row and 'nhwc' in row:
                    lo, hi = sorted(['nchw', 'nhwc'], key=lambda l: row[l])
                    if row[lo] < 0.85 * row[hi]:
                        layouts[(m, t)] = [hi]
    info['finished'] = datetime.datetime.now().astimezone().isoformat(timespec='seconds')
    raw.write(json.dumps({'kind': 'done', 'finished': info['finished'], 'seconds': round(time.time() - t0)}) + '\n')
    raw.close()
    return args.raw


def report(raw_path, out_path):
    info, done, runs = {}, {}, []
    for line in open(raw_path):
        r = json.loads(line)
        if r['kind'] == 'info':
            info = r
        elif r['kind'] == 'done':
            done = r
        else:
            runs.append(r)
    models = [m for m in PAPER if any(r['model'] == m for r in runs)]
    models += sorted({r['model'] for r in runs} - set(models))
    threads = sorted({r['threads'] for r in runs})

    def med(m, t, who, layout=None):
        xs = [r['images_per_s'] for r in runs if r['model'] == m and r['threads'] == t and r['who'] == who
              and r.get('layout') == layout and 'images_per_s' in r]
        return (statistics.median(xs), len(xs), xs) if xs else (None, 0, [])

    lines = []
    w = lines.append
    w('# Zoo training throughput: ours vs PyTorch CPU')
    w('')
    w('Generated by `bench/zoo_bench.py` from `%s`; every figure below is a median of the runs in that log.' %
      os.path.relpath(raw_path, ROOT))
    w('')
    w('- Machine: %s (%s), %d cores, Linux %s' % (info.get('cpu'), info.get('isa'), info.get('cores', 0), info.get('kernel')))
    w('- Run: %s → %s (%s s)' % (info.get('started'), done.get('finished', 'unfinished'), done.get('seconds', '?')))
    w('- Ours: commit %s%s, %s; PyTorch %s (Debian python3-torch, OpenBLAS openmp)' % (
        info.get('commit'), ' with uncommitted changes to the math packages' if info.get('dirty') else '',
        info.get('go'), info.get('torch')))
    w('- Command: `%s`' % ' '.join(shlex.quote(a) for a in info.get('argv', [])))
    w('- Workload: one SGD training step (momentum 0.9, weight decay 5e-4, cross-entropy), batch 32, 3×32×32, '
      '10 classes, train mode, for all 16 paper models; images/s = 32 × steps / seconds.')
    w('- S = %g s. PyTorch: `torch_zoo.py bench NAME --threads T --layout L --target S --warmup 1` under '
      '`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=%s GLIBC_TUNABLES=%s OMP_NUM_THREADS=T`; '
      'one untimed step, then steps until S seconds have passed (at least one). Best of NCHW and channels-last '
      '(a layout >15%% slower in the first repetition is not rerun).' % (info.get('target', 0), OPENBLAS, MALLOC))
    w('- Ours: `go test -c ./zoo` once, then `zoo.test -test.run XXX -test.bench \'TrainStep/^NAME$\' '
      '-test.benchtime Ss -test.cpu T -test.count 2` (= `go test -run XXX -bench \'TrainStep/^NAME$\' -benchtime Ss '
      '-cpu T -count 2 ./zoo`); the first of the two results is the warm-up and is discarded. In the second, go test '
      'runs b.N=1 on a fresh model and reports it if that step alone exceeds S, else predicts N and times N steps '
      'of another fresh model; each fresh model takes one untimed step first, as PyTorch does.')
    w('- The twins in `bench/torch_zoo.py` are checked against the fixtures before timing (`torch_zoo.py verify`: '
      'parameter count, state-dict names/order/shapes, eval logits within 1e-4; the run stops if one differs).')
    loads = [r['load'] for r in runs if 'load' in r]
    foreign = [r['foreign_cores'] for r in runs if 'foreign_cores' in r]
    if loads and foreign:
        w('- The machine is shared. Cores kept busy by other processes during each measurement '
          '(/proc/stat minus the benchmark\'s own CPU time): median %.2f, range %.2f–%.2f of %d; '
          '1-minute load average at the start of each: median %.1f, range %.1f–%.1f.' % (
              statistics.median(foreign), min(foreign), max(foreign), info.get('cores', 0),
              statistics.median(loads), min(loads), max(loads)))
    if info.get('dirty'):
        w('- Uncommitted files in asm, tensor, autograd, nn, optim, zoo when the test binary was built: %s.' %
          ', '.join('`%s`' % l[3:] for l in info['dirty'].splitlines()))
    w('')
    hdr = '| model | MACs/img |'
    sep = '|---|---:|'
    for t in threads:
        hdr += ' ours %dT | torch %dT (layout) | ratio %dT |' % (t, t, t)
        sep += '---:|---:|---:|'
    w(hdr)
    w(sep)
    ratios = {t: [] for t in threads}
    for m in models:
        cells = '| %s | %s M |' % (m, format(MACS.get(m, 0), ',.1f'))
        for t in threads:
            ours, no, _ = med(m, t, 'ours')
            nchw, nn_, _ = med(m, t, 'torch', 'nchw')
            nhwc, nh, _ = med(m, t, 'torch', 'nhwc')
            best, layout, nb = None, '', 0
            for v, l, n in [(nchw, 'NCHW', nn_), (nhwc, 'NHWC', nh)]:
                # Compare layouts on the repetitions both ran (a dropped layout only has the first).
                if v is not None and (best is None or (n >= nb and v > best) or n > nb):
                    best, layout, nb = v, l, n
            if nchw is not None and nhwc is not None and nn_ == nh:
                best, layout = (nchw, 'NCHW') if nchw >= nhwc else (nhwc, 'NHWC')
            ratio = ours / best if ours and best else None
            if ratio is not None:
                ratios[t].append((m, ratio))
            cells += ' %s | %s | %s |' % (
                '%.2f' % ours if ours else 'fail',
                '%.2f (%s)' % (best, layout) if best else 'fail',
                '**%.2f×**' % ratio if ratio is not None and ratio >= 0.8 else ('%.2f×' % ratio if ratio is not None else '–'))
        w(cells)
    w('')
    for t in threads:
        rs = ratios[t]
        if not rs:
            continue
        geo = 1.0
        for _, r in rs:
            geo *= r
        geo **= 1.0 / len(rs)
        w('- %d thread%s: %d of %d models ≥ 0.8× PyTorch, %d below 0.5×; geometric mean %.2f×; worst %s %.2f×, best %s %.2f×.' % (
            t, '' if t == 1 else 's', sum(r >= 0.8 for _, r in rs), len(rs), sum(r < 0.5 for _, r in rs), geo,
            min(rs, key=lambda x: x[1])[0], min(r for _, r in rs), max(rs, key=lambda x: x[1])[0], max(r for _, r in rs)))
    w('')
    w('Bold ratios meet the issue\'s 0.8× bar. Medians over repetitions; the individual runs (images/s, '
      'steps, load) are in the raw log.')
    w('')
    w('<details><summary>Every run</summary>')
    w('')
    w('| model | T | rep | ours | torch NCHW | torch NHWC | other cores busy (ours / NCHW / NHWC) |')
    w('|---|---:|---:|---:|---:|---:|---|')
    for m in models:
        for t in threads:
            for rep in sorted({r['rep'] for r in runs if r['model'] == m and r['threads'] == t}):
                def cell(who, layout):
                    for r in runs:
                        if (r['model'], r['threads'], r['rep'], r['who'], r.get('layout')) == (m, t, rep, who, layout):
                            return '%.2f (%d)' % (r['images_per_s'], r['steps']) if 'images_per_s' in r else 'error'
                    return ''

                def busy(who, layout):
                    for r in runs:
                        if (r['model'], r['threads'], r['rep'], r['who'], r.get('layout')) == (m, t, rep, who, layout):
                            return '%.2f' % r['foreign_cores'] if 'foreign_cores' in r else '?'
                    return '–'
                w('| %s | %d | %d | %s | %s | %s | %s / %s / %s |' % (
                    m, t, rep + 1, cell('ours', None), cell('torch', 'nchw'), cell('torch', 'nhwc'),
                    busy('ours', None), busy('torch', 'nchw'), busy('torch', 'nhwc')))
    w('')
    w('images/s (timed steps); the last column is the average number of cores other processes kept busy.')
    w('</details>')
    errors = [r for r in runs if 'error' in r]
    if errors:
        w('')
        w('Errors:')
        for r in errors:
            w('- %s T=%d %s %s: %s' % (r['model'], r['threads'], r['who'], r.get('layout') or '', r['error']))
    text = '\n'.join(lines) + '\n'
    if out_path:
        with open(out_path, 'w') as f:
            f.write(text)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--models', help='comma-separated (default: the 16 paper models)')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--heavy-reps', type=int, default=2, help='repetitions for models above %d M MACs' % HEAVY_MACS)
    ap.add_argument('--target', type=float, default=2.0, help='seconds of timed steps per measurement (at least one step)')
    ap.add_argument('--timeout', type=float, default=1200, help='seconds per process')
    ap.add_argument('--raw', default=os.path.join(RESULTS, 'zoo_raw.jsonl'))
    ap.add_argument('--out', default=os.path.join(RESULTS, 'zoo.md'))
    ap.add_argument('--no-verify', dest='verify', action='store_false',
                    help='skip checking the PyTorch twins against the fixtures first')
    ap.add_argument('--report', metavar='RAW', help='only write the table from a raw log')
    a = ap.parse_args()
    raw = a.report or measure(a)
    print(report(raw, a.out))


if __name__ == '__main__':
    main()
