"""Writes optim_fixtures.json: parameters after N optimizer steps in PyTorch.

Run with Debian's python3-torch:  /usr/bin/python3 optim/testdata/gen_optim_fixtures.py

Two parameters p0 [3,4] and p1 [5] start from fixed float32 values. At each
step the gradient is g = c*p*p + d (c, d fixed float32 tensors), i.e. the
gradient of sum(c*p^3/3 + d*p); the Go test computes the same gradient.
The learning rate is fixed at 0.05 for the optimizer cases. Schedules are
recorded separately as the lr of epochs 0..11.
"""
import json, os, torch

torch.manual_seed(0)
def r(*s):
    return (torch.rand(*s) * 2 - 1).float()
p0, p1 = r(3, 4), r(5)
c0, c1 = r(3, 4), r(5)
d0, d1 = r(3, 4), r(5)
STEPS, LR = 6, 0.05

def run(make):
    ps = [p0.clone().requires_grad_(True), p1.clone().requires_grad_(True)]
    opt = make(ps)
    for _ in range(STEPS):
        opt.zero_grad()
        with torch.no_grad():
            for p, c, d in zip(ps, (c0, c1), (d0, d1)):
                p.grad = c * p * p + d
        opt.step()
    return [p.detach().flatten().tolist() for p in ps]

cases = {
    "sgd_momentum_wd": dict(kind="sgd", momentum=0.9, dampening=0.0, weight_decay=5e-4, nesterov=False),
    "sgd_nesterov": dict(kind="sgd", momentum=0.9, dampening=0.0, weight_decay=1e-2, nesterov=True),
    "sgd_dampening": dict(kind="sgd", momentum=0.5, dampening=0.1, weight_decay=0.0, nesterov=False),
    "sgd_plain": dict(kind="sgd", momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False),
    "adam_wd": dict(kind="adam", betas=[0.9, 0.999], eps=1e-8, weight_decay=1e-2),
    "adamw": dict(kind="adamw", betas=[0.8, 0.99], eps=1e-6, weight_decay=0.1),
}
out = {"torch_version": torch.__version__, "steps": STEPS, "lr": LR,
       "p0": p0.flatten().tolist(), "p1": p1.flatten().tolist(),
       "c0": c0.flatten().tolist(), "c1": c1.flatten().tolist(),
       "d0": d0.flatten().tolist(), "d1": d1.flatten().tolist(), "cases": {}}
for name, o in cases.items():
    if o["kind"] == "sgd":
        mk = lambda ps, o=o: torch.optim.SGD(ps, lr=LR, momentum=o["momentum"], dampening=o["dampening"], weight_decay=o["weight_decay"], nesterov=o["nesterov"])
    elif o["kind"] == "adam":
        mk = lambda ps, o=o: torch.optim.Adam(ps, lr=LR, betas=o["betas"], eps=o["eps"], weight_decay=o["weight_decay"])
    else:
        mk = lambda ps, o=o: torch.optim.AdamW(ps, lr=LR, betas=o["betas"], eps=o["eps"], weight_decay=o["weight_decay"])
    res = run(mk)
    out["cases"][name] = dict(options=o, p0=res[0], p1=res[1])

def lrs(make, n=12, base=0.1):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    s = make(opt)
    vals = []
    for _ in range(n):
        vals.append(opt.param_groups[0]["lr"])
        opt.step(); s.step()
    return vals

out["schedules"] = {
    "step_lr": dict(step=3, gamma=0.1, lrs=lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, 3, 0.1))),
    "multistep_lr": dict(milestones=[2, 5], gamma=0.5, lrs=lrs(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [2, 5], 0.5))),
    "cosine": dict(t_max=10, eta_min=0.001, lrs=lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 10, 0.001))),
    "linear_warmup": dict(start_factor=0.25, total_iters=3, lrs=lrs(lambda o: torch.optim.lr_scheduler.LinearLR(o, 0.25, 1.0, 3))),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, sort_keys=True)
print("wrote", path)
