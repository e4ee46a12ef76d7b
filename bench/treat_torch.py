#!/usr/bin/python3
"""Cost of a Model Doctor treat step relative to a plain step, PyTorch vs ours.

The treat step is cross-entropy plus the channel constraint at the doctor
layer (G and G' taken with create_graph=True, alpha = 10, a random 0/1 class x
channel mask), one backward; the plain step is cross-entropy alone. Both are
SGD steps (momentum 0.9, weight decay 5e-4) on a CIFAR ResNet-18 (the zoo's
resnet18: doctor layer conv5_x.1.residual_function.3) at batch 32, 32x32.

  treat_torch.py [--threads T] [--rounds R] [--steps N] [--gotest BIN]

Each round times PyTorch's plain and treat steps (median of N after 2 warm-ups)
and, with --gotest (a test binary of ./doctor: go test -c -o BIN ./doctor),
ours (BenchmarkStep/resnet18, N steps); rounds alternate the order. Prints the
medians over rounds and both treat/plain ratios. Run it as
bench/pytorch-reference.md says (this script sets the environment of the
PyTorch child itself).
"""
import argparse, json, os, re, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def torch_child(threads, steps):
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, HERE)
    from torch_zoo import ResNet, ResBasic
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    m = ResNet(ResBasic, [2, 2, 2, 2])
    m.train()
    opt = torch.optim.SGD(m.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(32, 3, 32, 32)
    y = torch.arange(32) % 10
    layer = m.conv5_x[1].residual_function[3]
    mask = (torch.rand(10, layer.out_channels) < 0.3).float()
    store = {}
    layer.register_forward_hook(lambda mod, i, o: store.__setitem__('a', o))

    def plain():
        opt.zero_grad()
        F.cross_entropy(m(x), y).backward()
        opt.step()

    def treat():
        opt.zero_grad()
        z = m(x)
        a = store['a']
        top2 = z.topk(2, 1).indices
        y2 = torch.where(top2[:, 0] == y, top2[:, 1], top2[:, 0])
        g = torch.autograd.grad(z.gather(1, y[:, None]).mean(), a, create_graph=True)[0]
        g2 = torch.autograd.grad(z.gather(1, y2[:, None]).mean(), a, create_graph=True)[0]
        p, p2 = F.relu(g).sum((2, 3)), F.relu(g2).sum((2, 3))
        l_high = (mask[y2] * p2).sum(1).mean()
        l_low = ((1 - mask[y]) * p).sum(1).mean()
        (F.cross_entropy(z, y) + 10 * (l_high + l_low)).backward()
        opt.step()

    out = {}
    for name, f in (('plain', plain), ('treat', treat)):
        for _ in range(2):
            f()
        ts = []
        for _ in range(steps):
            t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
        out[name] = statistics.median(ts)
    print(json.dumps(out))


def run_torch(threads, steps):
    env = dict(os.environ)
    env.pop('OPENBLAS_CORETYPE', None); env.pop('OPENBLAS_L2_SIZE', None)
    env['LD_LIBRARY_PATH'] = '/usr/lib/x86_64-linux-gnu/openblas-openmp'
    env['GLIBC_TUNABLES'] = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824'
    env['OMP_NUM_THREADS'] = str(threads)
    r = subprocess.run([sys.executable, __file__, '--child', '--threads', str(threads), '--steps', str(steps)],
                       env=env, capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_go(binary, threads, steps):
    env = dict(os.environ, GOMAXPROCS=str(threads))
    r = subprocess.run([binary, '-test.run', 'XXX', '-test.bench', 'Step/resnet18', '-test.benchtime', '%dx' % steps],
                       env=env, capture_output=True, text=True, check=True)
    out = {}
    for line in r.stdout.splitlines():
        mm = re.match(r'BenchmarkStep/resnet18/(plain|treat)\S*\s+\d+\s+(\d+) ns/op', line)
        if mm:
            out[mm.group(1)] = int(mm.group(2)) / 1e9
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--gotest')
    ap.add_argument('--child', action='store_true')
    a = ap.parse_args()
    if a.child:
        return torch_child(a.threads, a.steps)
    rows = {'torch': [], 'ours': []}
    for r in range(a.rounds):
        order = ['torch', 'ours'] if r % 2 == 0 else ['ours', 'torch']
        for who in order:
            if who == 'torch':
                rows['torch'].append(run_torch(a.threads, a.steps))
            elif a.gotest:
                rows['ours'].append(run_go(a.gotest, a.threads, a.steps))
    print('threads %d, batch 32, ResNet-18 (CIFAR), %d rounds x %d steps (medians)' % (a.threads, a.rounds, a.steps))
    print('| who | plain step (s) | treat step (s) | treat / plain |')
    print('|---|---:|---:|---:|')
    for who, rs in rows.items():
        if not rs:
            continue
        p = statistics.median(x['plain'] for x in rs)
        t = statistics.median(x['treat'] for x in rs)
        print('| %s | %.3f | %.3f | %.2f |' % ('PyTorch 1.13' if who == 'torch' else 'ours', p, t, t / p))


if __name__ == '__main__':
    main()
