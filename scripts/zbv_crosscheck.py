"""Checks PipeSched's port of Zero Bubble's V greedy (`zbv-greedy`) against the original in CPython:
zbv.py's `PipelineGraph` as ColossalAI ships it (scripts/zero-bubble-module). Called by
scripts/zbv-crosscheck with the module's path and the `pipesched` binary.

For each seed, a random V problem of the kind zbv.py states (2-6 devices, p to 4p microbatches, one
cost and one memory delta per pass kind on every stage, one link delay, a memory limit of 2p - 3 to
2p + 2 forward activations or the original's default of 2p) is scheduled by both:

- the original: `try_v_schedule` for fill_b x fill_f, as `get_v_schedule` sweeps them, keeping the
  first run with the smallest largest stage bubble; a run that fails one of its assertions (a memory
  limit it cannot meet) yields nothing, as in the port;
- the port: `pipesched solve --method zbv-greedy`, whose schedule file lists each device's passes in
  order (exit 3: no run fits).

Every device's order must be the same pass for pass, or both must yield nothing. Prints one line
per mismatch and a summary; exits 1 on any mismatch.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from zbv_cpython import load


def random_case(seed):
    rng = random.Random(seed)
    p = rng.randint(2, 6)
    forward_memory = rng.choice([1, 2, 3])
    backward_memory = rng.choice([0, -1]) if forward_memory > 1 else 0
    return {
        "devices": p,
        "microbatches": rng.randint(p, 4 * p),
        "costs": [rng.choice([1, 2, 3, 4, 5, 6]) for _ in range(3)],
        "latency": rng.choice([0, 0.5, 1, 2]),
        "memory": [forward_memory, backward_memory, -(forward_memory + backward_memory)],
        # None: the original's default, 2p forward activations (the port's too, uncapped); below
        # about 2p the original often fails, and the port must fail alike.
        "limit": rng.choice([None, None, None] + [forward_memory * k for k in range(max(2, 2 * p - 3), 2 * p + 3)]),
    }


def original_orders(module, case):
    """Per device, the original's passes as (category, chunk, microbatch), or None."""
    f, b, w = case["costs"]
    fm, bm, wm = case["memory"]
    graph = module.PipelineGraph(case["devices"], case["microbatches"], f, b, w, case["latency"], fm, bm, wm,
                                 max_mem=case["limit"])
    best = None
    for fill_b in [True, False]:
        for fill_f in [True, False]:
            try:
                schedule, _, max_bubble = graph.try_v_schedule(fill_b=fill_b, fill_f=fill_f)
            except AssertionError:
                continue
            if best is None or max_bubble < best[1]:
                best = (schedule, max_bubble)
    return None if best is None else [[tuple(x) for x in row] for row in best[0]]


def problem_json(case):
    f, b, w = case["costs"]
    fm, bm, wm = case["memory"]
    stage = {"forward": f, "backwardInput": b, "backwardWeight": w,
             "memory": {"forward": fm, "backwardInput": bm, "backwardWeight": wm}}
    problem = {"name": "zbv-crosscheck", "devices": case["devices"], "microbatches": case["microbatches"],
               "placement": "v", "stages": [stage] * (2 * case["devices"]),
               "communication": {"latency": case["latency"]}}
    if case["limit"] is not None:
        problem["memoryLimit"] = [case["limit"]] * case["devices"]
    return problem


def port_orders(pipesched, case, work):
    """Per device, the port's passes as the original names them, or None (exit 3)."""
    problem_path = os.path.join(work, "problem.json")
    schedule_path = os.path.join(work, "schedule.json")
    with open(problem_path, "w") as out:
        json.dump(problem_json(case), out)
    run = subprocess.run([pipesched, "solve", problem_path, "--method", "zbv-greedy", "--quiet", "--output", schedule_path],
                         capture_output=True, text=True)
    if run.returncode == 3:
        return None
    if run.returncode != 0:
        raise RuntimeError(f"pipesched solve exited with {run.returncode}: {run.stderr.strip()}")
    with open(schedule_path) as source:
        timeline = json.load(source)["timeline"]
    category = {"F": 0, "B": 1, "W": 2}
    orders = []
    for device, row in enumerate(timeline):
        passes = []
        for op in row:
            cat = category[op["op"]]
            # Forward chunks count from the input (chunk 0 is stage d), backward ones from the loss.
            chunk = 0 if (op["stage"] == device) == (cat == 0) else 1
            passes.append((cat, chunk, op["microbatch"]))
        orders.append(passes)
    return orders


def first_difference(original, port):
    for device, (a, b) in enumerate(zip(original, port)):
        if a != b:
            at = next(i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i])
            return f"device {device} differs at its pass {at}: {a[at:at + 3]} in the original, {b[at:at + 3]} in the port"
    return f"{len(original)} devices in the original, {len(port)} in the port"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help="path of v_schedule.py")
    parser.add_argument("pipesched", help="the pipesched binary")
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args()
    module = load(args.module)
    same = refused = 0
    mismatches = []
    with tempfile.TemporaryDirectory() as work:
        for seed in range(args.seeds):
            case = random_case(seed)
            original = original_orders(module, case)
            port = port_orders(args.pipesched, case, work)
            if original is None and port is None:
                refused += 1
            elif original == port:
                same += 1
            else:
                where = "only the original fails" if original is None else "only the port fails" if port is None else first_difference(original, port)
                mismatches.append(f"seed {seed}: {where} ({json.dumps(case)})")
    for line in mismatches:
        print("MISMATCH", line)
    print(f"{args.seeds} random V problems: {same} with the same orders, {refused} where both yield nothing, "
          f"{len(mismatches)} mismatched (zbv.py: {os.path.basename(args.module)}, {sys.implementation.name} {sys.version.split()[0]})")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
