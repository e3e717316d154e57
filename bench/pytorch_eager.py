#!/usr/bin/env python3
"""The paper's way, in eager PyTorch: the baseline every siren figure is a ratio to.

The network is built exactly as the official code builds it (modules.py FCBlock/SingleBVPNet:
nn.Linear layers, sin(30·x) on every sine layer, `sine_init` applied to every layer and then
`first_layer_sine_init` to the first, biases left at PyTorch's default), derivatives come from
autograd with create_graph=True (diff_operators.py), the optimiser is torch.optim.Adam and one step is
zero_grad / forward / loss / backward / step, as training.py does it.

Run it with the Python of the PyTorch wheel siren links (cmake/Torch.cmake), so both sides run the
same PyTorch version.

  pytorch_eager.py [--threads T] time WORKLOAD [--size N] [--points N] [--channels C] [--repeats R]
                   [--warmup W] [--device cpu|cuda|cuda:N] [--precision fp32|tf32|bf16] [--steps-per-repeat K]
      WORKLOAD: image | sdf | poisson-lapl | query | query-gradients | mesh. Prints one JSON line: median/min/max ms.
      On a GPU the device is drained (torch.cuda.synchronize) before and after each timed repeat, so the
      clock never stops before the kernels do; a repeat of K steps gives their mean, as siren-bench does.
      --precision: fp32 is PyTorch's default and the paper's (IEEE products); tf32 lets cuBLAS use TF32
      tensor cores for float32 products; bf16 autocasts the forward and the loss to bfloat16 (GPU only).
  pytorch_eager.py fit-image --image PNG [--steps 200] [--seed 0] [--report 50,100,200]
      The official image fit; prints one JSON line per reported step (k updates done: PSNR, loss).
  pytorch_eager.py dump-init --seed S --in-features D --out-features C --out FILE [--hidden 256 --layers 3]
      The official initialisation under torch.manual_seed(S), raw float32 in parameter order.
"""
import argparse
import contextlib
import json
import math
import statistics
import sys
import time

import torch
from torch import nn


# --- modules.py, as the official code has it --------------------------------------------------------

class Sine(nn.Module):
    def forward(self, x):
        return torch.sin(30 * x)


def sine_init(m):
    with torch.no_grad():
        if hasattr(m, 'weight'):
            fan_in = m.weight.size(-1)
            m.weight.uniform_(-math.sqrt(6 / fan_in) / 30, math.sqrt(6 / fan_in) / 30)


def first_layer_sine_init(m):
    with torch.no_grad():
        if hasattr(m, 'weight'):
            fan_in = m.weight.size(-1)
            m.weight.uniform_(-1 / fan_in, 1 / fan_in)


def siren_network(in_features, out_features, hidden=256, hidden_layers=3):
    layers = [nn.Linear(in_features, hidden), Sine()]
    for _ in range(hidden_layers):
        layers += [nn.Linear(hidden, hidden), Sine()]
    layers += [nn.Linear(hidden, out_features)]
    net = nn.Sequential(*layers)
    net.apply(sine_init)
    net[0].apply(first_layer_sine_init)
    return net


# --- diff_operators.py --------------------------------------------------------------------------------

def gradient(y, x):
    return torch.autograd.grad(y, [x], grad_outputs=torch.ones_like(y), create_graph=True)[0]


def divergence(y, x):
    div = 0.
    for i in range(y.shape[-1]):
        div += torch.autograd.grad(y[..., i], x, torch.ones_like(y[..., i]), create_graph=True)[0][..., i:i + 1]
    return div


def laplace(y, x):
    return divergence(gradient(y, x), x)


# --- dataio.get_mgrid ----------------------------------------------------------------------------------

def mgrid(size):
    axis = torch.linspace(-1, 1, size)
    rows, cols = torch.meshgrid(axis, axis, indexing='ij')
    return torch.stack([rows, cols], -1).reshape(-1, 2)


# --- where and how precisely the workloads compute ------------------------------------------------------

def precision_scope(args):
    """bf16: autocast around the forward and the loss only, as torch.amp prescribes (the backward pass
    follows the forward's types; Adam keeps float32). fp32 and tf32 change nothing here (see main)."""
    if args.precision == 'bf16':
        return torch.autocast(device_type=torch.device(args.device).type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def wait_for_device(device):
    """CUDA kernels run asynchronously to Python: read the clock only once the device has drained its queue."""
    if torch.device(device).type == 'cuda':
        torch.cuda.synchronize(device)


# --- workloads: each returns a closure doing one training step (or one query pass) ---------------------
# Inputs and weights are drawn on the CPU and then moved, so every device starts from the same numbers.

def image_step(args):
    coords = mgrid(args.size).unsqueeze(0).to(args.device)
    target = (torch.rand(1, args.size * args.size, args.channels) * 2 - 1).to(args.device)
    net = siren_network(2, args.channels).to(args.device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step():
        x = coords.clone().detach().requires_grad_(True)  # SingleBVPNet always does this
        with precision_scope(args):
            loss = ((net(x) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def sdf_step(args):
    n = args.points
    on = torch.nn.functional.normalize(torch.randn(n, 3), dim=-1) * 0.5
    coords = torch.cat([on, torch.rand(n, 3) * 2 - 1]).unsqueeze(0).to(args.device)
    normals = torch.cat([on / 0.5, -torch.ones(n, 3)]).unsqueeze(0).to(args.device)
    gt_sdf = torch.cat([torch.zeros(n, 1), -torch.ones(n, 1)]).unsqueeze(0).to(args.device)
    net = siren_network(3, 1).to(args.device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step():  # loss_functions.sdf, then clip_grad_norm_(1) as train_sdf.py
        x = coords.clone().detach().requires_grad_(True)
        with precision_scope(args):
            pred = net(x)
            grad = gradient(pred, x)
            on_surface = gt_sdf != -1
            sdf = torch.where(on_surface, pred, torch.zeros_like(pred)).abs().mean() * 3e3
            inter = torch.where(on_surface, torch.zeros_like(pred), torch.exp(-1e2 * pred.abs())).mean() * 1e2
            normal = torch.where(on_surface,
                                 1 - torch.nn.functional.cosine_similarity(grad, normals, dim=-1)[..., None],
                                 torch.zeros_like(grad[..., :1])).mean() * 1e2
            eikonal = (grad.norm(dim=-1) - 1).abs().mean() * 5e1
            loss = sdf + inter + normal + eikonal
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.)
        opt.step()
    return step


def poisson_lapl_step(args):
    coords = mgrid(args.size).unsqueeze(0).to(args.device)
    target = torch.randn(1, args.size * args.size, 1).to(args.device)
    net = siren_network(2, 1).to(args.device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)

    def step():  # loss_functions.laplace_mse
        x = coords.clone().detach().requires_grad_(True)
        with precision_scope(args):
            loss = ((laplace(net(x), x) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def query_pass(args):
    """Host points in, host values out, as siren's FieldModel::query takes and gives them (on a CPU the
    moves are no-ops)."""
    coords = torch.rand(args.points, 2) * 2 - 1
    net = siren_network(2, 1).to(args.device)

    def run():
        with torch.no_grad(), precision_scope(args):
            for chunk in coords.split(262144):
                net(chunk.to(args.device)).cpu()
    return run


def query_gradients_pass(args):
    """Host points in, each point's gradient out (siren's FieldModel::query_gradients): autograd's backward
    pass per chunk, the way a PyTorch user gets a field's normals."""
    coords = torch.rand(args.points, 2) * 2 - 1
    net = siren_network(2, 1).to(args.device)

    def run():
        with precision_scope(args):
            for chunk in coords.split(262144):
                x = chunk.to(args.device).requires_grad_(True)
                torch.autograd.grad(net(x).sum(), x)[0].cpu()
    return run


def mesh_grid_pass(args):
    """sdf_meshing.create_mesh's evaluation: the N^3 grid over [-1, 1]^3 in chunks of 262,144 points
    (its marching cubes, skimage's, comes on top and is not timed: a lower bound on the reference). On a
    GPU each chunk goes there and its values come back, as create_mesh's .cuda() / .cpu() do."""
    n = args.size
    net = siren_network(3, 1).to(args.device)
    axis = torch.linspace(-1, 1, n)

    def run():
        with torch.no_grad(), precision_scope(args):
            total = n ** 3
            for start in range(0, total, 262144):
                index = torch.arange(start, min(start + 262144, total))
                coords = torch.stack([axis[index // (n * n)], axis[(index // n) % n], axis[index % n]], -1)
                net(coords.to(args.device)).cpu()
    return run


WORKLOADS = {'image': image_step, 'sdf': sdf_step, 'poisson-lapl': poisson_lapl_step, 'query': query_pass,
             'query-gradients': query_gradients_pass, 'mesh': mesh_grid_pass}


def time_workload(args):
    torch.manual_seed(args.seed)
    run = WORKLOADS[args.workload](args)
    for _ in range(args.warmup):
        run()
    ms = []
    for _ in range(args.repeats):
        wait_for_device(args.device)
        start = time.perf_counter()
        for _ in range(args.steps_per_repeat):
            run()
        wait_for_device(args.device)
        ms.append((time.perf_counter() - start) * 1e3 / args.steps_per_repeat)
    figures = {'workload': args.workload, 'impl': 'pytorch-eager', 'torch': torch.__version__,
               'threads': torch.get_num_threads(), 'size': args.size, 'points': args.points,
               'channels': args.channels, 'repeats': args.repeats, 'median_ms': statistics.median(ms),
               'min_ms': min(ms), 'max_ms': max(ms)}
    if args.device != 'cpu':  # a CPU run prints exactly what it always has
        figures.update(device=args.device, gpu=torch.cuda.get_device_name(args.device), precision=args.precision,
                       steps_per_repeat=args.steps_per_repeat)
    print(json.dumps(figures), flush=True)


def check_device(parser, args):
    """Refuses a GPU run that cannot happen with a reason, rather than a CUDA traceback."""
    if args.device != 'cpu':
        if not args.device.startswith('cuda'):
            parser.error(f'--device {args.device}: use cpu, cuda or cuda:N')
        if not torch.cuda.is_available():
            parser.error(f'--device {args.device}: this PyTorch ({torch.__version__}) sees no CUDA device')
    elif args.precision != 'fp32':
        parser.error(f'--precision {args.precision} applies to a GPU only; the CPU computes in fp32')
    if args.steps_per_repeat < 1:
        parser.error('--steps-per-repeat must be at least 1')


def read_gray_png(path):
    """An 8-bit grayscale or RGB(A) PNG as a (H, W) tensor in [-1, 1] (RGB averaged; the reference's
    cameraman is gray). Decoded here because Debian's python3-torch brings no image library."""
    import struct
    import zlib
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', f'{path}: not a PNG'
    pos, idat, header = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    assert depth == 8 and interlace == 0, 'only 8-bit non-interlaced PNGs'
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = [], bytearray(stride)
    for r in range(height):
        kind, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + left) & 255
            elif kind == 2: line[i] = (line[i] + up) & 255
            elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 255
        rows.append(bytes(line))
        prev = line
    pixels = torch.frombuffer(bytearray(b''.join(rows)), dtype=torch.uint8).float().reshape(height, width, channels)
    gray = pixels[..., 0] if channels < 3 else pixels[..., :3].mean(-1)
    return gray / 255 * 2 - 1  # ToTensor + Normalize(0.5, 0.5)


def fit_image(args):
    torch.manual_seed(args.seed)
    img = read_gray_png(args.image)
    height, width = img.shape
    assert height == width, 'the official get_mgrid grid is square'
    coords = mgrid(height).unsqueeze(0)
    target = img.reshape(1, -1, 1)
    net = siren_network(2, 1)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    report = {int(k) for k in args.report.split(',')}
    for k in range(args.steps + 1):
        x = coords.clone().detach().requires_grad_(True)
        out = net(x)
        loss = ((out - target) ** 2).mean()
        if k in report:  # utils.write_psnr: clip(pred/2+0.5) against gt/2+0.5, data_range 1
            pred = (out.detach() / 2 + 0.5).clamp(0, 1)
            mse = ((pred - (target / 2 + 0.5)) ** 2).mean().item()
            print(json.dumps({'step': k, 'loss': loss.item(), 'psnr': 10 * math.log10(1 / mse)}), flush=True)
        if k == args.steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()


def dump_init(args):
    torch.manual_seed(args.seed)
    net = siren_network(args.in_features, args.out_features, args.hidden, args.layers)
    with open(args.out, 'wb') as f:
        for p in net.parameters():  # weight, bias per layer, in order
            f.write(p.detach().contiguous().numpy().astype('<f4').tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--threads', type=int, default=0, help='torch threads; 0 = all cores')
    sub = parser.add_subparsers(dest='command', required=True)
    t = sub.add_parser('time')
    t.add_argument('workload', choices=sorted(WORKLOADS))
    t.add_argument('--size', type=int, default=256, help='grid side for image / poisson-lapl / mesh')
    t.add_argument('--points', type=int, default=250000,
                   help='sdf: on-surface points (as many off); query, query-gradients: points')
    t.add_argument('--channels', type=int, default=1)
    t.add_argument('--repeats', type=int, default=5)
    t.add_argument('--warmup', type=int, default=1)
    t.add_argument('--seed', type=int, default=0)
    t.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    t.add_argument('--precision', choices=['fp32', 'tf32', 'bf16'], default='fp32',
                   help="GPU products: fp32 (PyTorch's default, the paper's), tf32 or bf16 (autocast)")
    t.add_argument('--steps-per-repeat', type=int, default=1,
                   help='steps (or passes) timed together per repeat; the figure is their mean')
    f = sub.add_parser('fit-image')
    f.add_argument('--image', required=True)
    f.add_argument('--steps', type=int, default=200)
    f.add_argument('--seed', type=int, default=0)
    f.add_argument('--lr', type=float, default=1e-4)
    f.add_argument('--report', default='0,50,100,150,200')
    d = sub.add_parser('dump-init')
    d.add_argument('--seed', type=int, default=0)
    d.add_argument('--in-features', type=int, default=2)
    d.add_argument('--out-features', type=int, default=1)
    d.add_argument('--hidden', type=int, default=256)
    d.add_argument('--layers', type=int, default=3)
    d.add_argument('--out', required=True)
    args = parser.parse_args()
    import os
    torch.set_num_threads(args.threads or os.cpu_count())
    if args.command == 'time':
        check_device(parser, args)
        if args.precision == 'tf32':
            torch.set_float32_matmul_precision('high')  # cuBLAS may use TF32 tensor cores for float32
    {'time': time_workload, 'fit-image': fit_image, 'dump-init': dump_init}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
