# %% [markdown]
# # satlm from Python: the origin notebook's flow, end to end
#
# Quantize a small convolution in PyTorch, run it through the accelerator model, compare with
# PyTorch's integer result, write the memory files an RTL testbench reads, sign them off, then
# sweep array sizes over a whole network and plot the answer.
#
# Run as a script (`PYTHONPATH=build/python python3 examples/notebook.py [OUT_DIR]`) or cell by
# cell in Jupyter/VS Code (`# %%` cells).

# %%
import os
import shutil
import sys
import tempfile

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import torch

    import satlm
except ImportError as e:
    sys.exit(f"examples/notebook.py: {e} for {sys.executable}: it needs numpy, torch and matplotlib "
             "(./setup.sh installs Debian's python3-numpy, python3-torch, python3-matplotlib for /usr/bin/python3) "
             "and the module on PYTHONPATH (build/python)")

out_dir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="satlm-notebook-")
os.makedirs(out_dir, exist_ok=True)
print("satlm", satlm.__version__, "->", out_dir)

# %% A quantized 3x3 conv layer in PyTorch (4-bit activations, 4-bit signed weights)
torch.manual_seed(27)
conv = torch.nn.Conv2d(8, 8, kernel_size=3, padding=1, bias=False)
x = torch.relu(torch.randn(1, 8, 4, 4))
act_alpha, w_alpha = float(x.max()), float(conv.weight.abs().max())
act_q = torch.round(torch.clamp(x / act_alpha, 0, 1) * 15).to(torch.int64)[0]             # [C, H, W] 0..15
w_q = torch.round(torch.clamp(conv.weight / w_alpha, -1, 1) * 7).to(torch.int64).detach()  # [K, C, 3, 3] -7..7

# %% The layer on the model (loosely timed), and PyTorch's integer result
r = satlm.run_layer(act_q.numpy(), w_q.numpy(), pad=1, fidelity="lt")
torch_int = torch.relu(torch.nn.functional.conv2d(act_q[None].double(), w_q.double(), padding=1))[0]
assert np.array_equal(r.output, torch_int.numpy().astype(np.int64)), "model and PyTorch differ"
print(f"run_layer: {r.output.shape} outputs equal PyTorch's integer conv; {r.cycles} cycles")

# %% The memory files for an RTL testbench, signed off by the cycle model's checker
set_dir = os.path.join(out_dir, "layer27")
shutil.rmtree(set_dir, ignore_errors=True)  # gen writes only into a missing or empty folder: rerunnable
satlm.gen(set_dir, act_q.numpy(), w_q.numpy(), pad=1)
signed = satlm.run_set(set_dir)
assert signed.mismatches == 0
print(f"gen + run_set: {sorted(os.listdir(set_dir))[:3]}... signed off, {signed.cycles} cycles")

# %% The same layer in a testbench's own layout (the names and header lines its $readmemb expects)
tb_dir = os.path.join(out_dir, "layer27-tb")
shutil.rmtree(tb_dir, ignore_errors=True)
tb_files = satlm.gen(tb_dir, act_q.numpy(), w_q.numpy(),
                     {"files.activation": "txt_files/activation.txt", "files.weight": "txt_files/weight_kij{k}.txt",
                      "files.output": "txt_files/output.txt", "format.header_lines": 0}, pad=1, psums=False)
assert satlm.run_set(tb_dir).mismatches == 0
print(f"testbench layout: {tb_files[:2]}... signed off")

# %% Array size against cycles and utilization over VGG16-CIFAR10 (8-channel variant)
sizes = [4, 8, 16, 32]
cycles, util = [], []
for n in sizes:
    layers = satlm.net("vgg16-cifar10-8ch", satlm.Arch(**{"array.rows": n, "array.cols": n, "model.fidelity": "lt"}),
                       no_data=True)
    total = sum(l["cycles_total"] for l in layers)
    macs = sum(l["macs"] for l in layers)
    cycles.append(total)
    util.append(100.0 * macs / (n * n * total))
    print(f"{n:>2}x{n:<2} {total:>12} cycles  {util[-1]:5.1f}% PE utilization")

# %% Plot
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(sizes, cycles, "o-", label="cycles")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("array size (rows = cols)")
ax.set_ylabel("cycles per inference")
ax2 = ax.twinx()
ax2.plot(sizes, util, "s--", color="tab:orange", label="PE utilization %")
ax2.set_ylabel("PE utilization %")
ax.set_title("VGG16-CIFAR10-8ch on the weight-stationary array")
fig.tight_layout()
png = os.path.join(out_dir, "array_sweep.png")
fig.savefig(png, dpi=100)
print("plot:", png)
