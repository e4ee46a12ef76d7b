"""Writes the fixture of doctor/capture_inplace_test.go: what the Model
Doctor authors' PyTorch computes at AlexNet's doctor layer, where the hooked
convolution features.10 is followed by nn.ReLU(inplace=True).

  alexnet.pth   torch.save(model.state_dict()) of the authors' AlexNet
                (models/alexnet.py, no LRN) at width 1/64 with our zoo's
                rounding, 3 input channels, 10 classes, seed 0
  inplace.json  for a batch of 6 inputs x[i] = 1.5*sin(0.731*i) (i the flat
                index, float64 then float32) and fixed labels, in eval mode:
                the conv output A, the gradient of the batch-mean label
                logit at the tensor their forward hook returned, with the
                ReLU in place (as they run) and not, and their channel
                penalty (core/grad_constraint.py, alpha 1) for a fixed mask
                with its gradient at classifier.6.weight

Run:  python3 doctor/testdata/inplace/gen_inplace_fixture.py
(needs python3-torch and python3-numpy)
"""
import json, os
import numpy as np
import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
WIDTH, CLASSES, BATCH = 1 / 64, 10, 6
LABELS = [0, 3, 3, 7, 9, 1]


def scaled(n):
    return max(int(n * WIDTH + 0.5), 1)  # zoo.Scaled


def alexnet(inplace):
    c1, c2, c3, c4, h = scaled(64), scaled(192), scaled(384), scaled(256), scaled(4096)
    conv = lambda i, o, s=1: nn.Conv2d(i, o, kernel_size=(3, 3), stride=(s, s), padding=(1, 1))
    m = nn.Module()
    m.features = nn.Sequential(
        conv(3, c1, 2), nn.ReLU(inplace), nn.MaxPool2d(2),
        conv(c1, c2), nn.ReLU(inplace), nn.MaxPool2d(2),
        conv(c2, c3), nn.ReLU(inplace),
        conv(c3, c4), nn.ReLU(inplace),
        conv(c4, c4), nn.ReLU(inplace), nn.MaxPool2d(2))
    m.classifier = nn.Sequential(
        nn.Dropout(), nn.Linear(c4 * 2 * 2, h), nn.ReLU(inplace),
        nn.Dropout(), nn.Linear(h, h), nn.ReLU(inplace),
        nn.Linear(h, CLASSES))
    m.forward = lambda x: m.classifier(m.features(x).view(x.size(0), -1))
    return m


torch.manual_seed(0)
state = alexnet(False).state_dict()
x = torch.from_numpy((1.5 * np.sin(0.731 * np.arange(BATCH * 3 * 32 * 32))).astype(np.float32))
x = x.view(BATCH, 3, 32, 32)
labels = torch.tensor(LABELS)
# A fixed mask [classes, channels]: class k owns channels c with (k+c) % 3 == 0.
C = scaled(256)
mask = torch.tensor([[1.0 if (k + c) % 3 == 0 else 0.0 for c in range(C)] for k in range(CLASSES)])


def grads(hooked, outputs, labels):
    # HookModule.grads of -NLLLoss(outputs, labels): the batch-mean label logit.
    nll = nn.NLLLoss()(outputs, labels)
    return torch.autograd.grad(-nll, hooked, retain_graph=True, create_graph=True)[0]


def loss_channel(g, labels, is_high):  # core/grad_constraint.py
    cg = torch.relu(g).sum(dim=(2, 3))
    loss = 0
    for b, l in enumerate(labels):
        loss += (cg[b] * (mask[l] if is_high else 1 - mask[l])).sum()
    return loss / len(labels)


def run(inplace):
    m = alexnet(inplace)
    m.load_state_dict(state)
    m.eval()
    hook = {}
    m.features[10].register_forward_hook(lambda mod, i, o: hook.__setitem__("a", o))
    pre = {}
    m.features[10].register_forward_hook(lambda mod, i, o: pre.__setitem__("a", o.detach().clone()))
    outputs = m(x)
    probs = torch.argsort(-outputs, dim=1)
    confusing = torch.tensor([int(p[1]) if p[0] == l else int(p[0]) for p, l in zip(probs, labels)])
    g = grads(hook["a"], outputs, labels)
    penalty = loss_channel(grads(hook["a"], outputs, confusing), confusing, True) + loss_channel(g, labels, False)
    w = dict(m.named_parameters())["classifier.6.weight"]
    dw = torch.autograd.grad(penalty, w)[0]
    return pre["a"], g.detach(), penalty.item(), dw, confusing, outputs.detach()


pre, g_in, pen_in, dw_in, conf, logits = run(True)
pre_p, g_pl, pen_pl, dw_pl, conf_p, logits_p = run(False)
assert torch.equal(pre, pre_p) and torch.equal(conf, conf_p) and torch.equal(logits, logits_p)
# The in-place gradient is the one at the ReLU's output; the conv's own is it
# masked to A > 0. They must differ somewhere for the fixture to test anything.
assert torch.allclose(g_pl, g_in * (pre > 0))
differ = int(((g_in != 0) & (pre <= 0)).sum())
assert differ > 0, "no gradient at a non-positive pre-activation"

flat = lambda t: [float(v) for v in t.flatten()]
torch.save(state, os.path.join(here, "alexnet.pth"))
with open(os.path.join(here, "inplace.json"), "w") as f:
    json.dump({
        "torch": torch.__version__, "width": WIDTH, "batch": BATCH, "labels": LABELS,
        "doctor_layer": "features.10", "shape": list(pre.shape),
        "a": flat(pre), "grad_inplace": flat(g_in), "grad_plain": flat(g_pl),
        "logits": flat(logits), "confusing": [int(c) for c in conf],
        "mask": [[int(v) for v in row] for row in mask],
        "penalty_inplace": pen_in, "penalty_plain": pen_pl,
        "penalty_grad_classifier6_inplace": flat(dw_in),
        "penalty_grad_classifier6_plain": flat(dw_pl),
        "differ_at_nonpositive_a": differ,
    }, f)
print("A", list(pre.shape), "gradient at A <= 0 (in place):", differ, "of", int((pre <= 0).sum()),
      "| penalty in place", pen_in, "plain", pen_pl,
      "| max |G_inplace - G_plain|", float((g_in - g_pl).abs().max()))
