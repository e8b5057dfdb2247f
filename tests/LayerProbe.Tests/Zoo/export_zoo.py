"""Exports a small-input, random-weight version of one torchvision classification family to ONNX, with a reference
input and torchvision's own eval-mode output for it, so tests can compare LayerProbe against the framework.

usage: export_zoo.py FAMILY OPSET SIZE OUT_DIR
writes OUT_DIR/model.onnx, OUT_DIR/input.f32 and OUT_DIR/output.f32 (raw little-endian float32, C order) and
OUT_DIR/meta.json (shapes, input/output names). Classifier widths are reduced (hidden fc layers 256 wide, 10 classes)
so that AlexNet/VGG stay a few MB; the convolutional structure of each family is torchvision's own.
"""
import json, os, sys
import torch, torch.nn as nn
import torchvision.models as tvm

family, opset, size, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.manual_seed(0)
classes = 10


def small_classifier(in_features):
    return nn.Sequential(nn.Dropout(), nn.Linear(in_features, 256), nn.ReLU(inplace=True), nn.Dropout(),
                         nn.Linear(256, 256), nn.ReLU(inplace=True), nn.Linear(256, classes))


def feature_side(side, _stride, pools):
    """AlexNet's feature-map side: conv1 (11, stride 4, pad 2), then three 3x3 stride-2 max pools."""
    side = (side + 4 - 11) // 4 + 1
    for _ in range(pools):
        side = (side - 3) // 2 + 1
    return side


def build(name):
    # AlexNet and VGG pool adaptively to 6x6/7x7 before their classifier, which ONNX cannot express for a small input
    # (it would upsample); the small versions flatten the last pooling output directly.
    if name == "alexnet":
        m = tvm.alexnet(num_classes=classes); m.avgpool = nn.Identity()
        m.classifier = small_classifier(256 * feature_side(size, 32, 3) ** 2); return m
    if name == "vgg11_bn":
        m = tvm.vgg11_bn(num_classes=classes); m.avgpool = nn.Identity()
        m.classifier = small_classifier(512 * (size // 32) ** 2); return m
    if name == "squeezenet1_1": return tvm.squeezenet1_1(num_classes=classes)
    if name == "googlenet": return tvm.googlenet(num_classes=classes, aux_logits=False, init_weights=True)
    if name == "inception_v3": return tvm.inception_v3(num_classes=classes, aux_logits=False, init_weights=True)
    if name == "mobilenet_v2": return tvm.mobilenet_v2(num_classes=classes)
    if name == "mobilenet_v3_small": return tvm.mobilenet_v3_small(num_classes=classes)
    if name == "resnet50": return tvm.resnet50(num_classes=classes)
    if name == "densenet121": return tvm.densenet121(num_classes=classes)
    if name == "shufflenet_v2_x0_5": return tvm.shufflenet_v2_x0_5(num_classes=classes)
    if name == "mnasnet0_5": return tvm.mnasnet0_5(num_classes=classes)
    if name == "efficientnet_b0": return tvm.efficientnet_b0(num_classes=classes)
    if name == "regnet_y_400mf": return tvm.regnet_y_400mf(num_classes=classes)
    if name == "convnext_tiny": return tvm.convnext_tiny(num_classes=classes)
    raise SystemExit(f"unknown family {name}")


model = build(family).eval()
# Random but non-trivial batch-norm statistics, so folding them into the convolutions is visible in the numbers.
with torch.no_grad():
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2); mod.running_var.uniform_(0.5, 1.5)
            mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.2, 0.2)
x = torch.randn(2, 3, size, size)
with torch.no_grad():
    y = model(x)
os.makedirs(out, exist_ok=True)
torch.onnx.export(model, x, os.path.join(out, "model.onnx"), opset_version=opset, input_names=["input"],
                  output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                  do_constant_folding=True)
x.numpy().astype("<f4").tofile(os.path.join(out, "input.f32"))
y.numpy().astype("<f4").tofile(os.path.join(out, "output.f32"))
with open(os.path.join(out, "meta.json"), "w") as f:
    json.dump({"family": family, "opset": opset, "input": "input", "output": "logits",
               "input_shape": list(x.shape), "output_shape": list(y.shape)}, f)
