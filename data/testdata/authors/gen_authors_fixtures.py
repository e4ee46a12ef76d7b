"""Writes the fixtures of data/authors_test.go with Pillow and PyTorch.

  pil_resize.json  8-bit images (gray and RGB, channel-major) and what
                   Pillow's Image.resize(size, Image.BILINEAR) makes of them:
                   upscaling, downscaling by integer and fractional factors,
                   mixed, and one axis only
  pil_rotate.json  8-bit images and what Pillow's
                   Image.rotate(angle, Image.NEAREST) makes of them (what
                   torchvision's RandomRotation does, with the angle drawn)
  eval.json        two Fashion-MNIST test images (raw 28x28 bytes) and the
                   tensor the Model Doctor authors' test loader gives, one
                   with the Fashion-MNIST loader, one with the MNIST loader
                   (loaders/fashion_mnist_loader.py, loaders/mnist_loader.py):
                   RGB image, Resize((32, 32)), ToTensor, Normalize

torchvision is not packaged for Debian's PyTorch, so the transforms are
written out as torchvision does them: Resize on a PIL image is
img.resize((w, h), BILINEAR); ToTensor is bytes/255 as float32, channel
first; Normalize is (x - mean) / std in float32.

Run:  /usr/bin/python3 data/testdata/authors/gen_authors_fixtures.py
(needs python3-pil, python3-numpy, python3-torch and dataset-fashion-mnist)
"""
import gzip, json, os
import numpy as np
import PIL
from PIL import Image
import torch

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)

cases = []
for mode, (h, w), (oh, ow) in [
    ("L", (28, 28), (32, 32)),   # the authors' MNIST resize: upscaling
    ("L", (28, 28), (14, 14)),   # downscaling by 2
    ("L", (37, 23), (10, 9)),    # fractional downscaling, anti-aliased
    ("L", (9, 30), (20, 7)),     # up in one axis, down in the other
    ("L", (16, 16), (16, 5)),    # one axis only
    ("L", (16, 16), (7, 16)),
    ("RGB", (12, 17), (32, 32)),
    ("RGB", (40, 33), (11, 13)),
]:
    c = 3 if mode == "RGB" else 1
    pix = rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)
    pix[: h // 3] = 255  # saturated and black regions exercise clipping
    pix[-2:] = 0
    img = Image.fromarray(pix[:, :, 0] if c == 1 else pix, mode)
    out = np.asarray(img.resize((ow, oh), Image.BILINEAR)).reshape(oh, ow, c)
    cases.append({"channels": c, "in": [h, w], "out": [oh, ow],
                  "pix": pix.transpose(2, 0, 1).flatten().tolist(),
                  "want": out.transpose(2, 0, 1).flatten().tolist()})
with open(os.path.join(here, "pil_resize.json"), "w") as f:
    json.dump({"pillow": PIL.__version__, "cases": cases}, f)

cases = []
for mode, (h, w), angles in [
    ("L", (28, 28), [10, -12.5, 3.3, 14.99, -7.25, 45, 90, 180, 270, -90, 0]),
    ("L", (9, 14), [90, -15, 5.5]),
    ("RGB", (17, 12), [8.5, -3.75, 180]),
]:
    c = 3 if mode == "RGB" else 1
    pix = rng.integers(1, 256, size=(h, w, c), dtype=np.uint8)  # 0 only where rotated out
    img = Image.fromarray(pix[:, :, 0] if c == 1 else pix, mode)
    for angle in angles:
        out = np.asarray(img.rotate(angle, resample=Image.NEAREST, expand=False, center=None, fillcolor=0))
        cases.append({"channels": c, "in": [h, w], "angle": angle,
                      "pix": pix.transpose(2, 0, 1).flatten().tolist(),
                      "want": out.reshape(h, w, c).transpose(2, 0, 1).flatten().tolist()})
with open(os.path.join(here, "pil_rotate.json"), "w") as f:
    json.dump({"pillow": PIL.__version__, "cases": cases}, f)

with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as f:
    raw = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
images = []
for i, (name, mean, std) in enumerate([("fashion_mnist", 0.286, 0.353), ("mnist", 0.1307, 0.3081)]):
    img = Image.fromarray(raw[i], "L").convert("RGB")  # ImageDataset loads RGB
    img = img.resize((32, 32), Image.BILINEAR)
    x = torch.from_numpy(np.array(img)).permute(2, 0, 1).contiguous().float().div(255)
    m = torch.as_tensor((mean,), dtype=torch.float32).view(-1, 1, 1)
    s = torch.as_tensor((std,), dtype=torch.float32).view(-1, 1, 1)
    x = x.sub(m).div(s)
    assert torch.equal(x[0], x[1]) and torch.equal(x[0], x[2])
    # The three channels are equal: one is stored.
    images.append({"dataset": name, "raw": raw[i].flatten().tolist(), "eval_channel": x[0].flatten().tolist()})
with open(os.path.join(here, "eval.json"), "w") as f:
    json.dump({"torch": torch.__version__, "images": images}, f)
print("wrote fixtures with Pillow", PIL.__version__)
