#!/usr/bin/env python3
"""csv_check.py: does `leadq run --output csv` say what the NDJSON decisions say?

    python3 tests/csv_check.py decisions.csv decisions.ndjson

Reads the CSV back with Python's csv module, as a CRM import would, and checks
every row against the decision on the same line of the NDJSON output of the
same run: the header (id, ruleset, version, stage, rejected, route, owner,
score, one column per score group, one per grade, reasons), then per row the
id, ruleset, version, stage, rejected, route, owner, score, each group's score,
each grade and the reasons (`label +20; other label -30`, a reject by its
label). An empty cell stands for null. Prints one line per difference (at most
20) and exits 1, or prints how many rows matched and exits 0. Used by
tests/e2e.c (csv_output_imports).
"""
import csv
import json
import sys

FIXED = ['id', 'ruleset', 'version', 'stage', 'rejected', 'route', 'owner', 'score']


def same_number(cell, value):
    if value is None:
        return cell == ''
    try:
        return float(cell) == float(value)
    except ValueError:
        return False


def same_text(cell, value):
    return cell == ('' if value is None else str(value))


def same_id(cell, value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return same_number(cell, value)
    return same_text(cell, value)


def reasons_differ(cell, reasons):
    """None when the reasons cell says what the decision's reasons say."""
    items = cell.split('; ') if cell else []
    if len(items) != len(reasons):
        return 'reasons has %d items, the decision %d' % (len(items), len(reasons))
    for item, r in zip(items, reasons):
        if r.get('reject'):
            if not item.startswith(r['rule']):
                return 'reason %r is not the reject %r' % (item, r['rule'])
            continue
        label, _, points = item.rpartition(' ')
        if label != r['rule'] or points[:1] not in '+-' or not same_number(points, r['points']):
            return 'reason %r is not %r %+g' % (item, r['rule'], r['points'])
    return None


def main(csv_path, ndjson_path):
    with open(ndjson_path, encoding='utf-8') as f:
        decisions = [json.loads(line) for line in f if line.strip()]
    with open(csv_path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f, strict=True))
    problems = []
    if not decisions:
        problems.append('no decisions in %s' % ndjson_path)
    if not rows:
        problems.append('no header in %s' % csv_path)
    if problems:
        return problems, 0
    groups = list(decisions[0]['scores'])
    grades = list(decisions[0]['grades'])
    header = FIXED + groups + grades + ['reasons']
    if rows[0] != header:
        problems.append('header is %s, expected %s' % (rows[0], header))
        return problems, 0
    body = rows[1:]
    if len(body) != len(decisions):
        problems.append('%d rows, %d decisions' % (len(body), len(decisions)))
    for n, (row, d) in enumerate(zip(body, decisions), start=2):
        where = '%s:%d (id %s)' % (csv_path, n, d.get('id'))
        if len(row) != len(header):
            problems.append('%s: %d cells, the header has %d' % (where, len(row), len(header)))
            continue
        cell = dict(zip(header, row))
        checks = [('id', same_id(cell['id'], d['id']))]
        checks += [(k, same_text(cell[k], d.get(k))) for k in ('ruleset', 'version', 'stage', 'rejected', 'route', 'owner')]
        checks.append(('score', same_number(cell['score'], d['score'])))
        checks += [('scores.' + g, same_number(cell[g], d['scores'].get(g))) for g in groups]
        checks += [('grades.' + g, same_text(cell[g], d['grades'].get(g))) for g in grades]
        for what, ok in checks:
            if not ok:
                key = what.split('.')[-1]
                value = d['scores'].get(key) if what.startswith('scores.') else \
                    d['grades'].get(key) if what.startswith('grades.') else d.get(what)
                problems.append('%s: %s is %r in the CSV, %r in the decision' % (where, what, cell[key], value))
        why = reasons_differ(cell['reasons'], d['reasons'])
        if why:
            problems.append('%s: %s' % (where, why))
    return problems, len(body)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: csv_check.py DECISIONS.csv DECISIONS.ndjson')
    problems, rows = main(sys.argv[1], sys.argv[2])
    for p in problems[:20]:
        print(p)
    if len(problems) > 20:
        print('... and %d more' % (len(problems) - 20))
    if problems:
        sys.exit(1)
    print('%d rows match their decisions' % rows)
