"""What each rank of PyTorch's pipeline runtime holds while it runs a PipeSched schedule, against what
the schedule says: the whole-schedule check behind `pipesched profile --backward-split torch`
(docs/cost-model.md, "What PyTorch's runtime holds at stage boundaries").

Run by scripts/torch-roundtrip, one process per rank:

    python -m torch.distributed.run --nproc-per-node=4 --master-addr=127.0.0.1 --master-port=PORT \
        scripts/schedule_memory.py --model MODEL.json --problem PROBLEM.json --schedule SCHEDULE.json \
        (--csv SCHEDULE.csv | --torch-class CLASS) --placement loop|v [--return-outputs] [--check]

MODEL.json is a small GPT model in float32 (`pipesched profile --model`), PROBLEM.json its problem
profiled with `--backward-split torch` (its `partition` gives each stage's layers), SCHEDULE.json a
schedule of it (`metrics.peakMemory`: each device's peak) and SCHEDULE.csv that schedule exported
for PyTorch, which the ranks load with _PipelineScheduleRuntime._load_csv(..., format="compute_only").
With `--torch-class` instead, one of PyTorch's own schedule classes (by the name its
`get_schedule_class` takes, for example ZBVZeroBubble) runs as it runs itself, and SCHEDULE.json is
its order re-timed on the problem (scripts/peer_orders.py, then `pipesched evaluate --torch-csv`),
as the peer benchmarks charge it.

Every rank builds the model's stages that the placement gives it: the first stage the token
embedding and its dropout, every stage its layers (scripts/backward_memory.py's GPT layer, batch
first, with one-byte dropout masks as the cost model counts them), the last stage the final norm
and the output projection, with cross-entropy as the loss. It runs two steps, the second with the
first step's gradients kept (as in gradient accumulation), so that during it only what the schedule
allocates changes. `--return-outputs` is `step`'s `return_outputs=True`, PyTorch's default, with
which the last stage keeps every microbatch's output (its logits) for the caller until the step
ends (pass False, pytorch/pytorch#159251).

A dispatch mode counts the bytes of every tensor storage created while it is alive (the parameters
and the step's inputs are not counted). Per rank: `buffers`, what the first step left alive at the
start of the second without the parameters' gradients (PyTorch's receive buffers, one per
microbatch, allocated when a stage first runs); `passes`, the most bytes alive after any pass of
the second step (and after the loss, which the runtime computes right after the last stage's F)
above its start; `peak`, the most alive at any moment, inside passes too. What a rank holds between
passes, `buffers + passes`, is compared with the schedule's peak for its device less the bytes of
the parameters it holds (`claim`, `ratio`). Rank 0 prints one JSON line; with `--check` it exits 1
unless, on every rank, `buffers` is one boundary tensor per microbatch for each stage's receiving
side and `ratio` lies between 0.85 and 1.002. The model holds each sent output and input gradient
from the pass that makes it to the step's end (gloo's rule) and keeps what B frees early, such as
dropout masks, until W (docs/cost-model.md); it leaves out small per-token tensors the layer's
forward keeps (backward_memory.py measures 17.0234 of its s·b·h units stored per layer against the
model's 17, 0.14%), hence the 0.2% above 1.
"""
import argparse
import json
import sys

import torch
import torch.distributed as dist
from torch.distributed.pipelining import PipelineStage
from torch.distributed.pipelining import schedules
from torch.distributed.pipelining.schedules import _PipelineScheduleRuntime

from backward_memory import Layer, LiveStorages
from torch_roundtrip import placement


class PeakStorages(LiveStorages):
    """`LiveStorages` that also keeps the running total of the live bytes and its highest value."""

    def __init__(self, known):
        super().__init__(known)
        self.total = 0
        self.peak = 0
        self.levels = []  # (stage, pass, live bytes) after each pass of the step under way

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        before = self.count
        out = super().__torch_dispatch__(func, types, args, kwargs)
        for serial in range(before + 1, self.count + 1):
            self.total += self.live.get(serial, 0)
        self.peak = max(self.peak, self.total)
        return out

    def freed(self, address, serial):
        self.total -= self.live.get(serial, 0)
        super().freed(address, serial)

    def start_peak(self):
        self.snapshot()
        self.peak = self.total
        self.levels = []
        return self.total

    def passed(self, stage, op):
        """Notes the live bytes after a pass of `stage` (`op`: F, B or W)."""
        self.levels.append((stage, op, self.total))


def dropout(x, p=0.1):
    """Dropout keeping a one-byte mask, as the cost model counts it (Korthikanti et al.) and as GPU
    kernels keep it; PyTorch's CPU dropout keeps a mask of x's own type."""
    return x * (torch.rand_like(x) >= p) / (1 - p)


class BatchFirstLayer(Layer):
    """The GPT layer on (b, s, h) inputs (the runtime splits microbatches along the first dimension),
    with one-byte dropout masks."""

    def dropout(self, x):
        return dropout(x)

    def forward(self, x):
        b, s, h = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(b, s, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        attention = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.dropout(self.proj(attention.transpose(1, 2).reshape(b, s, h)))
        return x + self.dropout(self.fc2(torch.nn.functional.gelu(self.fc1(self.norm2(x)))))


class Stage(torch.nn.Module):
    def __init__(self, layers, h, heads, vocabulary, first, last):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, h) if first else None
        self.layers = torch.nn.ModuleList(BatchFirstLayer(h, heads) for _ in range(layers))
        self.norm = torch.nn.LayerNorm(h) if last else None
        self.head = torch.nn.Linear(h, vocabulary, bias=False) if last else None

    def forward(self, x):
        if self.embedding is not None:
            x = dropout(self.embedding(x))
        for layer in self.layers:
            x = layer(x)
        if self.head is not None:
            x = self.head(self.norm(x))
        return x


class MeasuredStage(PipelineStage):
    """A pipeline stage that notes the live bytes after each of its passes (`PeakStorages.passed`)."""

    def __init__(self, mode, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode

    def forward_one_chunk(self, *args, **kwargs):
        output = super().forward_one_chunk(*args, **kwargs)
        self.mode.passed(self.stage_index, "F")
        return output

    def backward_one_chunk(self, *args, **kwargs):
        super().backward_one_chunk(*args, **kwargs)
        self.mode.passed(self.stage_index, "B")

    def backward_weight_one_chunk(self, *args, **kwargs):
        super().backward_weight_one_chunk(*args, **kwargs)
        self.mode.passed(self.stage_index, "W")


def main():
    parser = argparse.ArgumentParser()
    for name in ("--model", "--problem", "--schedule"):
        parser.add_argument(name, required=True)
    order = parser.add_mutually_exclusive_group(required=True)
    order.add_argument("--csv")
    order.add_argument("--torch-class")
    parser.add_argument("--placement", choices=("loop", "v"), required=True)
    parser.add_argument("--return-outputs", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    problem = json.load(open(args.problem))
    model = json.load(open(args.model))
    partition = problem["partition"]
    h, heads, vocabulary = model["hiddenSize"], model["attentionHeads"], model["vocabularySize"]
    s, b, m = model["sequenceLength"], model["microbatchSize"], problem["microbatches"]
    count = len(partition)
    rank_of = placement(args.placement, count, world)
    mine = [stage for stage in range(count) if rank_of[stage] == rank]

    torch.manual_seed(0)
    modules = {stage: Stage(partition[stage], h, heads, vocabulary, stage == 0, stage == count - 1) for stage in mine}
    generator = torch.Generator().manual_seed(1)
    tokens = [torch.randint(vocabulary, (m * b, s), generator=generator) for _ in range(2)]
    targets = [torch.randint(vocabulary, (m * b, s), generator=generator) for _ in range(2)]
    parameters = [p for module in modules.values() for p in module.parameters()]
    mode = PeakStorages(parameters + tokens + targets)
    stages = [MeasuredStage(mode, modules[stage], stage, count, torch.device("cpu")) for stage in mine]

    def loss_fn(logits, target):  # run right after the last stage's F: its level counts as F's
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocabulary), target.reshape(-1))
        mode.passed(count - 1, "loss")
        return loss

    if args.csv:
        schedule = _PipelineScheduleRuntime(stages, n_microbatches=m, loss_fn=loss_fn)
        schedule._load_csv(args.csv, format="compute_only")
    else:  # one of PyTorch's own classes, run as it runs itself
        schedule = schedules.get_schedule_class(args.torch_class)(stages, n_microbatches=m, loss_fn=loss_fn)

    with mode:
        at_start = []
        for step in range(2):
            for stage in stages:  # what `step` does first; here before the count starts
                stage.clear_runtime_states()
            at_start.append(mode.start_peak())
            losses = [] if count - 1 in mine else None
            schedule.step(*((tokens[step],) if 0 in mine else ()), target=targets[step] if losses is not None else None,
                          losses=losses, return_outputs=args.return_outputs)
            del losses
    gradients = sum(p.grad.untyped_storage().nbytes() for p in parameters if p.grad is not None)
    base = at_start[1]
    boundary = b * s * h * 4  # one float32 hidden state: a message between stages
    report = {"rank": rank, "stages": mine, "buffers": base - at_start[0] - gradients,
              "passes": max(level for _, _, level in mode.levels) - base, "peak": mode.peak - base,
              "parameters": sum(p.numel() * p.element_size() for p in parameters),
              "receiving": sum((stage > 0) + (stage < count - 1) for stage in mine)}
    reports = [None] * world
    dist.all_gather_object(reports, report)
    failed = False
    if rank == 0:
        claims = json.load(open(args.schedule))["metrics"]["peakMemory"]
        for report in reports:
            claim = claims[report["rank"]] * 2**30 - report["parameters"]
            held = report["buffers"] + report["passes"]
            report["claim"], report["ratio"] = claim, held / claim
            problems = []
            if report["buffers"] != m * boundary * report["receiving"]:
                problems.append(f"receive buffers {report['buffers'] / boundary:.2f} boundary tensors, not {m} per receiving side "
                                f"({m * report['receiving']})")
            if not 0.85 <= report["ratio"] <= 1.002:
                problems.append(f"held {held / boundary:.2f} boundary tensors between passes, {report['ratio']:.3f}× the schedule's "
                                f"{claim / boundary:.2f}")
            if problems and args.check:
                failed = True
                print(f"schedule_memory: rank {report['rank']} (stages {report['stages']}): " + "; ".join(problems), file=sys.stderr)
        print(json.dumps({"returnOutputs": args.return_outputs, "boundaryBytes": boundary, "ranks": reports}), flush=True)
    verdict = [failed]
    dist.broadcast_object_list(verdict, src=0)
    dist.barrier()
    dist.destroy_process_group()
    sys.exit(1 if verdict[0] else 0)


if __name__ == "__main__":
    main()
