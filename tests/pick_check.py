"""Recomputes leadq's pick() from the formula in docs/language.md ("Routing to
people"), independently of leadq's C code, with Python's xxhash module
(Debian python3-xxhash):

    h = XXH64(KEY + "\\x1f" + ID, seed 0); u = ((h >> 11) + 0.5) / 2**53
    score = weight / -ln(u); the highest score wins, a tie goes to the earlier item

usage: pick_check.py REPS.csv DECISIONS.ndjson
REPS.csv has columns email,weight (email is the identity: the first column);
every decision's "id" is the key and its "owner" must be the pick.
"""
import csv
import json
import math
import sys

import xxhash


def key_text(v):
    """KEY as text, by "The exact rule" in docs/language.md. Python's json
    reads a number written whole (12345678901234567890) as an int, exactly,
    and any other (2.5, 1e3) as a float, which is the rule's own split."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)  # its digits as written, however many
    if isinstance(v, float):
        # as a decision prints a number: whole up to 2^53, else 15 digits
        if v.is_integer() and abs(v) <= 2.0**53:
            return str(int(v))
        return "%.15g" % v
    return v


def pick(reps, key):
    best, best_score = None, 0.0
    for email, weight in reps:
        if not weight > 0:
            continue
        h = xxhash.xxh64((key + "\x1f" + email).encode(), seed=0).intdigest()
        u = ((h >> 11) + 0.5) / 2.0**53
        score = weight / -math.log(u)
        if best is None or score > best_score:
            best, best_score = email, score
    return best


def main():
    with open(sys.argv[1], newline="") as f:
        reps = [(row["email"], float(row["weight"])) for row in csv.DictReader(f)]
    checked = 0
    with open(sys.argv[2]) as f:
        for line in f:
            d = json.loads(line)
            want = pick(reps, key_text(d["id"]))
            if d["owner"] != want:
                print(f"id {d['id']!r}: leadq picked {d['owner']!r}, expected {want!r}")
                return 1
            checked += 1
    print(f"{checked} picks match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
