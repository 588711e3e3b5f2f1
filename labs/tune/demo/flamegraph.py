#!/usr/bin/env python3
"""flamegraph.py — `perf script` output in, a flame graph SVG out.

    perf record -F 999 -g -o perf.data -- build/bin/tune_bench_ref -bench Ingest
    perf script -i perf.data | python3 labs/tune/demo/flamegraph.py > flame.svg

Folding: each sample of `perf script` is a header line, then one frame per
line, innermost first ("\t  55d1c0 tune_ingest+0x2a (/path/bin)"); a blank
line ends it. The frames are reversed (root first), joined with ';' and
counted, which is Brendan Gregg's "folded" format (--folded prints it).
Drawing: a frame is a box as wide as its share of the samples, its
children above it, sorted by name; hover shows the name and share.
"""
import collections
import html
import re
import sys

FRAME = re.compile(r"^\s*[0-9a-f]+\s+(.+?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)\s*$")


def fold(lines):
    stacks, frames = collections.Counter(), []
    for line in list(lines) + [""]:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                stacks[";".join(reversed(frames))] += 1
            frames = []
            continue
        m = FRAME.match(line)
        if m:
            name = m.group(1)
            frames.append(name if name != "[unknown]" else m.group(2).rsplit("/", 1)[-1])
        elif not line.startswith((" ", "\t")):
            frames = []   # a sample's header line
    return stacks


def tree(stacks):
    root = {"n": 0, "kids": {}}
    for stack, n in stacks.items():
        node = root
        node["n"] += n
        for f in stack.split(";"):
            node = node["kids"].setdefault(f, {"n": 0, "kids": {}})
            node["n"] += n
    return root


def depth(node):
    return 1 + max((depth(k) for k in node["kids"].values()), default=0)


def svg(root, width=1200, row=16):
    total = max(root["n"], 1)
    height = (depth(root) + 1) * row + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace" font-size="11">',
           f'<text x="10" y="16">flame graph: {total} samples (wider = more time; '
           f'callers below, callees above)</text>']

    def draw(name, node, x, level):
        w = node["n"] / total * width
        if w < 0.5:
            return
        y = height - (level + 1) * row
        hue = 20 + (hash(name) % 40)
        label = html.escape(name)
        share = 100.0 * node["n"] / total
        out.append(f'<g><title>{label} ({node["n"]} samples, {share:.1f}%)</title>'
                   f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
                   f'fill="hsl({hue},90%,60%)"/>')
        if w > 40:
            out.append(f'<text x="{x + 3:.1f}" y="{y + row - 4}">'
                       f'{html.escape(name[: int(w / 7)])}</text>')
        out.append("</g>")
        for kid in sorted(node["kids"]):
            draw(kid, node["kids"][kid], x, level + 1)
            x += node["kids"][kid]["n"] / total * width

    draw("all", root, 0, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    stacks = fold(sys.stdin)
    if "--folded" in argv:
        for stack, n in sorted(stacks.items()):
            print(stack, n)
        return 0
    if not stacks:
        print("flamegraph.py: no samples with call stacks on stdin (perf record -g?)",
              file=sys.stderr)
        return 1
    sys.stdout.write(svg(tree(stacks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
