#!/usr/bin/python3
"""dask-cluster.py: leadq past one machine, on a real engine. A feed of 20,000 leads
with bad lines in it is cut into partitions by Dask (dask.bag.read_text with a
small blocksize), each partition is piped through `leadq run` on a distributed
LocalCluster of 2 worker processes, and the outputs are joined in partition
order. Checked, for NDJSON and for CSV: the joined stdout is byte for byte
what one `leadq run` over the whole feed writes, the joined stderr is one
run's stderr (every bad line reported once, at its line in the whole feed),
and the worst exit status is one run's. Then the checks are shown to catch a
recipe that forgets --csv-header or --first-line.

usage: tests/dask-cluster.py LEADQ LEADGEN   (from the top of the tree; make test-dask)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import dask.bag as db
from distributed import Client, LocalCluster

LEADQ, LEADGEN = (os.path.abspath(a) for a in sys.argv[1:3])
NOW = "2026-11-22"
BLOCKSIZE = 1 << 19   # 26 partitions of the 13 MB NDJSON feed, 6 of the 3 MB CSV
fails = []
workers = set()   # the process ids the partitions ran in


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        fails.append(what)


def decide(lines, first, rules, row, numbered=True):
    """One partition through leadq: [(its decisions, its stderr, its status)].
    first is a partition of one item: the number of its first line in the
    file. row is the CSV header row, given to every partition but the first,
    which reads it (None: NDJSON)."""
    cmd = [LEADQ, "run", "-q", "--now", NOW]
    if numbered:
        cmd += ["--first-line", str(first[0])]
    if row is not None:
        cmd += ["--input", "csv"] + (["--csv-header", row] if first[0] > 1 else [])
    # surrogateescape gives back the bytes read_text decoded, invalid UTF-8 too.
    data = "".join(lines).encode("utf-8", "surrogateescape")
    p = subprocess.run(cmd + [rules], input=data, capture_output=True, check=False)
    return [(p.stdout, p.stderr, p.returncode, os.getpid())]


def run_on_dask(path, rules, csv, header=True, numbered=True):
    """The recipe of docs/scaling.md: joined stdout, joined stderr, worst
    status, number of partitions."""
    # linedelimiter "\n": no universal newlines, so a CR stays in its line.
    lines = db.read_text(path, blocksize=BLOCKSIZE, linedelimiter="\n", errors="surrogateescape")
    counts = lines.map_partitions(lambda part: [sum(1 for _ in part)]).compute()
    firsts = db.from_sequence([1 + sum(counts[:i]) for i in range(len(counts))], partition_size=1)
    row = None
    if csv:
        with open(path, "rb") as f:   # the header: the file's first line
            row = f.readline().decode("utf-8", "surrogateescape").rstrip("\r\n")
        if not header:   # a recipe that forgets it: each partition reads its first row as one
            firsts = db.from_sequence([1] * len(counts), partition_size=1)
    results = lines.map_partitions(decide, firsts, rules, row, numbered).compute()
    out = b"".join(r[0] for r in results)
    err = b"".join(r[1] for r in results)
    workers.update(r[3] for r in results)
    return out, err, max(r[2] for r in results), lines.npartitions


def doc_recipe():
    """The Python block of docs/scaling.md's Dask section, as written."""
    with open("docs/scaling.md", encoding="utf-8") as f:
        block = re.search(r"^## Dask\n.*?^```python\n(.*?)^```", f.read(), re.S | re.M).group(1)
    ns = {"__name__": "scaling_md_recipe"}   # not __main__: its own main part does not run
    exec(compile(block, "<docs/scaling.md, the Dask recipe>", "exec"), ns)
    return ns


def run_doc_recipe(path, rules, csv):
    """What the documented recipe writes and exits with, on this leadq and these rules."""
    ns = doc_recipe()
    ns["LEADQ"] = [LEADQ] + ns["LEADQ"][1:]
    ns["RULES"] = rules
    results = ns["run"](path, csv, blocksize=BLOCKSIZE)
    return (b"".join(r[0] for r in results), b"".join(r[1] for r in results), max(r[2] for r in results))


def one_run(path, rules, csv):
    cmd = [LEADQ, "run", "-q", "--now", NOW] + (["--input", "csv"] if csv else []) + [rules]
    with open(path, "rb") as f:
        p = subprocess.run(cmd, stdin=f, capture_output=True, check=False)
    return p.stdout, p.stderr, p.returncode


def feed(path, gen_args, bad):
    """leadgen's leads with the bad lines bad (line number: bytes) put in."""
    leads = subprocess.run([LEADGEN] + gen_args, capture_output=True, check=True).stdout.split(b"\n")[:-1]
    for line in sorted(bad):
        leads.insert(line - 1, bad[line])
    with open(path, "wb") as f:
        f.write(b"\n".join(leads) + b"\n")


def differ(got, want):
    """Where got first differs from want, for a failure message."""
    if got == want:
        return ""
    g, w = got.split(b"\n"), want.split(b"\n")
    i = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
    cut = lambda lines: lines[i][:100] if i < len(lines) else b"(nothing)"
    return f"\n      line {i + 1}: got {cut(g)!r}\n      want {cut(w)!r}"


def reported(err):
    return sorted(int(n) for n in re.findall(rb"^<stdin>:(\d+): error:", err, re.M))


def case(name, path, rules, csv, bad):
    t = time.monotonic()
    want_out, want_err, want_status = one_run(path, rules, csv)
    out, err, status, nparts = run_on_dask(path, rules, csv)
    print(f"{name}: {nparts} partitions, {len(want_out.splitlines())} decisions, "
          f"{time.monotonic() - t:.1f} s", flush=True)
    check(nparts >= 2, f"{name}: the feed is cut into partitions ({nparts})")
    check(out == want_out and len(out) > 0, f"{name}: joined stdout is one run's, byte for byte{differ(out, want_out)}")
    check(err == want_err, f"{name}: joined stderr is one run's{differ(err, want_err)}")
    bad_lines = sorted(n for n in bad if bad[n].strip())   # a blank line is no record
    check(reported(err) == bad_lines, f"{name}: every bad line reported once, at its line: {bad_lines}"
          + ("" if reported(err) == bad_lines else f"; reported: {reported(err)}"))
    check(status == want_status == 1, f"{name}: worst exit status {status}, one run's {want_status}")
    out, err, status = run_doc_recipe(path, rules, csv)
    check((out, err, status) == (want_out, want_err, want_status),
          f"{name}: docs/scaling.md's recipe, as written, gives one run's stdout, stderr and status"
          f"{differ(out, want_out) or differ(err, want_err)}")
    return path, rules, csv, want_out, want_err


def main():
    tmp = tempfile.mkdtemp(prefix="leadq-dask.")
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("dask-cluster.py: FAIL: took more than 120 s"))
    signal.alarm(120)
    try:
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                          host="127.0.0.1", local_directory=tmp) as cluster, Client(cluster):
            t = time.monotonic()
            # Bad lines near the start, at a partition's end or start, and the last.
            nd_bad = {3: b'{"id":"B1","email":', 7000: b"", 9000: b"not json at all",
                      12345: b'{"id":"B2","title":"\xff\xfe"}', 20005: b"[1,2,3]"}
            nd = os.path.join(tmp, "leads.ndjson")
            feed(nd, ["-n", "20000", "-s", "14"], nd_bad)
            case("ndjson", nd, os.path.abspath("rules/acme.lq"), False, nd_bad)

            csv_bad = {2: b"C1,short,row", 6000: b"", 11111: b"C2,\xff" + b"," * 16, 20004: b"C3"}
            cs = os.path.join(tmp, "leads.csv")
            feed(cs, ["-n", "20000", "-s", "14", "--csv"], csv_bad)
            path, rules, csv, want_out, want_err = case("csv", cs, os.path.abspath("tests/bench/flat.lq"), True,
                                                        csv_bad)

            # The checks catch a recipe that leaves out either option.
            out, err, _, _ = run_on_dask(path, rules, csv, header=False)
            check(out != want_out, "csv without --csv-header after the first partition: stdout differs (caught)")
            out, err, _, _ = run_on_dask(path, rules, csv, numbered=False)
            check(out == want_out and err != want_err,
                  "csv without --first-line: same decisions, stderr names other lines (caught)")
            check(len(workers) == 2 and os.getpid() not in workers,
                  f"the partitions ran in the 2 worker processes ({len(workers)})")
            print(f"dask: {time.monotonic() - t:.1f} s on the cluster", flush=True)
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)
    if fails:
        sys.exit(f"dask-cluster.py: {len(fails)} check(s) failed")
    print("dask: all checks passed")


if __name__ == "__main__":
    main()
