#!/usr/bin/env python3
"""Scores matcher findings against gen-match.py truth: precision and recall per code (a finding
counts when its code and set of refs equal a truth line's), and decoys reported as duplicates.
usage: score-match.py TRUTH FINDINGS"""
import json, sys
truth = [json.loads(l) for l in open(sys.argv[1])]
found = [json.loads(l) for l in open(sys.argv[2]) if '"kind":"finding"' in l]
dec = [frozenset(t["refs"]) for t in truth if t["kind"] == "decoy"]
for code in ["DUPLICATE_REGISTRATION", "ID_SHARED_BY_DIFFERENT_PERSONS"]:
    T = {frozenset(t["refs"]): t.get("note") for t in truth if t.get("code") == code}
    F = {frozenset(f["refs"]) for f in found if f["code"] == code}
    tp = len(F & set(T))
    p = tp / len(F) if F else 1.0
    r = tp / len(T) if T else 1.0
    print("%-32s truth %6d found %6d  precision %.4f  recall %.4f" % (code, len(T), len(F), p, r))
    missed = {}
    for t, note in T.items():
        if t not in F: missed[note] = missed.get(note, 0) + 1
    if missed: print("   missed by kind:", missed)
dups = [frozenset(f["refs"]) for f in found if f["code"] == "DUPLICATE_REGISTRATION"]
bad = sum(1 for d in dec if any(d <= x for x in dups))
print("decoys reported as duplicates: %d of %d" % (bad, len(dec)))
