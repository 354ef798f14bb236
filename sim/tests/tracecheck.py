#!/usr/bin/env python3
"""Checks a wpsim Chrome trace (docs/design.md, "The trace").

    python3 sim/tests/tracecheck.py TRACE.json [--names]

Prints one line per problem and exits 1 if there is any:
- every "ts" and "dur" is a number of microseconds with at most three decimals
  (integer nanoseconds);
- on every thread the complete ("X") and begin/end ("B"/"E") slices nest: each one
  lies inside the one enclosing it or starts at or after its end, never across it;
  and no "X" of non-zero length comes before a longer one of the same start in the
  file (a viewer keeps the file's order at equal times);
- every async begin ("b") has one end ("e") of the same category and id, no earlier;
- every flow end ("f") has a start ("s") of the same id, no later than it, and every
  flow end and start lies on its thread at the time of an instant or inside a slice
  (what a viewer binds it to).
With --names, prints "COUNT PH CAT NAME" for every event name (the trace's contents).
With --story ANOMALY STEP..., also a problem unless some anomaly instant named ANOMALY
has arrows from instants named each STEP (kernel function names).
"""
import collections
import json
import re
import sys

NS = re.compile(r'"(ts|dur)":(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)')


def ns_of(text):
    """Microseconds as written -> integer nanoseconds, or None if finer than 1 ns."""
    if "e" in text or "E" in text:
        return None
    whole, _, frac = text.partition(".")
    if len(frac) > 3:
        return None
    return int(whole) * 1000 + (int(frac.ljust(3, "0")) if frac else 0)


def main():
    args = sys.argv[1:]
    story = []
    if "--story" in args:
        story = args[args.index("--story") + 1 :]
        args = args[: args.index("--story")]
        if not story:
            print("--story needs an anomaly name", file=sys.stderr)
            return 2
    names = "--names" in args
    args = [a for a in args if a != "--names"]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    raw = open(args[0], encoding="utf-8").read()
    problems = []
    for m in NS.finditer(raw):
        if ns_of(m.group(2)) is None:
            problems.append(f'"{m.group(1)}":{m.group(2)} is not integer nanoseconds')
    # numbers with a point stay text: the nanoseconds are read from the digits written
    events = json.loads(raw, parse_float=str)["traceEvents"]

    def t(ev, key="ts"):
        v = ns_of(str(ev[key]))
        return v if v is not None else round(float(ev[key]) * 1000)

    slices = collections.defaultdict(list)  # tid -> [(start, end, name)]
    points = collections.defaultdict(set)  # tid -> instants' times
    open_b = collections.defaultdict(list)
    async_open = {}
    first_at = {}  # (tid, start) -> (end, name) of the longest span written so far
    for ev in events:
        ph, tid = ev.get("ph"), ev.get("tid")
        if ph == "X":
            s = t(ev)
            slices[tid].append((s, s + t(ev, "dur"), ev["name"]))
            # a viewer sorting by time keeps the file's order at equal times: a longer
            # span after a shorter one of the same start would cross it and be dropped
            prev = first_at.get((tid, s))
            if prev and prev[0] > s and s + t(ev, "dur") > prev[0]:
                problems.append(f"tid {tid}: {ev['name']} at {s} ns is written after {prev[1]},"
                                " shorter and of the same start")
            if not prev or s + t(ev, "dur") > prev[0]:
                first_at[(tid, s)] = (s + t(ev, "dur"), ev["name"])
        elif ph == "B":
            open_b[tid].append((t(ev), ev["name"]))
        elif ph == "E":
            if not open_b[tid]:
                problems.append(f"tid {tid}: an E without a B at {t(ev)} ns")
                continue
            s, name = open_b[tid].pop()
            slices[tid].append((s, t(ev), name))
        elif ph == "i":
            points[tid].add(t(ev))
        elif ph == "b":
            async_open[(ev.get("cat"), ev["id"])] = t(ev)
        elif ph == "e":
            s = async_open.pop((ev.get("cat"), ev["id"]), None)
            if s is None or s > t(ev):
                problems.append(f"async {ev['name']} {ev['id']}: an end without an earlier begin")
    for key in async_open:
        problems.append(f"async {key[0]} {key[1]} never ends")
    for tid, left in open_b.items():
        for s, name in left:
            problems.append(f"tid {tid}: B {name} at {s} ns never ends")
    for tid, sl in slices.items():
        sl.sort(key=lambda x: (x[0], -x[1]))
        stack = []
        for s, e, name in sl:
            while stack and stack[-1][1] <= s:
                stack.pop()
            if stack and e > stack[-1][1]:
                p = stack[-1]
                problems.append(
                    f"tid {tid}: {name} [{s},{e}) ns crosses the end of {p[2]} [{p[0]},{p[1]}) ns"
                )
            stack.append((s, e, name))

    def bound(tid, ts):
        return ts in points[tid] or any(s <= ts <= e for s, e, _ in slices[tid])

    starts = {}
    nflows = 0
    for ev in events:
        if ev.get("ph") == "s":
            starts[ev["id"]] = (t(ev), ev["tid"])
            if not bound(ev["tid"], t(ev)):
                problems.append(f"flow start {ev['id']} binds to nothing on tid {ev['tid']}")
    for ev in events:
        if ev.get("ph") != "f":
            continue
        nflows += 1
        st = starts.get(ev["id"])
        if st is None:
            problems.append(f"flow end {ev['id']} has no start")
        elif st[0] > t(ev):
            problems.append(f"flow {ev['id']} ends at {t(ev)} ns before it starts at {st[0]} ns")
        if ev.get("bp") != "e" or not bound(ev["tid"], t(ev)):
            problems.append(f"flow end {ev['id']} binds to no enclosing slice")
    if story:
        step_at = {}  # (tid, ts) -> names of the instants there
        for ev in events:
            if ev.get("ph") == "i":
                step_at.setdefault((ev["tid"], t(ev)), set()).add(ev["name"])
        anomaly_at = {(ev["tid"], t(ev)) for ev in events
                      if ev.get("ph") == "i" and ev.get("cat") == "anomaly"
                      and ev["name"] == story[0]}
        into = collections.defaultdict(set)  # anomaly (tid, ts) -> names flowing in
        for ev in events:
            if ev.get("ph") == "f" and (ev["tid"], t(ev)) in anomaly_at and ev["id"] in starts:
                ts, tid = starts[ev["id"]]
                into[(ev["tid"], t(ev))] |= step_at.get((tid, ts), set())
        if not anomaly_at:
            problems.append(f"no anomaly {story[0]}")
        elif not any(set(story[1:]) <= got for got in into.values()):
            best = max(into.values(), key=len, default=set())
            problems.append(f"no anomaly {story[0]} has arrows from all of {' '.join(story[1:])}"
                            f" (most: {' '.join(sorted(best)) or 'none'})")
    for p in problems:
        print(p)
    if names:
        c = collections.Counter(
            (e.get("ph"), e.get("cat", "-"), e.get("name")) for e in events if e.get("ph") != "M"
        )
        for (ph, cat, name), n in sorted(c.items(), key=lambda x: (x[0][1], x[0][2], x[0][0])):
            print(f"{n} {ph} {cat} {name}")
    nsl = sum(len(v) for v in slices.values())
    print(f"tracecheck: {nsl} slices, {nflows} flow ends, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
