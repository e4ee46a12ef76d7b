"""Writes the fixture of zoo/authors_weights_test.go: weights trained by
PyTorch the way the Model Doctor authors' code trains (their Fashion-MNIST
loader, optimiser and torch.save), and PyTorch's predictions, so the Go test
can show that such weights load and predict the same in Go.

  simplecnn.pth          torch.save(model.state_dict()), as their train.py saves
  simplecnn.safetensors  the same state dict as safetensors
  images-idx3-ubyte      the first 200 Fashion-MNIST test images, raw 28x28
                         bytes, in the IDX format of the data set's own files
  predictions.json       PyTorch's eval-mode logits and classes for them

The model is our zoo's simplecnn at width 0.5 (zoo/simplecnn.go) with 3
input channels, written with the same state-dict names. Images go through
the authors' loaders/fashion_mnist_loader.py: the PIL image as RGB,
Resize((32, 32)), (training only: RandomCrop(32, padding=2),
RandomHorizontalFlip()), ToTensor, Normalize((0.286,), (0.353,)).
torchvision is not packaged for Debian's PyTorch, so its transforms are
written out as torchvision does them on PIL images. The safetensors Python
package is not packaged either, so the file is written by hand.

Run:  /usr/bin/python3 zoo/testdata/authors/gen_authors_fixture.py
(needs python3-torch, python3-pil, python3-numpy, dataset-fashion-mnist)
"""
import gzip, json, os, struct
import numpy as np
from PIL import Image
import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
src = "/usr/share/datasets/fashion-mnist/"
torch.manual_seed(0)
rng = np.random.default_rng(0)
MEAN, STD = 0.286, 0.353
N_TEST, STEPS, BATCH = 200, 400, 64


def idx(name, offset):
    with gzip.open(src + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


train_x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
train_y = idx("train-labels-idx1-ubyte.gz", 8)
test_x = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)[:N_TEST]


def to_pil(raw):
    # ImageDataset opens images with convert('RGB'); Resize((32, 32)).
    return Image.fromarray(raw, "L").convert("RGB").resize((32, 32), Image.BILINEAR)


def to_tensor(img):
    # ToTensor then Normalize((0.286,), (0.353,)), in float32.
    x = torch.from_numpy(np.array(img)).permute(2, 0, 1).contiguous().float().div(255)
    return x.sub(torch.tensor([MEAN]).view(-1, 1, 1)).div(torch.tensor([STD]).view(-1, 1, 1))


def train_tensor(raw):
    a = np.array(to_pil(raw))
    a = np.pad(a, ((2, 2), (2, 2), (0, 0)))  # RandomCrop(32, padding=2)
    top, left = rng.integers(0, 5, size=2)
    a = a[top:top + 32, left:left + 32]
    if rng.random() < 0.5:  # RandomHorizontalFlip()
        a = a[:, ::-1]
    return to_tensor(Image.fromarray(np.ascontiguousarray(a)))


class SimpleCNN(nn.Module):
    def __init__(self, in_channels=3, classes=10, widths=(8, 16, 32, 64)):
        super().__init__()
        layers, c = [], in_channels
        for i, w in enumerate(widths):
            layers += [nn.Conv2d(c, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU()]
            if i < 3:
                layers.append(nn.MaxPool2d(2, 2))
            c = w
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


model = SimpleCNN()
# train.py's optimiser.
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
loss_fn = nn.CrossEntropyLoss()
model.train()
for step in range(STEPS):
    ids = rng.integers(0, len(train_x), size=BATCH)
    x = torch.stack([train_tensor(train_x[i]) for i in ids])
    y = torch.from_numpy(train_y[ids].astype(np.int64))
    loss = loss_fn(model(x), y)
    opt.zero_grad(); loss.backward(); opt.step()
model.eval()

x = torch.stack([to_tensor(to_pil(r)) for r in test_x])
with torch.no_grad():
    logits = model(x)
pred = logits.argmax(1)
top2 = logits.topk(2, 1).values
test_y = idx("t10k-labels-idx1-ubyte.gz", 8)[:N_TEST]
acc = float((pred.numpy() == test_y).mean())

sd = model.state_dict()
torch.save(sd, os.path.join(here, "simplecnn.pth"))

DT = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}
items = sorted(sd.items(), key=lambda kv: (-DT[kv[1].dtype][1], kv[0]))
header, blobs, off = {}, [], 0
for name, t in items:
    b = t.contiguous().numpy().tobytes()
    header[name] = {"dtype": DT[t.dtype][0], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b); off += len(b)
header["__metadata__"] = {"format": "pt"}
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(here, "simplecnn.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for b in blobs: f.write(b)

with open(os.path.join(here, "images-idx3-ubyte"), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, N_TEST, 28, 28)); f.write(test_x.tobytes())
with open(os.path.join(here, "predictions.json"), "w") as f:
    json.dump({"torch": torch.__version__, "model": "simplecnn", "width": 0.5, "in_channels": 3,
               "dataset": "fashion-mnist", "train_steps": STEPS, "test_accuracy": acc,
               "min_top2_margin": float((top2[:, 0] - top2[:, 1]).min()),
               "classes": pred.tolist(), "logits": logits.tolist()}, f)
print("accuracy on the first", N_TEST, "test images:", acc, "min margin", float((top2[:, 0] - top2[:, 1]).min()))
