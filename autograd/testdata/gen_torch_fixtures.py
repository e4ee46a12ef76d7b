#!/usr/bin/python3
"""Generate golden autograd fixtures for the Go autograd tests.

Run from the repository root with Debian's python3 and python3-torch (1.13):

    /usr/bin/python3 autograd/testdata/gen_torch_fixtures.py

It writes autograd/testdata/torch_fixtures.json (next to this script).  The Go
tests only read that JSON; they never run Python.

Precision scheme
----------------
Before entry i (0-based) of the list ALL below, the script calls
torch.manual_seed(SEED0 + i) with SEED0 = 0 (recorded as params["seed"]; the
four conv* cases come from one entry and share seed 4, drawn in the order
conv, conv_plain, conv_depthwise, conv_1x1).  Each case draws all of its random
tensors (inputs, gout, v.*) as float32; any scaling is done in float32 and the
result is rounded, still in float32, to a multiple of 2**-8 (inputs) or 2**-6
(gout, v.*).  They are then converted to float64, which is exact, and
everything is computed in float64.  So every stored input is exactly a float32
number (and prints exactly in a few digits), and the stored outputs/gradients
are the float64 ("true") values for those inputs, written rounded to 13
significant digits (relative error <= 5e-14; this keeps the file < 300 KB).
The quantisation changes nothing about the tests: the inputs are still generic
values away from every kink.

JSON format
-----------
    {"torch_version": "...",
     "cases": {"<case>": {"params":  {...ints/floats/lists/strings...},
                          "tensors": {"<name>": {"shape": [..],
                                                 "data": [flat row-major floats]}}}}}

Integer tensors (labels, indices, masks) are stored as float data too.

Generic scheme (all cases except the penalty_* ones):
  * the inputs under their names below (non-differentiable inputs too),
  * out      = the case's output tensor,
  * gout     = a random tensor of out's shape,
  * grad.<i> = d<out, gout>/d input_i for each differentiable input i
               (torch.autograd.grad(out, inputs, gout, create_graph=True)),
  * v.<i>    = a random tensor of input_i's shape,
  * gradgrad.<i> = d( sum_j <grad.<j>, v.<j>> ) / d input_i
               (zeros where the second-order graph does not reach input_i).
params["diff"] lists the differentiable inputs in order; params["expr"]
gives the computed expression.

Cases
-----
elementwise      x [3,4], y [4] (broadcast along the last dim); x, y both
                 differentiable.  |x| in [0.1, 1.9], |y| in [0.1, 1.5], random
                 signs, resampled until |x-y| > 0.05 and |x-0.5y| > 0.05
                 (so |x*y| <= 2.85: hardswish kinks at +-3 are avoided; relu6(3x)
                 kinks at x = 0 and x = 2 are avoided).
                 out = sigmoid(x)*tanh(y) + silu(x) + hardswish(x*y)
                       + leaky_relu(x, 0.1)*y + relu6(3*x) + exp(0.5*x)/(1+x*x)
                       + sqrt(x*x+1) - log(1+x*x)*y + x.pow(3)/3 - x/(y*y+1)
                       + maximum(x, y) + minimum(x, 0.5*y)
softmax          x [4,7]; out = 2*log_softmax(x, dim=1) + softmax(x, dim=0).
cross_entropy    x [5,6] logits (differentiable), labels [5] ints in 0..5;
                 out = F.cross_entropy(x, labels) (mean reduction, shape []).
cross_entropy_smooth
                 same shapes, plus class weights weight [6] (uniform [0.5,1.5],
                 not differentiable), label_smoothing 0.1:
                 out = F.cross_entropy(x, labels, weight=weight, label_smoothing=0.1).
                 With logp = log_softmax(x, 1), C = 6, eps = 0.1, W = sum_b w[y_b]:
                 out = (1-eps) * sum_b w[y_b]*(-logp[b,y_b]) / W
                       + eps * sum_b sum_c w[c]*(-logp[b,c]) / C / W
                 (PyTorch 1.13 semantics; checked by the script).
conv             x [2,4,7,6], w [6,2,3,3], b [6];
                 out = tanh(F.conv2d(x, w, b, stride=2, padding=1, dilation=2,
                 groups=2)), out [2,6,3,2].
conv_plain       x [2,3,5,5], w [4,3,3,3], b [4], stride 1, padding 1;
                 out = conv2d, [2,4,5,5].
conv_depthwise   x [2,3,6,6], w [3,1,3,3], no bias, stride 1, padding 1,
                 groups 3; out = conv2d**2, [2,3,6,6].
conv_1x1         x [2,5,4,4], w [3,5,1,1], b [3], stride 2, padding 0;
                 out = conv2d, [2,3,2,2].
maxpool          x [2,3,7,7] = (random permutation of 0..293 - 147)/64
                 (all values distinct); out = F.max_pool2d(x, 3, stride=2,
                 padding=1)**2, [2,3,4,4].
maxpool_ceil     x [1,2,6,6] (same construction); out = F.max_pool2d(x, 3,
                 stride=2, padding=0, ceil_mode=True)**2, [1,2,3,3] (the last
                 window in each dim covers only indices 4,5).
avgpool          x [2,3,7,7]; out = F.avg_pool2d(x, 3, stride=2, padding=1,
                 count_include_pad=True)**2, [2,3,4,4] (divisor always 9).
adaptive_avgpool x [2,3,7,5]; out = F.adaptive_avg_pool2d(x, (3,2))**2,
                 [2,3,3,2].  Bin i of an input size n into m bins covers
                 [floor(i*n/m), ceil((i+1)*n/m)).
global_avgpool   x [2,3,4,5]; out = F.adaptive_avg_pool2d(x, (1,1))**2, [2,3,1,1].
batchnorm_train  x [4,3,5,5], weight [3], bias [3], running_mean zeros [3],
                 running_var ones [3] (not differentiable), eps 1e-5,
                 momentum 0.1; out = tanh(F.batch_norm(x, rm, rv, weight, bias,
                 training=True)).  Normalisation uses the biased batch variance;
                 running_mean_after / running_var_after are the updated running
                 stats (running_var update uses the unbiased variance):
                 r <- (1-momentum)*r + momentum*stat.
batchnorm_eval   x [4,3,5,5], weight [3], bias [3], running_mean randn [3],
                 running_var uniform [0.5,2] [3] (not differentiable), eps 1e-5;
                 out = tanh(F.batch_norm(x, rm, rv, weight, bias, training=False)).
batchnorm1d_train
                 x [6,4], weight [4], bias [4], running stats zeros/ones,
                 eps 1e-5, momentum 0.1; out = tanh(bn(training=True));
                 running_mean_after / running_var_after recorded.
matmul           a [2,3,4], b [4,5]; out = torch.matmul(a, b), [2,3,5].
bmm              a [2,3,4], b [2,4,5]; out = tanh(a @ b), [2,3,5].
linear           x [3,4], w [5,4], b [5]; out = tanh(F.linear(x, w, b)), [3,5].
reductions       x [3,4,5] (resampled until, for every (j,k), the largest of
                 x[:,j,k] beats the second by > 0.05);
                 out = x.sum(dim=1, keepdim=True) * x.mean(dim=2, keepdim=True)
                       + x.amax(dim=0, keepdim=True), [3,4,5].
var              x [3,4,5]; out = x.var(dim=(0,2), unbiased=False) * x.mean(), [4].
sumsq            x [3,4,5]; out = (x*x).sum(dim=(0,2)) * x.mean(), [4].
shape_ops        x [2,3,4], gather_index [2,2,3,5] ints in 0..3 (not differentiable):
                     t1 = x.permute(0, 2, 1)                   # [2,4,3]
                     t2 = t1.narrow(1, 1, 2)                   # = t1[:, 1:3, :], [2,2,3]
                     t3 = x.narrow(2, 0, 2).reshape(2, 2, 3)   # x[:, :, 0:2] row-major reshaped
                     t4 = torch.cat([t2, t3], dim=1)           # [2,4,3]
                     t5 = torch.stack([t4, t1], dim=0)         # [2,2,4,3]
                     t6 = F.pad(t5, (1, 2))                    # last dim: 1 zero before, 2 after -> [2,2,4,6]
                     t7 = t6.index_select(3, [5, 0, 2, 2, 1])  # [2,2,4,5]
                     t8 = torch.gather(t7, 2, gather_index)    # [2,2,3,5]
                     out = t8 * t8
penalty_gap      The Model Doctor gradient penalty.  Tensors: x [3,3,6,6]
                 (input, not differentiable), cw [4,3,3,3], cb [4], g [4], be [4],
                 lw [5,4], lb [5], y [3] labels in 0..4.
                     A = conv2d(x, cw, cb, padding=1)                       # [3,4,6,6]
                     h = relu(batch_norm(A, None, None, g, be, training=True, eps=1e-5))
                     p = adaptive_avg_pool2d(h, 1).flatten(1)               # [3,4]
                     z = linear(p, lw, lb)                                  # [3,5]
                     G = autograd.grad(z.gather(1, y[:,None]).mean(), A, create_graph=True)[0]
                     penalty = relu(G).sum();  ce = cross_entropy(z, y);  loss = ce + penalty
                 Recorded: z, A, G, penalty, ce, loss (scalars have shape []),
                 dpenalty.<p> and dloss.<p> for p in cw, cb, g, be, lw, lb.
                 No generic out/gout/grad/gradgrad tensors.  Inputs are resampled
                 until |BN output| > 1e-3 and |G| > 1e-3*max|G| everywhere so
                 the relu kinks are not near.  Note: G does not depend on cb, be
                 or lb (BN removes a per-channel shift, relu' is piecewise
                 constant), so dpenalty.cb / be / lb are 0 up to rounding.
penalty_maxpool  As penalty_gap, but p = max_pool2d(h, 2).flatten(1) -> [3,36]
                 and lw [5,36].  Also resampled so every pooling window whose
                 max is > 0 has a unique max with gap > 1e-3.
penalty_channel  The full Model Doctor channel loss, same network as penalty_gap
                 (K=5 classes, C=4 channels), plus mask [5,4] of 0/1.
                     pred = z.argmax(1); y2 = runner-up logit class where pred == y,
                     else pred                                         # stored as y2
                     G  = grad(z.gather(1, y[:,None]).mean(),  A, create_graph=True)
                     G2 = grad(z.gather(1, y2[:,None]).mean(), A, create_graph=True)
                     P = relu(G).sum((2,3));  P2 = relu(G2).sum((2,3))   # [3,4]
                     L_high = (mask[y2] * P2).sum(1).mean()
                     L_low  = ((1 - mask[y]) * P).sum(1).mean()
                     L = ce + 10*(L_high + L_low)
                 Recorded: z, A, G, G2, P, P2, y2, ce, L_high, L_low, L and dL.<p>
                 for p in cw, cb, g, be, lw, lb.  Resampled until the batch has
                 both a correctly and an incorrectly predicted sample, the top
                 three logits of every row are > 1e-3 apart, and the same relu
                 margins as penalty_gap hold for G and G2.
"""

import json
import os
import sys

import torch
import torch.nn.functional as F

SEED0 = 0
# every random draw is rounded (in float32) to a multiple of QUANT: the values
# stay exact float32 numbers but print in few digits, which keeps the JSON small
QUANT = 2.0 ** -8
# gout and v.* (pure test weights) use a coarser grid
WQUANT = 2.0 ** -6
# computed (float64) values are written rounded to DIGITS significant digits
# (relative error <= 5e-14); the random inputs are exact at this precision
DIGITS = 13
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_fixtures.json")

torch.set_default_dtype(torch.float64)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)

f32 = torch.float32
f64 = torch.float64


# ----------------------------------------------------------------------------
# random helpers: every draw is float32, converted exactly to float64
# ----------------------------------------------------------------------------

def quant(t, quantum=None):
    """Round a float32 tensor to a multiple of quantum (default QUANT); the
    result is exact in float32 and prints exactly with DIGITS digits."""
    q = torch.tensor(1.0 / (quantum or QUANT), dtype=f32)
    t = torch.round(t * q) / q
    for v in t.reshape(-1).tolist():
        assert float("%.*g" % (DIGITS, v)) == v, v
    return t


def randn(*shape, scale=1.0, quantum=None):
    t = torch.randn(tuple(shape), dtype=f32)
    if scale != 1.0:
        t = t * torch.tensor(scale, dtype=f32)
    return quant(t, quantum).to(f64)


def uniform(lo, hi, *shape):
    t = torch.rand(tuple(shape), dtype=f32) * torch.tensor(hi - lo, dtype=f32) + torch.tensor(lo, dtype=f32)
    return quant(t).to(f64)


def signed_uniform(lo, hi, *shape):
    """|value| uniform in [lo, hi] (then quantised), random sign."""
    mag = torch.rand(tuple(shape), dtype=f32) * torch.tensor(hi - lo, dtype=f32) + torch.tensor(lo, dtype=f32)
    sign = torch.randint(0, 2, shape).to(f32) * 2 - 1
    return (quant(mag) * sign).to(f64)


def distinct(*shape, denom=64.0):
    """(random permutation of 0..n-1 - n//2) / denom: distinct, exact values."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n).to(f32)
    return ((perm - float(n // 2)) / denom).reshape(*shape).to(f64)


def labels(n, k):
    return torch.randint(0, k, (n,))


# ----------------------------------------------------------------------------
# serialisation
# ----------------------------------------------------------------------------

def enc(t):
    t = t.detach()
    if t.dtype != f64:
        t = t.to(f64)
    return {"shape": list(t.shape),
            "data": [float("%.*g" % (DIGITS, v)) for v in t.reshape(-1).tolist()]}


CASES = {}
CURRENT_SEED = [None]


def add_case(name, params, tensors):
    assert name not in CASES, name
    params = dict(params)
    params["seed"] = CURRENT_SEED[0]
    CASES[name] = {"params": params, "tensors": {k: enc(v) for k, v in tensors.items()}}


# ----------------------------------------------------------------------------
# generic first/second-order scheme
# ----------------------------------------------------------------------------

def generic(name, inputs, diff, fn, params, extra=None):
    """inputs: ordered dict name -> float64 tensor; diff: names that are
    differentiable; fn(**inputs) -> (out, extra_outputs dict)."""
    leaves = {}
    for k, v in inputs.items():
        leaves[k] = v.clone().requires_grad_(k in diff)
    res = fn(**leaves)
    extra_out = {}
    if isinstance(res, tuple):
        out, extra_out = res
    else:
        out = res
    gout = randn(*out.shape, quantum=WQUANT)
    dl = [leaves[k] for k in diff]
    grads = torch.autograd.grad(out, dl, gout, create_graph=True, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for g, x in zip(grads, dl)]
    vs = [randn(*x.shape, quantum=WQUANT) for x in dl]
    s = None
    for g, v in zip(grads, vs):
        if g.requires_grad:
            term = (g * v).sum()
            s = term if s is None else s + term
    if s is None:
        gg = [torch.zeros_like(x) for x in dl]
    else:
        gg = torch.autograd.grad(s, dl, allow_unused=True)
        gg = [torch.zeros_like(x) if g is None else g for g, x in zip(gg, dl)]
    tensors = dict(inputs)
    tensors["out"] = out
    tensors["gout"] = gout
    for k, g in zip(diff, grads):
        tensors["grad." + k] = g
    for k, v in zip(diff, vs):
        tensors["v." + k] = v
    for k, g in zip(diff, gg):
        tensors["gradgrad." + k] = g
    for k, v in extra_out.items():
        tensors[k] = v
    if extra:
        tensors.update(extra)
    p = dict(params)
    p["diff"] = list(diff)
    add_case(name, p, tensors)


# ----------------------------------------------------------------------------
# cases
# ----------------------------------------------------------------------------

def case_elementwise():
    while True:
        x = signed_uniform(0.1, 1.9, 3, 4)
        y = signed_uniform(0.1, 1.5, 4)
        if (x - y).abs().min() > 0.05 and (x - 0.5 * y).abs().min() > 0.05:
            break
    assert (x * y).abs().max() < 2.95 and x.abs().min() >= 0.05 and (3 * x - 6).abs().min() > 0.05

    def fn(x, y):
        return (torch.sigmoid(x) * torch.tanh(y) + F.silu(x) + F.hardswish(x * y)
                + F.leaky_relu(x, 0.1) * y + F.relu6(3 * x) + torch.exp(0.5 * x) / (1 + x * x)
                + torch.sqrt(x * x + 1) - torch.log(1 + x * x) * y + x.pow(3) / 3 - x / (y * y + 1)
                + torch.maximum(x, y) + torch.minimum(x, 0.5 * y))
    generic("elementwise", {"x": x, "y": y}, ["x", "y"], fn, {
        "leaky_relu_slope": 0.1,
        "expr": "sigmoid(x)*tanh(y) + silu(x) + hardswish(x*y) + leaky_relu(x,0.1)*y + relu6(3*x)"
                " + exp(0.5*x)/(1+x*x) + sqrt(x*x+1) - log(1+x*x)*y + x.pow(3)/3 - x/(y*y+1)"
                " + maximum(x,y) + minimum(x,0.5*y)  (y broadcast over x's last dim)",
    })


def case_softmax():
    x = randn(4, 7)
    generic("softmax", {"x": x}, ["x"],
            lambda x: 2 * F.log_softmax(x, dim=1) + F.softmax(x, dim=0),
            {"expr": "2*log_softmax(x, dim=1) + softmax(x, dim=0)"})


def case_cross_entropy():
    x = randn(5, 6)
    lab = labels(5, 6)
    generic("cross_entropy", {"x": x, "labels": lab.to(f64)}, ["x"],
            lambda x, labels: F.cross_entropy(x, labels.long()),
            {"reduction": "mean", "expr": "cross_entropy(x, labels)"})


def case_cross_entropy_smooth():
    x = randn(5, 6)
    lab = labels(5, 6)
    w = uniform(0.5, 1.5, 6)
    eps = 0.1

    def fn(x, labels, weight):
        return F.cross_entropy(x, labels.long(), weight=weight, label_smoothing=eps)
    # check the documented formula
    with torch.no_grad():
        logp = F.log_softmax(x, 1)
        W = w[lab].sum()
        ref = ((1 - eps) * (w[lab] * -logp[torch.arange(5), lab]).sum() / W
               + eps * (w[None, :] * -logp).sum() / 6 / W)
        got = fn(x, lab.to(f64), w)
        assert torch.allclose(ref, got, rtol=1e-13, atol=0), (ref, got)
    generic("cross_entropy_smooth", {"x": x, "labels": lab.to(f64), "weight": w}, ["x"], fn,
            {"reduction": "mean", "label_smoothing": eps,
             "expr": "cross_entropy(x, labels, weight=weight, label_smoothing=0.1); "
                     "= (1-eps)*sum_b w[y_b]*(-logp[b,y_b])/W + eps*sum_b sum_c w[c]*(-logp[b,c])/C/W, "
                     "W = sum_b w[y_b]"})


def conv_case(name, xs, ws, bias, stride, padding, dilation, groups, act, wscale):
    x = randn(*xs)
    w = randn(*ws, scale=wscale)
    inputs = {"x": x, "w": w}
    diff = ["x", "w"]
    if bias:
        inputs["b"] = randn(ws[0], scale=0.5)
        diff.append("b")

    def fn(x, w, b=None):
        c = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
        if act == "tanh":
            return torch.tanh(c)
        if act == "square":
            return c * c
        return c
    expr = {"tanh": "tanh(conv2d(...))", "square": "conv2d(...)**2", "none": "conv2d(...)"}[act]
    generic(name, inputs, diff, fn, {
        "stride": stride, "padding": padding, "dilation": dilation, "groups": groups,
        "bias": bias, "activation": act, "expr": expr})


def case_convs():
    conv_case("conv", (2, 4, 7, 6), (6, 2, 3, 3), True, 2, 1, 2, 2, "tanh", 0.4)
    conv_case("conv_plain", (2, 3, 5, 5), (4, 3, 3, 3), True, 1, 1, 1, 1, "none", 0.4)
    conv_case("conv_depthwise", (2, 3, 6, 6), (3, 1, 3, 3), False, 1, 1, 1, 3, "square", 0.4)
    conv_case("conv_1x1", (2, 5, 4, 4), (3, 5, 1, 1), True, 2, 0, 1, 1, "none", 0.4)


def case_maxpool():
    x = distinct(2, 3, 7, 7)
    generic("maxpool", {"x": x}, ["x"],
            lambda x: F.max_pool2d(x, 3, stride=2, padding=1) ** 2,
            {"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": False,
             "expr": "max_pool2d(x, 3, stride=2, padding=1)**2"})


def case_maxpool_ceil():
    x = distinct(1, 2, 6, 6)
    generic("maxpool_ceil", {"x": x}, ["x"],
            lambda x: F.max_pool2d(x, 3, stride=2, padding=0, ceil_mode=True) ** 2,
            {"kernel": 3, "stride": 2, "padding": 0, "ceil_mode": True,
             "expr": "max_pool2d(x, 3, stride=2, padding=0, ceil_mode=True)**2"})


def case_avgpools():
    x = randn(2, 3, 7, 7)
    generic("avgpool", {"x": x}, ["x"],
            lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True) ** 2,
            {"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": False, "count_include_pad": True,
             "expr": "avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)**2"})


def case_adaptive_avgpool():
    x = randn(2, 3, 7, 5)
    generic("adaptive_avgpool", {"x": x}, ["x"],
            lambda x: F.adaptive_avg_pool2d(x, (3, 2)) ** 2,
            {"output_size": [3, 2], "expr": "adaptive_avg_pool2d(x, (3,2))**2; bin i of n->m covers "
                                             "[floor(i*n/m), ceil((i+1)*n/m))"})


def case_global_avgpool():
    x = randn(2, 3, 4, 5)
    generic("global_avgpool", {"x": x}, ["x"],
            lambda x: F.adaptive_avg_pool2d(x, (1, 1)) ** 2,
            {"output_size": [1, 1], "expr": "adaptive_avg_pool2d(x, (1,1))**2"})


def bn_train_case(name, xs):
    c = xs[1]
    x = randn(*xs)
    weight = uniform(0.5, 1.5, c)
    bias = randn(c, scale=0.5)
    rm0 = torch.zeros(c)
    rv0 = torch.ones(c)
    eps, mom = 1e-5, 0.1
    state = {}

    def fn(x, weight, bias, running_mean, running_var):
        rm = running_mean.detach().clone()
        rv = running_var.detach().clone()
        y = torch.tanh(F.batch_norm(x, rm, rv, weight, bias, training=True, momentum=mom, eps=eps))
        state["rm"], state["rv"] = rm, rv
        return y
    generic(name, {"x": x, "weight": weight, "bias": bias, "running_mean": rm0, "running_var": rv0},
            ["x", "weight", "bias"], fn,
            {"eps": eps, "momentum": mom, "training": True,
             "expr": "tanh(batch_norm(x, running_mean, running_var, weight, bias, training=True)); "
                     "normalise with biased batch var; running update uses unbiased var"})
    # check the running update formula
    dims = [0] + list(range(2, len(xs)))
    n = x.numel() // c
    mean = x.mean(dim=dims)
    uvar = x.var(dim=dims, unbiased=True)
    assert torch.allclose(state["rm"], (1 - mom) * rm0 + mom * mean, rtol=1e-14, atol=1e-15)
    assert torch.allclose(state["rv"], (1 - mom) * rv0 + mom * uvar, rtol=1e-14, atol=1e-15)
    assert n > 1
    t = CASES[name]["tensors"]
    t["running_mean_after"] = enc(state["rm"])
    t["running_var_after"] = enc(state["rv"])


def case_batchnorm_eval():
    x = randn(4, 3, 5, 5)
    weight = uniform(0.5, 1.5, 3)
    bias = randn(3, scale=0.5)
    rm = randn(3, scale=0.5)
    rv = uniform(0.5, 2.0, 3)
    eps = 1e-5
    generic("batchnorm_eval", {"x": x, "weight": weight, "bias": bias, "running_mean": rm, "running_var": rv},
            ["x", "weight", "bias"],
            lambda x, weight, bias, running_mean, running_var: torch.tanh(
                F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=eps)),
            {"eps": eps, "momentum": 0.1, "training": False,
             "expr": "tanh(batch_norm(x, running_mean, running_var, weight, bias, training=False))"})


def case_matmuls():
    a = randn(2, 3, 4)
    b = randn(4, 5)
    generic("matmul", {"a": a, "b": b}, ["a", "b"], lambda a, b: torch.matmul(a, b),
            {"expr": "matmul(a, b) (b broadcast over a's batch dim)"})


def case_bmm():
    a = randn(2, 3, 4, scale=0.5)
    b = randn(2, 4, 5, scale=0.5)
    generic("bmm", {"a": a, "b": b}, ["a", "b"], lambda a, b: torch.tanh(a @ b),
            {"expr": "tanh(a @ b)"})


def case_linear():
    x = randn(3, 4)
    w = randn(5, 4, scale=0.5)
    b = randn(5, scale=0.5)
    generic("linear", {"x": x, "w": w, "b": b}, ["x", "w", "b"],
            lambda x, w, b: torch.tanh(F.linear(x, w, b)),
            {"expr": "tanh(linear(x, w, b)) = tanh(x @ w.T + b)"})


def case_reductions():
    while True:
        x = randn(3, 4, 5)
        top = x.sort(dim=0, descending=True).values
        if (top[0] - top[1]).min() > 0.05:
            break
    generic("reductions", {"x": x}, ["x"],
            lambda x: x.sum(dim=1, keepdim=True) * x.mean(dim=2, keepdim=True) + x.amax(dim=0, keepdim=True),
            {"expr": "x.sum(dim=1, keepdim=True) * x.mean(dim=2, keepdim=True) + x.amax(dim=0, keepdim=True)"})


def case_var():
    x = randn(3, 4, 5)
    generic("var", {"x": x}, ["x"],
            lambda x: x.var(dim=(0, 2), unbiased=False) * x.mean(),
            {"dims": [0, 2], "unbiased": False, "expr": "x.var(dim=(0,2), unbiased=False) * x.mean()"})


def case_sumsq():
    x = randn(3, 4, 5)
    generic("sumsq", {"x": x}, ["x"],
            lambda x: (x * x).sum(dim=(0, 2)) * x.mean(),
            {"dims": [0, 2], "expr": "(x*x).sum(dim=(0,2)) * x.mean()"})


SHAPE_OPS_EXPR = (
    "t1 = x.permute(0,2,1)  [2,4,3]; "
    "t2 = t1.narrow(1,1,2) (= t1[:,1:3,:])  [2,2,3]; "
    "t3 = x.narrow(2,0,2).reshape(2,2,3) (x[:,:,0:2] in row-major order)  [2,2,3]; "
    "t4 = cat([t2,t3], dim=1)  [2,4,3]; "
    "t5 = stack([t4,t1], dim=0)  [2,2,4,3]; "
    "t6 = pad(t5, (1,2)) (last dim, zeros: 1 before, 2 after)  [2,2,4,6]; "
    "t7 = t6.index_select(3, [5,0,2,2,1])  [2,2,4,5]; "
    "t8 = gather(t7, 2, gather_index)  [2,2,3,5]; "
    "out = t8*t8"
)


def case_shape_ops():
    x = randn(2, 3, 4)
    gidx = torch.randint(0, 4, (2, 2, 3, 5))
    isel = [5, 0, 2, 2, 1]

    def fn(x, gather_index):
        t1 = x.permute(0, 2, 1)
        t2 = t1.narrow(1, 1, 2)
        t3 = x.narrow(2, 0, 2).reshape(2, 2, 3)
        t4 = torch.cat([t2, t3], dim=1)
        t5 = torch.stack([t4, t1], dim=0)
        t6 = F.pad(t5, (1, 2))
        t7 = t6.index_select(3, torch.tensor(isel))
        t8 = torch.gather(t7, 2, gather_index.long())
        return t8 * t8
    generic("shape_ops", {"x": x, "gather_index": gidx.to(f64)}, ["x"], fn, {
        "permute": [0, 2, 1], "narrow": [1, 1, 2], "narrow_x": [2, 0, 2], "reshape": [2, 2, 3],
        "cat_dim": 1, "stack_dim": 0, "pad": [1, 2], "pad_value": 0.0,
        "index_select_dim": 3, "index_select": isel, "gather_dim": 2,
        "expr": SHAPE_OPS_EXPR})


# ----------------------------------------------------------------------------
# Model Doctor gradient penalty cases
# ----------------------------------------------------------------------------

PEN_PARAMS = ["cw", "cb", "g", "be", "lw", "lb"]
BN_EPS = 1e-5
MARGIN = 1e-3


def pen_inputs(pool):
    x = randn(3, 3, 6, 6)
    cw = randn(4, 3, 3, 3, scale=0.3)
    cb = randn(4, scale=0.3)
    g = uniform(0.5, 1.5, 4)
    be = randn(4, scale=0.5)
    nfeat = 4 if pool == "gap" else 4 * 3 * 3
    lw = randn(5, nfeat, scale=0.5)
    lb = randn(5, scale=0.3)
    y = labels(3, 5)
    return x, dict(cw=cw, cb=cb, g=g, be=be, lw=lw, lb=lb), y


def pen_forward(x, P, pool):
    A = F.conv2d(x, P["cw"], P["cb"], padding=1)
    bn = F.batch_norm(A, None, None, P["g"], P["be"], training=True, eps=BN_EPS)
    h = F.relu(bn)
    if pool == "gap":
        p = F.adaptive_avg_pool2d(h, 1).flatten(1)
    else:
        p = F.max_pool2d(h, 2).flatten(1)
    z = F.linear(p, P["lw"], P["lb"])
    return A, bn, h, z


def target_grad(z, A, t):
    return torch.autograd.grad(z.gather(1, t[:, None]).mean(), A, create_graph=True)[0]


def margins_ok(bn, h, Gs, pool):
    if bn.abs().min() <= MARGIN:
        return False
    for G in Gs:
        if G.abs().min() <= MARGIN * G.abs().max():
            return False
    if pool == "max":
        win = h.detach().unfold(2, 2, 2).unfold(3, 2, 2).reshape(*h.shape[:2], 3, 3, 4)
        top = win.sort(dim=-1, descending=True).values
        pos = top[..., 0] > 0
        if ((top[..., 0] - top[..., 1])[pos]).min() <= MARGIN:
            return False
    return True


def pen_grads(out, P):
    gs = torch.autograd.grad(out, [P[k] for k in PEN_PARAMS], retain_graph=True, allow_unused=True)
    return {k: (torch.zeros_like(P[k]) if gr is None else gr) for k, gr in zip(PEN_PARAMS, gs)}


def penalty_case(name, pool):
    tries = 0
    while True:
        tries += 1
        x, P0, y = pen_inputs(pool)
        P = {k: v.clone().requires_grad_(True) for k, v in P0.items()}
        A, bn, h, z = pen_forward(x, P, pool)
        G = target_grad(z, A, y)
        if margins_ok(bn, h, [G], pool):
            break
    penalty = F.relu(G).sum()
    ce = F.cross_entropy(z, y)
    loss = ce + penalty
    dpen = pen_grads(penalty, P)
    dloss = pen_grads(loss, P)
    assert dpen["cw"].abs().max() > 0 and dpen["lw"].abs().max() > 0, name
    print(f"  {name}: tries={tries} penalty={penalty.item():.6g} ce={ce.item():.6g} "
          f"|dpenalty.cw|max={dpen['cw'].abs().max().item():.3g} "
          f"|dpenalty.lw|max={dpen['lw'].abs().max().item():.3g} "
          f"|dpenalty.cb|max={dpen['cb'].abs().max().item():.3g}")
    tensors = {"x": x, **P0, "y": y.to(f64), "z": z, "A": A, "G": G,
               "penalty": penalty, "ce": ce, "loss": loss}
    for k in PEN_PARAMS:
        tensors["dpenalty." + k] = dpen[k]
    for k in PEN_PARAMS:
        tensors["dloss." + k] = dloss[k]
    pool_expr = ("p = adaptive_avg_pool2d(h,1).flatten(1)" if pool == "gap"
                 else "p = max_pool2d(h,2).flatten(1)")
    add_case(name, {
        "conv_stride": 1, "conv_padding": 1, "bn_eps": BN_EPS, "bn_training": True,
        "pool": pool, "num_classes": 5, "param_names": PEN_PARAMS, "resample_tries": tries,
        "expr": "A = conv2d(x,cw,cb,padding=1); h = relu(batch_norm(A,None,None,g,be,training=True,eps=1e-5)); "
                + pool_expr + "; z = linear(p,lw,lb); "
                "G = grad(z.gather(1,y[:,None]).mean(), A, create_graph=True); "
                "penalty = relu(G).sum(); ce = cross_entropy(z,y); loss = ce + penalty",
    }, tensors)


def case_penalty_channel():
    lam = 10.0
    tries = 0
    while True:
        tries += 1
        x, P0, y = pen_inputs("gap")
        mask = torch.randint(0, 2, (5, 4)).to(f64)
        P = {k: v.clone().requires_grad_(True) for k, v in P0.items()}
        A, bn, h, z = pen_forward(x, P, "gap")
        zs = z.detach().sort(dim=1, descending=True)
        if (zs.values[:, :2] - zs.values[:, 1:3]).min() <= MARGIN:
            continue
        pred = zs.indices[:, 0]
        correct = pred == y
        if not (correct.any() and (~correct).any()):
            continue
        y2 = torch.where(correct, zs.indices[:, 1], pred)
        G = target_grad(z, A, y)
        G2 = target_grad(z, A, y2)
        if margins_ok(bn, h, [G, G2], "gap"):
            break
    Pm = F.relu(G).sum((2, 3))
    P2 = F.relu(G2).sum((2, 3))
    L_high = (mask[y2] * P2).sum(1).mean()
    L_low = ((1 - mask[y]) * Pm).sum(1).mean()
    ce = F.cross_entropy(z, y)
    L = ce + lam * (L_high + L_low)
    dL = pen_grads(L, P)
    assert dL["cw"].abs().max() > 0 and dL["lw"].abs().max() > 0
    print(f"  penalty_channel: tries={tries} correct={correct.tolist()} y={y.tolist()} y2={y2.tolist()} "
          f"L_high={L_high.item():.6g} L_low={L_low.item():.6g} ce={ce.item():.6g}")
    tensors = {"x": x, **P0, "y": y.to(f64), "mask": mask, "z": z, "A": A, "y2": y2.to(f64),
               "G": G, "G2": G2, "P": Pm, "P2": P2, "ce": ce, "L_high": L_high, "L_low": L_low, "L": L}
    for k in PEN_PARAMS:
        tensors["dL." + k] = dL[k]
    add_case("penalty_channel", {
        "conv_stride": 1, "conv_padding": 1, "bn_eps": BN_EPS, "bn_training": True,
        "pool": "gap", "num_classes": 5, "lambda": lam, "param_names": PEN_PARAMS, "resample_tries": tries,
        "expr": "A = conv2d(x,cw,cb,padding=1); h = relu(batch_norm(A,None,None,g,be,training=True,eps=1e-5)); "
                "p = adaptive_avg_pool2d(h,1).flatten(1); z = linear(p,lw,lb); "
                "pred = argmax(z,1); y2 = (pred==y) ? second-largest-logit class : pred; "
                "G = grad(z.gather(1,y[:,None]).mean(), A, create_graph=True); "
                "G2 = grad(z.gather(1,y2[:,None]).mean(), A, create_graph=True); "
                "P = relu(G).sum((2,3)); P2 = relu(G2).sum((2,3)); "
                "L_high = (mask[y2]*P2).sum(1).mean(); L_low = ((1-mask[y])*P).sum(1).mean(); "
                "L = cross_entropy(z,y) + 10*(L_high+L_low)",
    }, tensors)


ALL = [
    case_elementwise,
    case_softmax,
    case_cross_entropy,
    case_cross_entropy_smooth,
    case_convs,
    case_maxpool,
    case_maxpool_ceil,
    case_avgpools,
    case_adaptive_avgpool,
    case_global_avgpool,
    lambda: bn_train_case("batchnorm_train", (4, 3, 5, 5)),
    case_batchnorm_eval,
    lambda: bn_train_case("batchnorm1d_train", (6, 4)),
    case_matmuls,
    case_bmm,
    case_linear,
    case_reductions,
    case_var,
    case_sumsq,
    case_shape_ops,
    lambda: penalty_case("penalty_gap", "gap"),
    lambda: penalty_case("penalty_maxpool", "max"),
    case_penalty_channel,
]


def main():
    for i, f in enumerate(ALL):
        CURRENT_SEED[0] = SEED0 + i
        torch.manual_seed(SEED0 + i)
        f()
    doc = {"torch_version": torch.__version__, "cases": CASES}
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    with open(OUT_PATH, "w") as fh:
        fh.write(text)
        fh.write("\n")
    print(f"wrote {OUT_PATH}: {os.path.getsize(OUT_PATH)} bytes, {len(CASES)} cases, torch {torch.__version__}")
    for name, c in CASES.items():
        shapes = ", ".join(f"{k}{v['shape']}" for k, v in c["tensors"].items()
                           if not k.startswith(("grad.", "v.", "gradgrad.", "dpenalty.", "dloss.", "dL.")))
        print(f"  {name}: {shapes}")


if __name__ == "__main__":
    sys.exit(main())
