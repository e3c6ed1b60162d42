"""Baseline for `npm run bench`: read ICE lists with openpyxl, as a data journalist would.

Reads each file given on stdin (one path per line) the way g287 must: every cell value and the
hyperlink behind the MOA cells (which needs openpyxl's full mode; read-only mode drops links).
Prints one JSON line per file: {"file": ..., "ms": ..., "rows": ...}.
"""
import csv
import json
import sys
import time

import openpyxl


def read_xlsx(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb.worksheets[0]
    rows = 0
    for row in ws.iter_rows():
        values = [c.value for c in row]
        links = [c.hyperlink.target for c in row if c.hyperlink is not None]
        if any(v not in (None, "") for v in values) or links:
            rows += 1
    return rows


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f))


for line in sys.stdin:
    path = line.strip()
    if not path:
        continue
    t = time.perf_counter()
    n = read_csv(path) if path.endswith(".csv") else read_xlsx(path)
    print(json.dumps({"file": path, "ms": (time.perf_counter() - t) * 1000, "rows": n}), flush=True)
