"""Writes bulk import files the way users make them, with Python's own libraries and NumPy.

usage: import_files.py OUT_DIR FIRST_PK ROWS DIM

Row pk (from FIRST_PK) has the vector [pk, pk + 0.5, pk + 1, ...] and price pk * 1.5. Writes
rows.json ({"rows": [...]}), rows.jsonl (one object per line), rows.csv (the vector a JSON array
in its cell, as Milvus documents it) and rows_npy/ (pk.npy int64, vector.npy float32 of shape
(ROWS, DIM), price.npy float64).
"""
import csv
import json
import os
import sys

import numpy as np

out, first, rows, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.makedirs(os.path.join(out, "rows_npy"), exist_ok=True)
pks = np.arange(first, first + rows, dtype=np.int64)
vectors = (pks[:, None] + 0.5 * np.arange(dim)[None, :]).astype(np.float32)
prices = pks.astype(np.float64) * 1.5


def row(i):
    return {"pk": int(pks[i]), "vector": [float(v) for v in vectors[i]], "price": float(prices[i])}


with open(os.path.join(out, "rows.json"), "w") as f:
    json.dump({"rows": [row(i) for i in range(rows)]}, f)
with open(os.path.join(out, "rows.jsonl"), "w") as f:
    for i in range(rows):
        f.write(json.dumps(row(i)) + "\n")
with open(os.path.join(out, "rows.csv"), "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["pk", "vector", "price"])
    for i in range(rows):
        r = row(i)
        writer.writerow([r["pk"], json.dumps(r["vector"]), r["price"]])
np.save(os.path.join(out, "rows_npy", "pk.npy"), pks)
np.save(os.path.join(out, "rows_npy", "vector.npy"), vectors)
np.save(os.path.join(out, "rows_npy", "price.npy"), prices)
