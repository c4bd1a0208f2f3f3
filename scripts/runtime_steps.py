"""Times training steps of several pipeline schedules in PyTorch's own pipeline runtime, every pass
lasting the time the problem gives it, so that the step's wall time can be set beside the makespan
PipeSched's simulator predicts.

Run by scripts/bench-runtime, one process per rank:

    python -m torch.distributed.run --nproc-per-node=DEVICES --master-addr=127.0.0.1 --master-port=PORT \
        scripts/runtime_steps.py [--time-scale K] PROBLEM.json ROUNDS SCHEDULE...

A SCHEDULE is a compute-only schedule CSV (`pipesched export --to torch-csv`), run by
`_PipelineScheduleRuntime._load_csv`, or the name of one of torch.distributed.pipelining's built-in
classes (`ScheduleZBVZeroBubble`, ...), built as a user would build it. Every rank builds one small
Linear+Tanh block per stage it holds (PyTorch "v" or "loop" placement, as the problem's placement
says) and wraps the stage's forward, input backward (or fused backward) and weight backward so that
each lasts the problem's duration for that stage: the real work runs, then the pass sleeps for what
is left of its duration (times K with `--time-scale K`, default 1: longer passes make the runtime's
own work per action a smaller part of each). Sleeping takes no core, so a machine with fewer cores
than ranks still runs every rank's passes side by side. Messages are the runtime's own (gloo, loopback, small tensors), so
the problem's modeled link times are not reproduced, and every action carries the runtime's own
Python overhead.

Each round runs one step of every schedule, in the order given, each between two barriers; round 1
warms up and is left out. Rank 0 prints one JSON line per schedule: the step times (ms) of every
round and the median of the rounds after the first. A step that leaves any parameter without a
gradient fails the run.
"""

import datetime
import json
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.distributed.pipelining import PipelineStage, schedules

from torch_roundtrip import placement  # each stage's rank in PyTorch's "v" and "loop" placements

WIDTH = 16
ROWS_PER_MICROBATCH = 2


def refuse(message):
    sys.exit(f"runtime_steps.py: {message}")


def emulated(problem, scale):
    """The stage costs in seconds (times `scale`) and each stage's rank, or an exit naming what cannot
    be emulated."""
    for field, why in (("sequenceSlices", "sequence slices"), ("pipelines", "several pipelines")):
        if problem.get(field, 1) != 1:
            refuse(f"the problem's {field} is {problem[field]}: {why} have no PyTorch runtime action; use a problem without it")
    if problem.get("units", {}).get("time", "ms") != "ms":
        refuse(f"units.time is {problem['units']['time']!r}; durations are slept as milliseconds, so give the problem in ms")
    stages = problem["stages"]
    for index, stage in enumerate(stages):
        for field in ("inputs", "recompute", "offload", "overlap"):
            if field in stage:
                refuse(f"stages[{index}].{field} is set; only chains of plain F, I, W passes are emulated")
    devices, given = problem["devices"], problem.get("placement", "sequential")
    styles = {"v": "v", "interleaved": "loop", "sequential": "loop"}
    if not isinstance(given, str) or given not in styles or len(stages) % devices:
        refuse(f"placement {given!r} with {len(stages)} stages on {devices} devices is not PyTorch's v or loop")
    rank_of = placement(styles[given], len(stages), devices)
    scales = [entry if isinstance(entry, (int, float)) else entry.get("time", 1)
              for entry in problem.get("microbatchScales", [1] * problem["microbatches"])]
    seconds = [{kind: stage[kind] * scale / 1e3 for kind in ("forward", "backwardInput", "backwardWeight")} for stage in stages]
    return seconds, rank_of, scales


def lasting(method, duration):
    """`method`, followed by a sleep for what is left of `duration(arguments)` seconds."""
    def run(*args, **kwargs):
        start = time.perf_counter()
        result = method(*args, **kwargs)
        left = duration(*args, **kwargs) - (time.perf_counter() - start)
        if left > 0:
            time.sleep(left)
        return result
    return run


def timed_stage(module, index, count, seconds, scales):
    stage = PipelineStage(module, index, count, torch.device("cpu"))
    cost = seconds[index]
    stage.forward_one_chunk = lasting(
        stage.forward_one_chunk, lambda microbatch, *a, **k: cost["forward"] * scales[microbatch])
    stage.backward_one_chunk = lasting(
        stage.backward_one_chunk,
        lambda microbatch, *a, full_backward=True, **k: scales[microbatch] * (
            cost["backwardInput"] + (cost["backwardWeight"] if full_backward else 0)))
    stage.backward_weight_one_chunk = lasting(
        stage.backward_weight_one_chunk, lambda microbatch, *a, **k: cost["backwardWeight"] * scales[microbatch])
    return stage


def main():
    usage = "usage: runtime_steps.py [--time-scale K>0] PROBLEM.json ROUNDS(>=2) SCHEDULE..."
    arguments, scale = sys.argv[1:], 1.0
    if arguments[:1] == ["--time-scale"]:
        try:
            scale, arguments = float(arguments[1]), arguments[2:]
        except (IndexError, ValueError):
            refuse(usage)
    if len(arguments) < 3 or not arguments[1].isdigit() or int(arguments[1]) < 2 or not scale > 0:
        refuse(usage)
    problem_path, rounds, names = arguments[0], int(arguments[1]), arguments[2:]
    problem = json.load(open(problem_path))
    seconds, rank_of, scales = emulated(problem, scale)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=600))
    rank, world = dist.get_rank(), dist.get_world_size()
    if world != problem["devices"]:
        refuse(f"{world} processes run, but the problem has {problem['devices']} devices")
    count, microbatches = len(seconds), problem["microbatches"]
    mine = [s for s in range(count) if rank_of[s] == rank]

    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.Tanh()) for _ in range(count)])
    stages = [timed_stage(model[s], s, count, seconds, scales) for s in mine]
    loss = lambda output, target: nn.functional.mse_loss(output, target)
    runtimes = []
    for name in names:
        if name.endswith(".csv"):
            runtime = schedules._PipelineScheduleRuntime(stages, n_microbatches=microbatches, loss_fn=loss)
            runtime._load_csv(name, format="compute_only")
        else:
            runtime = getattr(schedules, name)(stages, n_microbatches=microbatches, loss_fn=loss)
        runtimes.append(runtime)

    generator = torch.Generator().manual_seed(1)
    inputs = torch.randn(microbatches * ROWS_PER_MICROBATCH, WIDTH, generator=generator)
    targets = torch.randn(microbatches * ROWS_PER_MICROBATCH, WIDTH, generator=generator)
    steps = {name: [] for name in names}
    for _ in range(rounds):
        for name, runtime in zip(names, runtimes):
            model.zero_grad(set_to_none=True)
            dist.barrier()
            start = time.perf_counter()
            runtime.step(*((inputs,) if 0 in mine else ()),
                         target=targets if count - 1 in mine else None,
                         losses=[] if count - 1 in mine else None)
            dist.barrier()
            steps[name].append(time.perf_counter() - start)
            for s in mine:
                if any(parameter.grad is None for parameter in model[s].parameters()):
                    refuse(f"{name}: stage {s} has a parameter without a gradient after the step")
    if rank == 0:
        for name in names:
            print(json.dumps({"schedule": name, "steps": [round(t * 1e3, 2) for t in steps[name]],
                              "median": round(statistics.median(steps[name][1:]) * 1e3, 2)}), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
