"""Writes the .pth fixtures of nn/pth_test.go with PyTorch's own torch.save.

  conv_bn_linear.pth   a conv/batch-norm/linear model's state dict after a
                       few training steps (num_batches_tracked is 3)
  conv_bn_linear.json  its tensors' values and eval-mode logits on an input
  views.pth            an OrderedDict of tensors that are views (offsets,
                       transposes, a shared storage) and of other dtypes,
                       saved through a buffer, so its folder is "archive"
  views.json           the expected values, row-major
  legacy.pth           a state dict in the pre-1.6 format, which is refused

Run with Debian's python3-torch:  /usr/bin/python3 nn/testdata/pth/gen_pth_fixtures.py
"""
import collections, io, json, os
import torch

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def values(t):
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
            "values": t.detach().to(torch.float64).flatten().tolist()}


model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 4, 3, padding=1),
    torch.nn.BatchNorm2d(4),
    torch.nn.ReLU(),
    torch.nn.AdaptiveAvgPool2d(1),
    torch.nn.Flatten(),
    torch.nn.Linear(4, 5),
)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    loss = model(torch.randn(8, 3, 6, 6)).logsumexp(1).mean()
    opt.zero_grad(); loss.backward(); opt.step()
model.eval()
x = torch.randn(2, 3, 6, 6)
with torch.no_grad():
    logits = model(x)
sd = model.state_dict()
torch.save(sd, os.path.join(here, "conv_bn_linear.pth"))
with open(os.path.join(here, "conv_bn_linear.json"), "w") as f:
    json.dump({"torch_version": torch.__version__,
               "tensors": [[k, values(v)] for k, v in sd.items()],
               "module_versions": {k: v["version"] for k, v in sd._metadata.items()},
               "input": x.flatten().tolist(), "input_shape": list(x.shape),
               "logits": logits.flatten().tolist()}, f)

base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8 - 1
views = collections.OrderedDict()
views["transposed_slice"] = base.t()[1:, 1:3]          # offset 7, strides (1, 6)
views["row"] = base[2]                                  # same storage, offset 12
views["every_other"] = base[:, ::2]                     # stride 2 in the last dim
views["expanded"] = torch.tensor([1.5, -2.0]).unsqueeze(1).expand(2, 3)  # stride 0
views["scalar"] = torch.tensor(7, dtype=torch.int64)
views["empty"] = torch.zeros(0, 3)
views["float64"] = torch.tensor([[0.1, -2.5], [1e10, 3.0]], dtype=torch.float64)
views["float16"] = torch.tensor([0.5, -1.25, 65504.0, 6e-8], dtype=torch.float16)
views["bfloat16"] = torch.tensor([1.0, -3.5], dtype=torch.bfloat16)
views["int64"] = torch.tensor([[-3, 4], [5, 2**40]], dtype=torch.int64)[:, 1]
views["bool"] = torch.tensor([True, False, True])
buf = io.BytesIO()
torch.save(views, buf)
with open(os.path.join(here, "views.pth"), "wb") as f:
    f.write(buf.getvalue())
with open(os.path.join(here, "views.json"), "w") as f:
    json.dump([[k, values(v)] for k, v in views.items()], f)

torch.save(collections.OrderedDict(w=torch.ones(2)), os.path.join(here, "legacy.pth"),
           _use_new_zipfile_serialization=False)
print("wrote fixtures with torch", torch.__version__)
