"""Times Zero Bubble's own V greedy in CPython: `PipelineGraph` of zbv.py, as ColossalAI ships it
(colossalai/pipeline/schedule/v_schedule.py, a copy of Zero Bubble's file). Called by
scripts/zero-bubble-cpython with the module's path; the problem comes as arguments (one cost and
one memory delta per pass kind, as zbv.py takes them). Prints one JSON object:

  value        the stage span `get_v_schedule` finds (its max bubble plus the work of a stage);
  search_ms    CPU time of `get_v_schedule(only_run_time=True)`: fill_b x fill_f, each pass
               followed by its approved-bubble re-runs (the whole search, zbv.py's own);
  pass_ms      CPU time of one pass: `try_v_schedule(True, True, approved_bubble=[0] * p)`, the
               first pass of that search without its re-runs (the approved bubbles of 0 leave every
               decision as the search's first pass takes it);

each the median of `--repeats` runs (`time.process_time`); and `python` and `source`, the
interpreter and the module's file name.
"""
import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time


def load(path):
    spec = importlib.util.spec_from_file_location("v_schedule", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_ms(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help="path of v_schedule.py")
    parser.add_argument("--devices", type=int, required=True)
    parser.add_argument("--microbatches", type=int, required=True)
    parser.add_argument("--forward", type=float, required=True)
    parser.add_argument("--backward-input", type=float, required=True)
    parser.add_argument("--backward-weight", type=float, required=True)
    parser.add_argument("--latency", type=float, required=True)
    parser.add_argument("--forward-memory", type=float, required=True)
    parser.add_argument("--backward-input-memory", type=float, required=True)
    parser.add_argument("--backward-weight-memory", type=float, required=True)
    parser.add_argument("--memory-limit", type=float, required=True)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    graph = load(args.module).PipelineGraph(
        args.devices, args.microbatches, args.forward, args.backward_input, args.backward_weight, args.latency,
        args.forward_memory, args.backward_input_memory, args.backward_weight_memory, max_mem=args.memory_limit)
    value = graph.get_v_schedule(only_run_time=True)
    search = median_ms(lambda: graph.get_v_schedule(only_run_time=True), args.repeats)
    one_pass = median_ms(lambda: graph.try_v_schedule(True, True, approved_bubble=[0] * args.devices), 2 * args.repeats + 1)
    json.dump({"value": value, "search_ms": search, "pass_ms": one_pass,
               "python": f"{platform.python_implementation()} {platform.python_version()}",
               "source": os.path.basename(args.module)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
