#!/usr/bin/python3
"""The 16 Model Doctor classifiers in PyTorch, for timing our zoo against.

Each network is written after the 32x32 definitions the Model Doctor
authors use (jiaconghu/model_doctor models/*.py, mostly after
weiaicunzai/pytorch-cifar100; EfficientNetV2-S after
d-li14/efficientnetv2.pytorch), for 3 input channels and 10 classes, with
the same module names so the state dicts match ../zoo/testdata/*.json.

  torch_zoo.py verify [NAME ...]
      check every (or the named) network against its fixture: parameter
      count, state-dict names/order/shapes, and eval-mode logits with the
      fixture's filling rule (zoo/testdata/README: max |diff| relative to
      the largest logit, bound 1e-4).
  torch_zoo.py bench NAME --threads T --layout nchw|nhwc [--target S | --steps N] [--warmup W]
      time SGD training steps (batch 32, 32x32, momentum 0.9, weight decay
      5e-4, lr 0.01, cross-entropy: the step zoo/bench_test.go times) after W
      untimed ones (default 1) -- N of them, or as many as fit in S seconds
      (default 2, at least one) -- and print one JSON line with images/s.

Run it as bench/pytorch-reference.md says (bench/zoo_bench.py does):
Debian's python3-torch with OpenBLAS (openmp), OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, glibc malloc tunables, OMP_NUM_THREADS=T.
"""

import argparse
import json
import math
import os
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- alexnet


class AlexNet(nn.Module):
    # CIFAR AlexNet without LRN: five 3x3 convolutions, three 2x2 max-pools,
    # a 1024 -> 4096 -> 4096 -> classes classifier with dropout.
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(cin, 64, 3, stride=2, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(), nn.Linear(1024, 4096), nn.ReLU(inplace=True),
            nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x).reshape(x.size(0), 1024))


# ------------------------------------------------------------------ vgg16


class VGG16(nn.Module):
    # VGG-16 with batch norm ('D' configuration), 512 -> 4096 -> 4096 -> classes.
    def __init__(self, cin=3, classes=10):
        super().__init__()
        layers, c = [], cin
        for v in [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
                continue
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Linear(512, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, classes),
        )

    def forward(self, x):
        y = self.features(x)
        return self.classifier(y.reshape(y.size(0), -1))


# ------------------------------------------------------ resnet34, resnet50


class ResBasic(nn.Module):
    expansion = 1

    def __init__(self, cin, c, stride):
        super().__init__()
        self.residual_function = nn.Sequential(
            nn.Conv2d(cin, c, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
            nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != c:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, c, 1, stride=stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return F.relu(self.residual_function(x) + self.shortcut(x), inplace=True)


class ResBottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, c, stride):
        super().__init__()
        self.residual_function = nn.Sequential(
            nn.Conv2d(cin, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
            nn.Conv2d(c, c, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
            nn.Conv2d(c, 4 * c, 1, bias=False), nn.BatchNorm2d(4 * c),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != 4 * c:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * c, 1, stride=stride, bias=False), nn.BatchNorm2d(4 * c))

    def forward(self, x):
        return F.relu(self.residual_function(x) + self.shortcut(x), inplace=True)


class ResNet(nn.Module):
    # CIFAR ResNet: 3x3 stem without max-pool, stages conv2_x..conv5_x.
    def __init__(self, block, depths, cin=3, classes=10):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(cin, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        c = 64
        for i, (width, n) in enumerate(zip([64, 128, 256, 512], depths)):
            blocks = []
            for j in range(n):
                blocks.append(block(c, width, 2 if i > 0 and j == 0 else 1))
                c = width * block.expansion
            setattr(self, 'conv%d_x' % (i + 2), nn.Sequential(*blocks))
        self.avg_pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv5_x(self.conv4_x(self.conv3_x(self.conv2_x(x))))
        x = self.avg_pool(x)
        return self.fc(x.reshape(x.size(0), -1))


# ---------------------------------------------------------------- senet34


class SEBasic(nn.Module):
    # BasicResidualSEBlock (r = 16): convolutions with bias, ReLU at the end
    # of the residual branch, excitation by two linear layers.
    def __init__(self, cin, c, stride):
        super().__init__()
        self.residual = nn.Sequential(
            nn.Conv2d(cin, c, 3, stride=stride, padding=1), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
            nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != c:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, c, 1, stride=stride), nn.BatchNorm2d(c))
        self.squeeze = nn.AdaptiveAvgPool2d(1)
        self.excitation = nn.Sequential(
            nn.Linear(c, c // 16), nn.ReLU(inplace=True), nn.Linear(c // 16, c), nn.Sigmoid())

    def forward(self, x):
        shortcut = self.shortcut(x)
        residual = self.residual(x)
        e = self.excitation(self.squeeze(residual).reshape(residual.size(0), -1))
        e = e.reshape(residual.size(0), residual.size(1), 1, 1)
        return F.relu(residual * e.expand_as(residual) + shortcut)


class SENet34(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.pre = nn.Sequential(nn.Conv2d(cin, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        c = 64
        for i, (width, n) in enumerate(zip([64, 128, 256, 512], [3, 4, 6, 3])):
            blocks = []
            for j in range(n):
                blocks.append(SEBasic(c, width, 2 if i > 0 and j == 0 else 1))
                c = width
            setattr(self, 'stage%d' % (i + 1), nn.Sequential(*blocks))
        self.linear = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stage4(self.stage3(self.stage2(self.stage1(self.pre(x)))))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.linear(x.reshape(x.size(0), -1))


# ----------------------------------------------------------- wideresnet28


class WideBasic(nn.Module):
    # Pre-activation wide block: bn-relu-conv, dropout, bn-relu-conv (the
    # second one strided), plus the (1x1 conv) shortcut; convolutions have
    # biases.
    def __init__(self, cin, c, stride, dropout=0.3):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, c, 3, padding=1, bias=True)
        self.dropout = nn.Dropout(p=dropout)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, stride=stride, padding=1, bias=True)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != c:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, c, 1, stride=stride, bias=True))

    def forward(self, x):
        out = self.dropout(self.conv1(F.relu(self.bn1(x))))
        out = self.conv2(F.relu(self.bn2(out)))
        out += self.shortcut(x)
        return out


class WideResNet28(nn.Module):
    # WRN-28-10: 4 blocks per stage, widths 160/320/640, dropout 0.3; the
    # classifier is Linear(640) at 32 px (see zoo/testdata/README.md).
    def __init__(self, cin=3, classes=10, k=10):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, 16, 3, padding=1, bias=True)
        c = 16
        for i, (width, stride) in enumerate([(16 * k, 1), (32 * k, 2), (64 * k, 2)]):
            blocks = []
            for j in range(4):
                blocks.append(WideBasic(c, width, stride if j == 0 else 1))
                c = width
            setattr(self, 'layer%d' % (i + 1), nn.Sequential(*blocks))
        self.bn1 = nn.BatchNorm2d(c, momentum=0.9)
        self.linear = nn.Linear(c, classes)

    def forward(self, x):
        out = self.layer3(self.layer2(self.layer1(self.conv1(x))))
        out = F.avg_pool2d(F.relu(self.bn1(out)), 8)
        return self.linear(out.reshape(out.size(0), -1))


# -------------------------------------------------------------- resnext50


class ResNeXtBlock(nn.Module):
    # Bottleneck C, cardinality 32, 4 channels per group at width 64.
    def __init__(self, cin, c, stride):
        super().__init__()
        d = 32 * int(4 * c / 64)
        self.split_transforms = nn.Sequential(
            nn.Conv2d(cin, d, 1, groups=32, bias=False), nn.BatchNorm2d(d), nn.ReLU(inplace=True),
            nn.Conv2d(d, d, 3, stride=stride, groups=32, padding=1, bias=False), nn.BatchNorm2d(d), nn.ReLU(inplace=True),
            nn.Conv2d(d, 4 * c, 1, bias=False), nn.BatchNorm2d(4 * c),
        )
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != 4 * c:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * c, 1, stride=stride, bias=False), nn.BatchNorm2d(4 * c))

    def forward(self, x):
        return F.relu(self.split_transforms(x) + self.shortcut(x))


class ResNeXt50(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(cin, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        c = 64
        for i, (width, n) in enumerate(zip([64, 128, 256, 512], [3, 4, 6, 3])):
            blocks = []
            for j in range(n):
                blocks.append(ResNeXtBlock(c, width, 2 if i > 0 and j == 0 else 1))
                c = 4 * width
            setattr(self, 'conv%d' % (i + 2), nn.Sequential(*blocks))
        self.avg = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.conv5(self.conv4(self.conv3(self.conv2(self.conv1(x)))))
        return self.fc(self.avg(x).reshape(x.size(0), -1))


# ------------------------------------------------------------ densenet121


class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        self.bottle_neck = nn.Sequential(
            nn.BatchNorm2d(cin), nn.ReLU(inplace=True), nn.Conv2d(cin, 4 * growth, 1, bias=False),
            nn.BatchNorm2d(4 * growth), nn.ReLU(inplace=True), nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False),
        )

    def forward(self, x):
        return torch.cat([x, self.bottle_neck(x)], 1)


class DenseTransition(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.down_sample = nn.Sequential(nn.BatchNorm2d(cin), nn.Conv2d(cin, cout, 1, bias=False), nn.AvgPool2d(2, stride=2))

    def forward(self, x):
        return self.down_sample(x)


class DenseNet121(nn.Module):
    # DenseNet-BC, growth 32, blocks 6/12/24/16, compression 0.5, 3x3 stem.
    def __init__(self, cin=3, classes=10, growth=32, blocks=(6, 12, 24, 16)):
        super().__init__()
        c = 2 * growth
        self.conv1 = nn.Conv2d(cin, c, 3, padding=1, bias=False)
        self.features = nn.Sequential()
        for i, n in enumerate(blocks):
            block = nn.Sequential()
            for j in range(n):
                block.add_module('bottle_neck_layer_%d' % j, DenseLayer(c, growth))
                c += growth
            if i < len(blocks) - 1:
                self.features.add_module('dense_block_layer_%d' % i, block)
                self.features.add_module('transition_layer_%d' % i, DenseTransition(c, int(0.5 * c)))
                c = int(0.5 * c)
            else:
                self.features.add_module('dense_block%d' % i, block)
        self.features.add_module('bn', nn.BatchNorm2d(c))
        self.features.add_module('relu', nn.ReLU(inplace=True))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.linear = nn.Linear(c, classes)

    def forward(self, x):
        y = self.avgpool(self.features(self.conv1(x)))
        return self.linear(y.reshape(y.size(0), -1))


# ------------------------------------------------------------ simplenetv1


class SimpleNetV1(nn.Module):
    # SimpleNet v1 (13 conv layers, batch-norm momentum 0.05, Dropout2d 0.1
    # after each pool), global max pool, dropout 0.1, Linear(256).
    def __init__(self, cin=3, classes=10):
        super().__init__()
        layers, c = [], cin
        spec = [64, 128, 128, 128, 'P', 128, 128, 256, 'P', 256, 256, 'P', 512, 'P', ('1', 2048), ('1', 256), 'P', 256]
        for v in spec:
            if v == 'P':
                layers += [nn.MaxPool2d((2, 2), stride=(2, 2)), nn.Dropout2d(p=0.1)]
                continue
            k, p = 3, 1
            if isinstance(v, tuple):
                v, k, p = v[1], 1, 0
            layers += [nn.Conv2d(c, v, k, padding=p), nn.BatchNorm2d(v, eps=1e-5, momentum=0.05), nn.ReLU(inplace=True)]
            c = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(256, classes)
        self.drp = nn.Dropout(0.1)

    def forward(self, x):
        y = self.features(x)
        y = self.drp(F.max_pool2d(y, kernel_size=y.size()[2:]))
        return self.classifier(y.reshape(y.size(0), -1))


# -------------------------------------------------------- efficientnetv2s


def make_divisible(v, d=8):
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


class SELayer(nn.Module):
    def __init__(self, inp, hidden):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        mid = make_divisible(inp // 4)
        self.fc = nn.Sequential(nn.Linear(hidden, mid), nn.SiLU(), nn.Linear(mid, hidden), nn.Sigmoid())

    def forward(self, x):
        b, c = x.shape[:2]
        return x * self.fc(self.avg_pool(x).reshape(b, c)).reshape(b, c, 1, 1)


class MBConv(nn.Module):
    def __init__(self, inp, oup, stride, t, se):
        super().__init__()
        h = round(inp * t)
        self.identity = stride == 1 and inp == oup
        if se:
            self.conv = nn.Sequential(
                nn.Conv2d(inp, h, 1, 1, 0, bias=False), nn.BatchNorm2d(h), nn.SiLU(),
                nn.Conv2d(h, h, 3, stride, 1, groups=h, bias=False), nn.BatchNorm2d(h), nn.SiLU(),
                SELayer(inp, h),
                nn.Conv2d(h, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup),
            )
        else:  # fused MBConv
            self.conv = nn.Sequential(
                nn.Conv2d(inp, h, 3, stride, 1, bias=False), nn.BatchNorm2d(h), nn.SiLU(),
                nn.Conv2d(h, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup),
            )

    def forward(self, x):
        return x + self.conv(x) if self.identity else self.conv(x)


class EfficientNetV2S(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        c = make_divisible(24)
        layers = [nn.Sequential(nn.Conv2d(cin, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.SiLU())]
        for t, width, n, s, se in [(1, 24, 2, 1, 0), (4, 48, 4, 2, 0), (4, 64, 4, 2, 0),
                                   (4, 128, 6, 2, 1), (6, 160, 9, 1, 1), (6, 256, 15, 2, 1)]:
            out = make_divisible(width)
            for i in range(n):
                layers.append(MBConv(c, out, s if i == 0 else 1, t, se))
                c = out
        self.features = nn.Sequential(*layers)
        self.conv = nn.Sequential(nn.Conv2d(c, 1792, 1, 1, 0, bias=False), nn.BatchNorm2d(1792), nn.SiLU())
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Linear(1792, classes)
        for m in self.modules():  # the reference's _initialize_weights
            if isinstance(m, nn.Conv2d):
                m.weight.data.normal_(0, math.sqrt(2.0 / (m.kernel_size[0] * m.kernel_size[1] * m.out_channels)))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()
            elif isinstance(m, nn.Linear):
                m.weight.data.normal_(0, 0.001)
                m.bias.data.zero_()

    def forward(self, x):
        x = self.avgpool(self.conv(self.features(x)))
        return self.classifier(x.reshape(x.size(0), -1))


# -------------------------------------------------------------- googlenet


class Inception(nn.Module):
    def __init__(self, cin, n1, n3r, n3, n5r, n5, pool):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(cin, n1, 1), nn.BatchNorm2d(n1), nn.ReLU(inplace=True))
        self.b2 = nn.Sequential(
            nn.Conv2d(cin, n3r, 1), nn.BatchNorm2d(n3r), nn.ReLU(inplace=True),
            nn.Conv2d(n3r, n3, 3, padding=1), nn.BatchNorm2d(n3), nn.ReLU(inplace=True))
        self.b3 = nn.Sequential(
            nn.Conv2d(cin, n5r, 1), nn.BatchNorm2d(n5r), nn.ReLU(inplace=True),
            # The reference passes n5 as BatchNorm2d's second argument: eps = n5.
            nn.Conv2d(n5r, n5, 3, padding=1), nn.BatchNorm2d(n5, n5), nn.ReLU(inplace=True),
            nn.Conv2d(n5, n5, 3, padding=1), nn.BatchNorm2d(n5), nn.ReLU(inplace=True))
        self.b4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1), nn.Conv2d(cin, pool, 1), nn.BatchNorm2d(pool), nn.ReLU(inplace=True))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class GoogLeNet(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.prelayer = nn.Sequential(
            nn.Conv2d(cin, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
            nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
            nn.Conv2d(64, 192, 3, padding=1, bias=False), nn.BatchNorm2d(192), nn.ReLU(inplace=True))
        self.a3 = Inception(192, 64, 96, 128, 16, 32, 32)
        self.b3 = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.a4 = Inception(480, 192, 96, 208, 16, 48, 64)
        self.b4 = Inception(512, 160, 112, 224, 24, 64, 64)
        self.c4 = Inception(512, 128, 128, 256, 24, 64, 64)
        self.d4 = Inception(512, 112, 144, 288, 32, 64, 64)
        self.e4 = Inception(528, 256, 160, 320, 32, 128, 128)
        self.a5 = Inception(832, 256, 160, 320, 32, 128, 128)
        self.b5 = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout2d(p=0.4)
        self.linear = nn.Linear(1024, classes)

    def forward(self, x):
        x = self.maxpool(self.prelayer(x))
        x = self.maxpool(self.b3(self.a3(x)))
        x = self.maxpool(self.e4(self.d4(self.c4(self.b4(self.a4(x))))))
        x = self.dropout(self.avgpool(self.b5(self.a5(x))))
        return self.linear(x.reshape(x.size(0), -1))


# --------------------------------------------------------------- xception


class SepConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, groups=cin, bias=False, padding=1)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


def xception_residual(cin, cout, pool_stride, lead_relu):
    layers = [nn.ReLU(inplace=True)] if lead_relu else []
    layers += [SepConv(cin, cout), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
               SepConv(cout, cout), nn.BatchNorm2d(cout), nn.MaxPool2d(3, pool_stride, padding=1)]
    return nn.Sequential(*layers)


class EntryFlow(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(cin, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.conv3_residual = xception_residual(64, 128, 2, False)
        self.conv3_shortcut = nn.Sequential(nn.Conv2d(64, 128, 1, stride=2), nn.BatchNorm2d(128))
        self.conv4_residual = xception_residual(128, 256, 2, True)
        self.conv4_shortcut = nn.Sequential(nn.Conv2d(128, 256, 1, stride=2), nn.BatchNorm2d(256))
        self.conv5_residual = xception_residual(256, 728, 1, True)
        self.conv5_shortcut = nn.Sequential(nn.Conv2d(256, 728, 1), nn.BatchNorm2d(728))

    def forward(self, x):
        x = self.conv2(self.conv1(x))
        # The shortcut reads x before the residual's in-place leading ReLU
        # (as the reference's order of evaluation: residual first, whose
        # ReLU(inplace) rewrites x, then the shortcut of the rectified x).
        x = self.conv3_residual(x) + self.conv3_shortcut(x)
        x = self.conv4_residual(x) + self.conv4_shortcut(x)
        x = self.conv5_residual(x) + self.conv5_shortcut(x)
        return x


class MiddleBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.shortcut = nn.Sequential()
        for i in (1, 2, 3):
            setattr(self, 'conv%d' % i, nn.Sequential(nn.ReLU(inplace=True), SepConv(728, 728), nn.BatchNorm2d(728)))

    def forward(self, x):
        r = self.conv3(self.conv2(self.conv1(x)))
        return self.shortcut(x) + r


class MiddleFlow(nn.Module):
    def __init__(self):
        super().__init__()
        self.middel_block = nn.Sequential(*[MiddleBlock() for _ in range(8)])

    def forward(self, x):
        return self.middel_block(x)


class ExitFlow(nn.Module):
    def __init__(self):
        super().__init__()
        self.residual = nn.Sequential(
            nn.ReLU(), SepConv(728, 728), nn.BatchNorm2d(728),
            nn.ReLU(), SepConv(728, 1024), nn.BatchNorm2d(1024), nn.MaxPool2d(3, stride=2, padding=1))
        self.shortcut = nn.Sequential(nn.Conv2d(728, 1024, 1, stride=2), nn.BatchNorm2d(1024))
        self.conv = nn.Sequential(
            SepConv(1024, 1536), nn.BatchNorm2d(1536), nn.ReLU(inplace=True),
            SepConv(1536, 2048), nn.BatchNorm2d(2048), nn.ReLU(inplace=True))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))

    def forward(self, x):
        s = self.shortcut(x)
        return self.avgpool(self.conv(s + self.residual(x)))


class Xception(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.entry_flow = EntryFlow(cin)
        self.middel_flow = MiddleFlow()
        self.exit_flow = ExitFlow()
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.exit_flow(self.middel_flow(self.entry_flow(x)))
        return self.fc(x.reshape(x.size(0), -1))


# ------------------------------------------------------------ mobilenetv2


class LinearBottleneck(nn.Module):
    def __init__(self, cin, cout, stride, t):
        super().__init__()
        h = cin * t
        self.residual = nn.Sequential(
            nn.Conv2d(cin, h, 1), nn.BatchNorm2d(h), nn.ReLU6(inplace=True),
            nn.Conv2d(h, h, 3, stride=stride, padding=1, groups=h), nn.BatchNorm2d(h), nn.ReLU6(inplace=True),
            nn.Conv2d(h, cout, 1), nn.BatchNorm2d(cout))
        self.add = stride == 1 and cin == cout

    def forward(self, x):
        r = self.residual(x)
        if self.add:
            r += x
        return r


class MobileNetV2(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        # The reference's stem is a 1x1 convolution with padding 1 (32 -> 34).
        self.pre = nn.Sequential(nn.Conv2d(cin, 32, 1, padding=1), nn.BatchNorm2d(32), nn.ReLU6(inplace=True))
        self.stage1 = LinearBottleneck(32, 16, 1, 1)
        c = 16
        for i, (n, width, stride) in enumerate([(2, 24, 2), (3, 32, 2), (4, 64, 2), (3, 96, 1), (3, 160, 1)]):
            blocks = []
            for j in range(n):
                blocks.append(LinearBottleneck(c, width, stride if j == 0 else 1, 6))
                c = width
            setattr(self, 'stage%d' % (i + 2), nn.Sequential(*blocks))
        self.stage7 = LinearBottleneck(160, 320, 1, 6)
        self.conv1 = nn.Sequential(nn.Conv2d(320, 1280, 1), nn.BatchNorm2d(1280), nn.ReLU6(inplace=True))
        self.conv2 = nn.Conv2d(1280, classes, 1)

    def forward(self, x):
        x = self.stage1(self.pre(x))
        x = self.stage7(self.stage6(self.stage5(self.stage4(self.stage3(self.stage2(x))))))
        x = self.conv2(F.adaptive_avg_pool2d(self.conv1(x), 1))
        return x.reshape(x.size(0), -1)


# ------------------------------------------------------------ inceptionv3


class BasicConv(nn.Module):
    def __init__(self, cin, cout, **kw):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, bias=False, **kw)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class InceptionA(nn.Module):
    def __init__(self, cin, pool):
        super().__init__()
        self.branch1x1 = BasicConv(cin, 64, kernel_size=1)
        self.branch5x5 = nn.Sequential(BasicConv(cin, 48, kernel_size=1), BasicConv(48, 64, kernel_size=5, padding=2))
        self.branch3x3 = nn.Sequential(
            BasicConv(cin, 64, kernel_size=1), BasicConv(64, 96, kernel_size=3, padding=1),
            BasicConv(96, 96, kernel_size=3, padding=1))
        self.branchpool = nn.Sequential(
            nn.AvgPool2d(3, stride=1, padding=1), BasicConv(cin, pool, kernel_size=3, padding=1))

    def forward(self, x):
        return torch.cat([self.branch1x1(x), self.branch5x5(x), self.branch3x3(x), self.branchpool(x)], 1)


class InceptionB(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.branch3x3 = BasicConv(cin, 384, kernel_size=3, stride=2)
        self.branch3x3stack = nn.Sequential(
            BasicConv(cin, 64, kernel_size=1), BasicConv(64, 96, kernel_size=3, padding=1),
            BasicConv(96, 96, kernel_size=3, stride=2))
        self.branchpool = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.branch3x3(x), self.branch3x3stack(x), self.branchpool(x)], 1)


class InceptionC(nn.Module):
    def __init__(self, cin, c7):
        super().__init__()
        self.branch1x1 = BasicConv(cin, 192, kernel_size=1)
        self.branch7x7 = nn.Sequential(
            BasicConv(cin, c7, kernel_size=1),
            BasicConv(c7, c7, kernel_size=(7, 1), padding=(3, 0)),
            BasicConv(c7, 192, kernel_size=(1, 7), padding=(0, 3)))
        self.branch7x7stack = nn.Sequential(
            BasicConv(cin, c7, kernel_size=1),
            BasicConv(c7, c7, kernel_size=(7, 1), padding=(3, 0)),
            BasicConv(c7, c7, kernel_size=(1, 7), padding=(0, 3)),
            BasicConv(c7, c7, kernel_size=(7, 1), padding=(3, 0)),
            BasicConv(c7, 192, kernel_size=(1, 7), padding=(0, 3)))
        self.branch_pool = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), BasicConv(cin, 192, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1x1(x), self.branch7x7(x), self.branch7x7stack(x), self.branch_pool(x)], 1)


class InceptionD(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.branch3x3 = nn.Sequential(BasicConv(cin, 192, kernel_size=1), BasicConv(192, 320, kernel_size=3, stride=2))
        self.branch7x7 = nn.Sequential(
            BasicConv(cin, 192, kernel_size=1),
            BasicConv(192, 192, kernel_size=(1, 7), padding=(0, 3)),
            BasicConv(192, 192, kernel_size=(7, 1), padding=(3, 0)),
            BasicConv(192, 192, kernel_size=3, stride=2))
        self.branchpool = nn.AvgPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.branch3x3(x), self.branch7x7(x), self.branchpool(x)], 1)


class InceptionE(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.branch1x1 = BasicConv(cin, 320, kernel_size=1)
        self.branch3x3_1 = BasicConv(cin, 384, kernel_size=1)
        self.branch3x3_2a = BasicConv(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = BasicConv(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3stack_1 = BasicConv(cin, 448, kernel_size=1)
        self.branch3x3stack_2 = BasicConv(448, 384, kernel_size=3, padding=1)
        self.branch3x3stack_3a = BasicConv(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3stack_3b = BasicConv(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), BasicConv(cin, 192, kernel_size=1))

    def forward(self, x):
        a = self.branch3x3_1(x)
        b = self.branch3x3stack_2(self.branch3x3stack_1(x))
        return torch.cat([
            self.branch1x1(x),
            torch.cat([self.branch3x3_2a(a), self.branch3x3_2b(a)], 1),
            torch.cat([self.branch3x3stack_3a(b), self.branch3x3stack_3b(b)], 1),
            self.branch_pool(x)], 1)


class InceptionV3(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.Conv2d_1a_3x3 = BasicConv(cin, 32, kernel_size=3, padding=1)
        self.Conv2d_2a_3x3 = BasicConv(32, 32, kernel_size=3, padding=1)
        self.Conv2d_2b_3x3 = BasicConv(32, 64, kernel_size=3, padding=1)
        self.Conv2d_3b_1x1 = BasicConv(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv(80, 192, kernel_size=3)
        self.Mixed_5b = InceptionA(192, 32)
        self.Mixed_5c = InceptionA(256, 64)
        self.Mixed_5d = InceptionA(288, 64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = InceptionC(768, 128)
        self.Mixed_6c = InceptionC(768, 160)
        self.Mixed_6d = InceptionC(768, 160)
        self.Mixed_6e = InceptionC(768, 192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = InceptionE(1280)
        self.Mixed_7c = InceptionE(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout2d()
        self.linear = nn.Linear(2048, classes)

    def forward(self, x):
        for name in ['Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'Conv2d_3b_1x1', 'Conv2d_4a_3x3',
                     'Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d',
                     'Mixed_6e', 'Mixed_7a', 'Mixed_7b', 'Mixed_7c']:
            x = getattr(self, name)(x)
        x = self.dropout(self.avgpool(x))
        return self.linear(x.reshape(x.size(0), -1))


# ----------------------------------------------------------- shufflenetv2


def channel_shuffle(x, groups):
    b, c, h, w = x.size()
    return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, -1, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.split = stride == 1 and cin == cout
        self.cin = cin
        if not self.split:
            half = cout // 2
            self.residual = nn.Sequential(
                nn.Conv2d(cin, cin, 1), nn.BatchNorm2d(cin), nn.ReLU(inplace=True),
                nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin), nn.BatchNorm2d(cin),
                nn.Conv2d(cin, half, 1), nn.BatchNorm2d(half), nn.ReLU(inplace=True))
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin), nn.BatchNorm2d(cin),
                nn.Conv2d(cin, half, 1), nn.BatchNorm2d(half), nn.ReLU(inplace=True))
        else:
            self.shortcut = nn.Sequential()
            c = cin // 2
            self.residual = nn.Sequential(
                nn.Conv2d(c, c, 1), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
                nn.Conv2d(c, c, 3, stride=stride, padding=1, groups=c), nn.BatchNorm2d(c),
                nn.Conv2d(c, c, 1), nn.BatchNorm2d(c), nn.ReLU(inplace=True))

    def forward(self, x):
        if self.split:
            s, r = torch.split(x, self.cin // 2, dim=1)
        else:
            s, r = x, x
        return channel_shuffle(torch.cat([self.shortcut(s), self.residual(r)], 1), 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, cin=3, classes=10):
        super().__init__()
        widths = [116, 232, 464, 1024]
        self.pre = nn.Sequential(nn.Conv2d(cin, 24, 3, padding=1), nn.BatchNorm2d(24))
        c = 24
        for i, repeat in enumerate([3, 7, 3]):
            units = [ShuffleUnit(c, widths[i], 2)] + [ShuffleUnit(widths[i], widths[i], 1) for _ in range(repeat)]
            setattr(self, 'stage%d' % (i + 2), nn.Sequential(*units))
            c = widths[i]
        self.conv5 = nn.Sequential(nn.Conv2d(c, 1024, 1), nn.BatchNorm2d(1024), nn.ReLU(inplace=True))
        self.fc = nn.Linear(1024, classes)

    def forward(self, x):
        x = self.conv5(self.stage4(self.stage3(self.stage2(self.pre(x)))))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(x.reshape(x.size(0), -1))


# ------------------------------------------------------------- squeezenet


class Fire(nn.Module):
    def __init__(self, cin, cout, squeeze):
        super().__init__()
        half = cout // 2
        self.squeeze = nn.Sequential(nn.Conv2d(cin, squeeze, 1), nn.BatchNorm2d(squeeze), nn.ReLU(inplace=True))
        self.expand_1x1 = nn.Sequential(nn.Conv2d(squeeze, half, 1), nn.BatchNorm2d(half), nn.ReLU(inplace=True))
        self.expand_3x3 = nn.Sequential(nn.Conv2d(squeeze, half, 3, padding=1), nn.BatchNorm2d(half), nn.ReLU(inplace=True))

    def forward(self, x):
        x = self.squeeze(x)
        return torch.cat([self.expand_1x1(x), self.expand_3x3(x)], 1)


class SqueezeNet(nn.Module):
    # SqueezeNet with simple bypass (additions after fire3, 5, 7).
    def __init__(self, cin=3, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(cin, 96, 3, padding=1), nn.BatchNorm2d(96), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2))
        for i, (a, b, s) in enumerate([(96, 128, 16), (128, 128, 16), (128, 256, 32), (256, 256, 32),
                                       (256, 384, 48), (384, 384, 48), (384, 512, 64), (512, 512, 64)]):
            setattr(self, 'fire%d' % (i + 2), Fire(a, b, s))
        self.conv10 = nn.Conv2d(512, classes, 1)
        self.avg = nn.AdaptiveAvgPool2d(1)
        self.maxpool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        x = self.stem(x)
        f2 = self.fire2(x)
        f3 = self.fire3(f2) + f2
        f4 = self.maxpool(self.fire4(f3))
        f5 = self.fire5(f4) + f4
        f6 = self.fire6(f5)
        f7 = self.fire7(f6) + f6
        f8 = self.maxpool(self.fire8(f7))
        x = self.avg(self.conv10(self.fire9(f8)))
        return x.reshape(x.size(0), -1)


# ---------------------------------------------------------------- mnasnet


class MnasBlock(nn.Module):
    def __init__(self, cin, cout, stride, t, k):
        super().__init__()
        h = cin * t
        self.use_res = stride == 1 and cin == cout
        self.conv = nn.Sequential(
            nn.Conv2d(cin, h, 1, 1, 0, bias=False), nn.BatchNorm2d(h), nn.ReLU6(inplace=True),
            nn.Conv2d(h, h, k, stride, k // 2, groups=h, bias=False), nn.BatchNorm2d(h), nn.ReLU6(inplace=True),
            nn.Conv2d(h, cout, 1, 1, 0, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class MnasNet(nn.Module):
    # MnasNet-A1 without SE in its ImageNet layout (32 px inputs end at 1x1).
    def __init__(self, cin=3, classes=10):
        super().__init__()
        layers = [
            nn.Sequential(nn.Conv2d(cin, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6(inplace=True)),
            nn.Sequential(nn.Conv2d(32, 32, 3, 1, 1, groups=32, bias=False), nn.BatchNorm2d(32), nn.ReLU6(inplace=True),
                          nn.Conv2d(32, 16, 1, 1, 0, bias=False), nn.BatchNorm2d(16)),
        ]
        c = 16
        for t, width, n, s, k in [(3, 24, 3, 2, 3), (3, 40, 3, 2, 5), (6, 80, 3, 2, 5),
                                  (6, 96, 2, 1, 3), (6, 192, 4, 2, 5), (6, 320, 1, 1, 3)]:
            for i in range(n):
                layers.append(MnasBlock(c, width, s if i == 0 else 1, t, k))
                c = width
        layers.append(nn.Sequential(nn.Conv2d(c, 1280, 1, 1, 0, bias=False), nn.BatchNorm2d(1280), nn.ReLU6(inplace=True)))
        layers.append(nn.AdaptiveAvgPool2d(1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(1280, classes))
        for m in self.modules():  # the reference's _initialize_weights
            if isinstance(m, nn.Conv2d):
                m.weight.data.normal_(0, math.sqrt(2.0 / (m.kernel_size[0] * m.kernel_size[1] * m.out_channels)))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()
            elif isinstance(m, nn.Linear):
                m.weight.data.normal_(0, 0.01)
                m.bias.data.zero_()

    def forward(self, x):
        return self.classifier(self.features(x).reshape(-1, 1280))


# --------------------------------------------------------------- registry

MODELS = {
    'alexnet': AlexNet,
    'vgg16': VGG16,
    'resnet34': lambda: ResNet(ResBasic, [3, 4, 6, 3]),
    'resnet50': lambda: ResNet(ResBottleneck, [3, 4, 6, 3]),
    'senet34': SENet34,
    'wideresnet28': WideResNet28,
    'resnext50': ResNeXt50,
    'densenet121': DenseNet121,
    'simplenetv1': SimpleNetV1,
    'efficientnetv2s': EfficientNetV2S,
    'googlenet': GoogLeNet,
    'xception': Xception,
    'mobilenetv2': MobileNetV2,
    'inceptionv3': InceptionV3,
    'shufflenetv2': ShuffleNetV2,
    'squeezenet': SqueezeNet,
    'mnasnet': MnasNet,
}

# The 16 classifiers of the paper (resnet34 is an extra fixture).
PAPER = ['alexnet', 'vgg16', 'resnet50', 'senet34', 'wideresnet28', 'resnext50', 'densenet121',
         'simplenetv1', 'efficientnetv2s', 'googlenet', 'xception', 'mobilenetv2', 'inceptionv3',
         'shufflenetv2', 'squeezenet', 'mnasnet']

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', 'zoo', 'testdata')


def uniform(key, n):
    """The fixtures' generator: splitmix64 over (crc32(key) << 32) + i, to [-1, 1)."""
    x = np.uint64(zlib.crc32(key.encode()) << 32) + np.arange(n, dtype=np.uint64)
    with np.errstate(over='ignore'):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        z = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    return 2 * u - 1


def fill(model):
    """Sets every state-dict tensor by the fixtures' filling rule."""
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if name.endswith('num_batches_tracked'):
                continue
            s = uniform(name, t.numel())
            if name.endswith('running_mean'):
                v = 0.1 * s
            elif name.endswith('running_var'):
                v = 1 + 0.25 * (1 + s)
            elif t.dim() >= 2:
                v = math.sqrt(6 / (t.numel() / t.shape[0])) * s
            elif name.endswith('weight'):
                v = 1 + 0.1 * s
            else:
                v = 0.05 * s
            t.copy_(torch.from_numpy(v.reshape(tuple(t.shape))).to(t.dtype))


def verify(name):
    """Compares the PyTorch twin with its fixture; returns a list of problems."""
    with open(os.path.join(FIXTURES, name + '.json')) as f:
        fx = json.load(f)
    m = MODELS[name]()
    problems = []
    params = sum(p.numel() for p in m.parameters())
    if params != fx['parameters']:
        problems.append('parameters %d, fixture %d' % (params, fx['parameters']))
    got = [(k, list(v.shape)) for k, v in m.state_dict().items()]
    want = [(e[0], list(e[1])) for e in fx['state_dict']]
    if got != want:
        for i, (g, w) in enumerate(zip(got + [None] * len(want), want + [None] * len(got))):
            if g != w:
                problems.append('state dict entry %d: %s, fixture %s' % (i, g, w))
                break
    diff = float('nan')
    if not problems:
        fill(m)
        m.eval()
        x = torch.from_numpy(uniform('input', 6144).reshape(2, 3, 32, 32)).float()
        with torch.no_grad():
            y = m(x).double().numpy()
        ref = np.array(fx['logits_eval'])
        diff = float(np.abs(y - ref).max() / np.abs(ref).max())
        if not diff <= 1e-4:
            problems.append('logits differ by %.3g relative (> 1e-4)' % diff)
    return params, len(got), diff, problems


def bench(name, threads, layout, steps, warmup, target, batch=32):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    m = MODELS[name]()
    m.train()
    x = torch.randn(batch, 3, 32, 32)
    y = torch.arange(batch) % 10
    if layout == 'nhwc':
        m = m.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(m(x), y).backward()
        opt.step()

    for _ in range(warmup):
        step()
    # A fixed number of steps, or (steps = 0) steps until target seconds
    # have passed, at least one.
    n, t0 = 0, time.perf_counter()
    while n < steps or (steps == 0 and (n == 0 or time.perf_counter() - t0 < target)):
        step()
        n += 1
    dt = time.perf_counter() - t0
    steps = n
    return {'model': name, 'threads': threads, 'layout': layout, 'steps': steps,
            'seconds': dt, 'images_per_s': batch * steps / dt, 'torch_threads': torch.get_num_threads()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    v = sub.add_parser('verify')
    v.add_argument('names', nargs='*')
    b = sub.add_parser('bench')
    b.add_argument('name', choices=sorted(MODELS))
    b.add_argument('--threads', type=int, default=1)
    b.add_argument('--layout', choices=['nchw', 'nhwc'], default='nchw')
    b.add_argument('--steps', type=int, default=0, help='timed steps (0: as many as fit in --target seconds)')
    b.add_argument('--target', type=float, default=2.0)
    b.add_argument('--warmup', type=int, default=1)
    a = ap.parse_args()
    if a.cmd == 'bench':
        print(json.dumps(bench(a.name, a.threads, a.layout, a.steps, a.warmup, a.target)))
        return
    torch.set_num_threads(max(1, int(os.environ.get('OMP_NUM_THREADS', '1'))))
    names = a.names or sorted(MODELS)
    bad = 0
    print('torch %s' % torch.__version__)
    print('%-16s %12s %8s %10s  %s' % ('model', 'parameters', 'entries', 'logit diff', 'status'))
    for n in names:
        params, entries, diff, problems = verify(n)
        bad += bool(problems)
        print('%-16s %12d %8d %10.2e  %s' % (n, params, entries, diff, '; '.join(problems) or 'ok'))
        sys.stdout.flush()
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
