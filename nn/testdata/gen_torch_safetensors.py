"""Writes torch_model.safetensors and torch_model.json: a small PyTorch model's
state dict in the safetensors format, and its eval-mode logits on a fixed input,
so the Go test can load the weights into the Go twin and compare logits.

The safetensors Python package is not available from Debian, so this script
serialises the state dict itself, following the format's specification and the
reference writer's layout (header entries sorted by dtype size, then name; data
in that order; header padded with spaces to a multiple of 8 bytes).

Run with Debian's python3-torch:  /usr/bin/python3 nn/testdata/gen_torch_safetensors.py
"""
import json, os, struct
import torch

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Conv2d(3, 4, 3, padding=1),
    torch.nn.BatchNorm2d(4),
    torch.nn.ReLU(),
    torch.nn.AdaptiveAvgPool2d(1),
    torch.nn.Flatten(),
    torch.nn.Linear(4, 5),
)
# A few training steps so the batch-norm statistics are not the defaults.
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    x = torch.randn(8, 3, 6, 6)
    loss = model(x).logsumexp(1).mean()
    opt.zero_grad(); loss.backward(); opt.step()
model.eval()
x = torch.randn(2, 3, 6, 6)
with torch.no_grad():
    logits = model(x)

DT = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}
sd = model.state_dict()
items = sorted(sd.items(), key=lambda kv: (-DT[kv[1].dtype][1], kv[0]))
header, blobs, off = {}, [], 0
for name, t in items:
    b = t.contiguous().numpy().tobytes()
    header[name] = {"dtype": DT[t.dtype][0], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b); off += len(b)
header["__metadata__"] = {"format": "pt"}
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "torch_model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for b in blobs: f.write(b)
with open(os.path.join(here, "torch_model.json"), "w") as f:
    json.dump({"torch_version": torch.__version__, "state_dict_order": list(sd.keys()),
               "input": x.flatten().tolist(), "input_shape": list(x.shape),
               "logits": logits.flatten().tolist(), "logits_shape": list(logits.shape)}, f)
print("wrote", len(items), "tensors")
