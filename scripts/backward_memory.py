"""What PyTorch's split backward keeps between B and W: the check behind `pipesched profile
--backward-split torch` (docs/cost-model.md, "Split between B and W").

Runs one GPT layer (norm, QKV, causal attention, output projection, dropout, norm, 4h MLP with GeLU,
dropout; float32 on the CPU) forward, then the two functions PyTorch's pipeline runtime calls for a
stage's split backward (torch.distributed.pipelining, as `_PipelineScheduleRuntime` does for `I` and
`W` on every stage but the first): `stage_backward_input` and `stage_backward_weight`. A dispatch mode
counts the bytes of every tensor storage the layer creates while it is alive (the parameters and the
input are not counted), after the forward, after B and after W.

The cost model's `torch` split says: B frees nothing the forward stored and adds the gradients of the
outputs of the layers with weights, which W reads (`outputGradientBytes`: the linear layers',
s·b·(3h + h + 4h + h) values here, and the two norms', s·b·h each); W frees all of it. The `stored`
split (Zero Bubble's runtime) would free, at B, everything but the linear layers' inputs, and add the
linear layers' output gradients. B also creates the input gradient, the message to the previous
stage, which PyTorch's runtime keeps to the step's end (`BoundaryMemory`, scripts/schedule_memory.py).

Prints one JSON line; with --check exits 1 unless B frees at most one s·b·h tensor of what the forward
stored (the last dropout's mask, the one saved tensor on no path to a weight), adds between the
model's output gradients and those plus the input gradient (1% slack), and W leaves at most 1% of
what the forward stored alive.

Usage: python backward_memory.py [--check]
"""
import gc
import json
import sys
import weakref

import torch
from torch.distributed.pipelining._backward import stage_backward_input, stage_backward_weight
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten


class LiveStorages(TorchDispatchMode):
    """The bytes of the tensor storages created under the mode that are still alive, each under a
    serial number of its own: the allocator reuses addresses, so a storage freed and a later one at
    the same address must not be taken for one another."""

    def __init__(self, known):
        super().__init__()
        self.known = {t.untyped_storage().data_ptr() for t in known}
        self.serial_at = {}  # address -> serial of the live storage there
        self.live = {}  # serial -> bytes
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for tensor in tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor):
                continue
            storage = tensor.untyped_storage()
            address = storage.data_ptr()
            if address == 0 or address in self.known or address in self.serial_at:
                continue
            self.count += 1
            self.serial_at[address] = self.count
            self.live[self.count] = storage.nbytes()
            weakref.finalize(storage, self.freed, address, self.count)
        return out

    def freed(self, address, serial):
        self.live.pop(serial, None)
        if self.serial_at.get(address) == serial:
            del self.serial_at[address]

    def serial(self, tensor):
        return self.serial_at[tensor.untyped_storage().data_ptr()]

    def snapshot(self):
        gc.collect()
        return dict(self.live)


class Layer(torch.nn.Module):
    def __init__(self, h, heads):
        super().__init__()
        self.heads = heads
        self.norm1, self.qkv, self.proj = torch.nn.LayerNorm(h), torch.nn.Linear(h, 3 * h), torch.nn.Linear(h, h)
        self.norm2, self.fc1, self.fc2 = torch.nn.LayerNorm(h), torch.nn.Linear(h, 4 * h), torch.nn.Linear(4 * h, h)
        self.dropout = torch.nn.Dropout(0.1)

    def forward(self, x):
        s, b, h = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(s, b, 3, self.heads, h // self.heads).permute(2, 1, 3, 0, 4)
        attention = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.dropout(self.proj(attention.permute(2, 0, 1, 3).reshape(s, b, h)))
        return x + self.dropout(self.fc2(torch.nn.functional.gelu(self.fc1(self.norm2(x)))))


def main():
    torch.manual_seed(0)
    s, b, h, heads = 256, 2, 512, 8
    layer = Layer(h, heads)
    x = torch.randn(s, b, h, requires_grad=True)
    sbh = s * b * h * x.element_size()
    mode = LiveStorages(list(layer.parameters()) + [x])
    with mode:
        y = layer(x)
        dy = torch.randn_like(y)  # the gradient the next stage sends
        kept = {mode.serial(t) for t in (y, dy)}  # the runtime holds both until W
        forward = {k: v for k, v in mode.snapshot().items() if k not in kept}
        _, groups = stage_backward_input([y], [dy], [x], layer.parameters())
        after_input = mode.snapshot()
        stage_backward_weight(layer.parameters(), groups)
        del groups
        after_weight = mode.snapshot()
    stored = sum(forward.values())
    freed = sum(v for k, v in forward.items() if k not in after_input)
    added = sum(v for k, v in after_input.items() if k not in forward and k not in kept)
    left = sum(v for k, v in forward.items() if k in after_weight)
    output_gradients = 11 * sbh  # QKV 3h, projection h, fc1 4h, fc2 h; the two norms h each
    report = {"sbh_bytes": sbh, "forward_stored": stored / sbh, "freed_by_B": freed / sbh, "added_by_B": added / sbh,
              "model_output_gradients": output_gradients / sbh, "left_after_W": left / sbh}
    print(json.dumps(report))
    if "--check" in sys.argv[1:]:
        problems = []
        if freed > sbh:
            problems.append(f"B freed {freed / sbh:.2f} sbh of the {stored / sbh:.2f} the forward stored")
        if not (0.99 * output_gradients <= added <= 1.01 * (output_gradients + sbh)):
            problems.append(f"B added {added / sbh:.2f} sbh, outside {output_gradients / sbh:.0f}–{output_gradients / sbh + 1:.0f}")
        if left > 0.01 * stored:
            problems.append(f"{left / sbh:.2f} sbh of the forward's stayed after W")
        if problems:
            print("backward_memory: " + "; ".join(problems), file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
