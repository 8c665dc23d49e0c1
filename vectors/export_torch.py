#!/usr/bin/env python3
"""Export one conv layer of a PyTorch model as integer tensors for `satlm gen --from-npy`.

A forward pre-hook captures the chosen Conv2d's input; input and weight are quantized with
the layer's clipping thresholds (alphas), exactly as `satlm gen` quantizes float tensors:

    act_int    = round_half_even(clip(x, 0, act_alpha) / act_alpha * (2^act_bits - 1))
    weight_int = round_half_even(clip(w, -w_alpha, w_alpha) / w_alpha * (2^(weight_bits-1) - 1))

Writes DIR/act.npy [C, H, W] (int32), DIR/weight.npy [K, C, k, k] (int32), the float tensors
(act_float.npy, weight_float.npy) and DIR/export.json (alphas, padding, the satlm command).

Usage:
    export_torch.py --model my_models.py:build --state-dict ckpt.pth --layer features.27 \
                    --input batch.npy --out DIR [--act-alpha A --weight-alpha A]
    export_torch.py --self-test DIR   # a small random model; also writes ref_out.npy

Alphas default to the layer's own attributes when it has them (`act_alpha`,
`weight_quant.wgt_alpha`, as in the course's QuantConv2d); otherwise pass them.
Needs Debian's python3-torch and python3-numpy (run with /usr/bin/python3).
"""

import argparse
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def quantize_act(x, alpha, bits):
    x = x.double().clamp(0.0, float(alpha))
    return torch.round(x / float(alpha) * (2 ** bits - 1)).to(torch.int64)


def quantize_weight(w, alpha, bits):
    w = w.double().clamp(-float(alpha), float(alpha))
    return torch.round(w / float(alpha) * (2 ** (bits - 1) - 1)).to(torch.int64)


def layer_alpha(layer, name):
    if name == "act":
        a = getattr(layer, "act_alpha", None)
    else:
        q = getattr(layer, "weight_quant", None)
        a = getattr(q, "wgt_alpha", None) if q is not None else None
    if a is None:
        return None
    return float(a.item() if torch.is_tensor(a) else a)


def check_conv(conv, name):
    if not isinstance(conv, nn.Conv2d):
        sys.exit(f"export_torch: --layer {name}: expected a Conv2d, got {type(conv).__name__}")
    k = conv.kernel_size
    problems = []
    if k[0] != k[1] or k[0] % 2 == 0:
        problems.append(f"a square odd kernel, got {k}")
    if tuple(conv.stride) != (1, 1):
        problems.append(f"stride 1, got {conv.stride}")
    if tuple(conv.dilation) != (1, 1):
        problems.append(f"dilation 1, got {conv.dilation}")
    if conv.groups != 1:
        problems.append(f"groups 1, got {conv.groups}")
    pad = conv.padding
    if isinstance(pad, str) or pad[0] != pad[1]:
        problems.append(f"equal numeric padding, got {pad}")
    if problems:
        sys.exit(f"export_torch: --layer {name}: expected " + "; ".join(problems))
    return k[0], pad[0]


def capture_input(model, conv, example):
    seen = {}

    def hook(_module, args):
        seen.setdefault("x", args[0].detach())

    handle = conv.register_forward_pre_hook(hook)
    model.eval()
    with torch.no_grad():
        model(example)
    handle.remove()
    if "x" not in seen:
        sys.exit("export_torch: the chosen layer was not called by the forward pass")
    return seen["x"]


def export(model, layer_name, example, out_dir, act_alpha=None, weight_alpha=None,
           act_bits=4, weight_bits=4, batch_index=0):
    """Captures `layer_name`'s input on `example`, quantizes it and its weight, writes DIR."""
    conv = dict(model.named_modules()).get(layer_name)
    if conv is None:
        sys.exit(f"export_torch: --layer {layer_name}: no such module")
    kernel, pad = check_conv(conv, layer_name)
    act_alpha = act_alpha if act_alpha is not None else layer_alpha(conv, "act")
    weight_alpha = weight_alpha if weight_alpha is not None else layer_alpha(conv, "weight")
    if act_alpha is None or weight_alpha is None:
        sys.exit("export_torch: the layer has no act_alpha / weight_quant.wgt_alpha: "
                 "pass --act-alpha and --weight-alpha")
    x = capture_input(model, conv, example)[batch_index]
    w = conv.weight.detach()
    act_int = quantize_act(x, act_alpha, act_bits)
    w_int = quantize_weight(w, weight_alpha, weight_bits)  # a new tensor: conv.weight is untouched

    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "act.npy"), act_int.numpy().astype(np.int32))
    np.save(os.path.join(out_dir, "weight.npy"), w_int.numpy().astype(np.int32))
    np.save(os.path.join(out_dir, "act_float.npy"), x.double().numpy())
    np.save(os.path.join(out_dir, "weight_float.npy"), w.double().numpy())
    c, h, wd = act_int.shape
    cmd = (f"satlm gen --out DIR --from-npy {out_dir}/act.npy {out_dir}/weight.npy "
           f"--pad {pad} --act-bits {act_bits} --weight-bits {weight_bits}")
    info = {"layer": layer_name, "act_alpha": act_alpha, "weight_alpha": weight_alpha,
            "act_bits": act_bits, "weight_bits": weight_bits, "pad": pad, "kernel": kernel,
            "in_channels": c, "out_channels": int(w_int.shape[0]), "height": h, "width": wd,
            "command": cmd}
    with open(os.path.join(out_dir, "export.json"), "w") as f:
        json.dump(info, f, indent=2)
    return act_int, w_int, info


def self_test(out_dir):
    """A small random model; writes the export plus ref_out.npy = ReLU(int conv) [K, Ho, Wo]."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 12, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(12, 10, 3, padding=1, bias=False), nn.ReLU())
    example = torch.rand(2, 3, 5, 6)
    x = capture_input(model, model[2], example)[0]
    act_alpha = float(x.max()) * 0.8          # some values clip at the top code
    weight_alpha = float(model[2].weight.abs().max()) * 0.9
    act_int, w_int, info = export(model, "2", example, out_dir, act_alpha, weight_alpha)
    ref = F.relu(F.conv2d(act_int[None].double(), w_int.double(), padding=info["pad"]))[0]
    np.save(os.path.join(out_dir, "ref_out.npy"), ref.round().to(torch.int64).numpy())
    assert int(act_int.min()) >= 0 and int(act_int.max()) == 15, "activations span 0..15"
    assert int(w_int.min()) >= -7 and int(w_int.max()) <= 7
    print(f"self-test: wrote {out_dir} ({info['command']})")


def load_factory(spec):
    path, _, func = spec.partition(":")
    if not func:
        sys.exit("export_torch: --model expected FILE.py:FUNCTION")
    s = importlib.util.spec_from_file_location("user_model", path)
    if s is None:
        sys.exit(f"export_torch: --model {path}: cannot load")
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    return getattr(mod, func)()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--self-test", metavar="DIR")
    p.add_argument("--model", help="FILE.py:FUNCTION returning the nn.Module")
    p.add_argument("--state-dict", help="weights for the model (torch.save of a state_dict)")
    p.add_argument("--layer", help="dotted module name of the Conv2d, e.g. features.27")
    p.add_argument("--input", help="input batch .npy [N, C, H, W] (float)")
    p.add_argument("--batch-index", type=int, default=0)
    p.add_argument("--act-alpha", type=float)
    p.add_argument("--weight-alpha", type=float)
    p.add_argument("--act-bits", type=int, default=4, choices=[2, 4])
    p.add_argument("--weight-bits", type=int, default=4, choices=[2, 3, 4])
    p.add_argument("--out", help="output folder")
    a = p.parse_args()
    if a.self_test:
        self_test(a.self_test)
        return
    if not (a.model and a.layer and a.input and a.out):
        p.error("--model, --layer, --input and --out are required (or --self-test DIR)")
    model = load_factory(a.model)
    if a.state_dict:
        model.load_state_dict(torch.load(a.state_dict, map_location="cpu"))
    example = torch.from_numpy(np.load(a.input)).float()
    _, _, info = export(model, a.layer, example, a.out, a.act_alpha, a.weight_alpha,
                        a.act_bits, a.weight_bits, a.batch_index)
    print(info["command"])


if __name__ == "__main__":
    main()
