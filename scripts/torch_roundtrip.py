"""One real pipelined training step driven by a PipeSched schedule CSV, checked against PyTorch itself.

Run by scripts/torch-roundtrip, one process per rank:

    python -m torch.distributed.run --nproc-per-node=4 --master-addr=127.0.0.1 --master-port=PORT \
        scripts/torch_roundtrip.py SCHEDULE.csv loop|v

Every rank builds the same small float64 model (one Linear+Tanh block per pipeline stage), keeps the
stages the placement gives it (loop: s % ranks; v: rank r holds r and 2*ranks-1-r), loads the CSV with
_PipelineScheduleRuntime._load_csv(..., format="compute_only") and runs two training steps over all
the CSV's microbatches. Each step's gradients of every stage's parameters, and the loss, must match a
single-process, non-pipelined reference within 1e-9. Rank 0 prints one summary line; any failure
exits non-zero.
"""

import csv
import datetime
import re
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.distributed.pipelining import PipelineStage
from torch.distributed.pipelining.schedules import _PipelineScheduleRuntime

TOLERANCE = 1e-9
WIDTH = 16
ROWS_PER_MICROBATCH = 4
ACTION = re.compile(r"^(\d+)(F|I|W|B|BW)(\d+)$")


def read_placement(path):
    """Stages named in each row and the microbatch count, from the compute cells of the CSV."""
    rows, microbatches = [], 0
    with open(path, newline="") as handle:
        for row in csv.reader(handle):
            stages = set()
            for cell in row:
                for part in re.split(r"[();]", cell.strip()):
                    match = ACTION.match(part)
                    if match:
                        stages.add(int(match.group(1)))
                        microbatches = max(microbatches, int(match.group(3)) + 1)
            rows.append(stages)
    return rows, microbatches


def placement(style, stages, ranks):
    if style == "loop":
        return [s % ranks for s in range(stages)]
    if style == "v":
        if stages != 2 * ranks:
            sys.exit(f"v placement needs {2 * ranks} stages, the CSV has {stages}")
        return [s if s < ranks else 2 * ranks - 1 - s for s in range(stages)]
    sys.exit(f"unknown placement style {style!r}; use loop or v")


def main():
    csv_path, style = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    rows, microbatches = read_placement(csv_path)
    stages = 1 + max(max(row) for row in rows if row)
    rank_of = placement(style, stages, len(rows))
    for rank, named in enumerate(rows):
        expected = {s for s in range(stages) if rank_of[s] == rank}
        if named != expected:  # building the wrong stages hangs instead of failing: refuse up front
            sys.exit(f"row {rank} of {csv_path} runs stages {sorted(named)}, but {style} placement gives rank {rank} stages {sorted(expected)}")

    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    rank, world = dist.get_rank(), dist.get_world_size()
    if world != len(rows):
        sys.exit(f"{csv_path} has {len(rows)} rows but {world} processes run")
    mine = [s for s in range(stages) if rank_of[s] == rank]

    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.Tanh()) for _ in range(stages)])
    reference = nn.Sequential(*[nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.Tanh()) for _ in range(stages)])
    reference.load_state_dict(model.state_dict())
    generator = torch.Generator().manual_seed(1)
    batch = microbatches * ROWS_PER_MICROBATCH
    inputs = [torch.randn(batch, WIDTH, generator=generator) for _ in range(2)]
    targets = [torch.randn(batch, WIDTH, generator=generator) for _ in range(2)]

    pipeline_stages = [PipelineStage(model[s], s, stages, torch.device("cpu")) for s in mine]
    schedule = _PipelineScheduleRuntime(pipeline_stages, n_microbatches=microbatches,
                                        loss_fn=lambda output, target: nn.functional.mse_loss(output, target))
    schedule._load_csv(csv_path, format="compute_only")

    worst_grad, worst_loss, seconds = 0.0, 0.0, 0.0
    for step in range(2):
        for module in (model, reference):
            module.zero_grad(set_to_none=True)
        losses = [] if stages - 1 in mine else None
        start = time.perf_counter()
        schedule.step(*((inputs[step],) if 0 in mine else ()),
                      target=targets[step] if losses is not None else None, losses=losses)
        seconds = time.perf_counter() - start
        reference_loss = nn.functional.mse_loss(reference(inputs[step]), targets[step])
        reference_loss.backward()
        for s in mine:
            for (name, parameter), (_, expected) in zip(model[s].named_parameters(), reference[s].named_parameters()):
                if parameter.grad is None:
                    sys.exit(f"rank {rank}: stage {s} parameter {name} got no gradient")
                worst_grad = max(worst_grad, (parameter.grad - expected.grad).abs().max().item())
        if losses is not None:
            pipelined = torch.stack([l.detach() for l in losses]).mean().item()
            worst_loss = max(worst_loss, abs(pipelined - reference_loss.item()))

    summary = torch.tensor([worst_grad, worst_loss, seconds])
    dist.all_reduce(summary, op=dist.ReduceOp.MAX)
    worst_grad, worst_loss, seconds = summary.tolist()
    ok = worst_grad <= TOLERANCE and worst_loss <= TOLERANCE
    if rank == 0:
        verdict = "OK" if ok else "MISMATCH"
        print(f"{verdict} torch {torch.__version__}: {stages} stages ({style}), {microbatches} microbatches, "
              f"max|grad-ref| {worst_grad:.1e}, |loss-ref| {worst_loss:.1e}, step {seconds:.2f}s", flush=True)
    dist.barrier()
    dist.destroy_process_group()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
