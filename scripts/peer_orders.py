"""Writes the per-rank compute orders of one of PyTorch's built-in pipeline schedule classes as a
compute-only schedule CSV (one row per rank), for `pipesched evaluate --torch-csv`.

Usage: peer_orders.py CLASS DEVICES MICROBATCHES STAGES_PER_RANK OUT.csv

The orders come from torch.distributed.pipelining's own schedule code through
`_schedule_visualizer.get_schedule_ops` (which builds the class with mock stages); nothing here
re-implements a schedule.
"""
import csv
import sys

from torch.distributed.pipelining._schedule_visualizer import get_schedule_ops

name, devices, microbatches, per_rank, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ops = get_schedule_ops(name, devices, microbatches, num_stages_per_rank=per_rank)
with open(out, "w", newline="") as file:
    writer = csv.writer(file)
    for row in ops:
        writer.writerow([str(action) for action in row if action is not None])
