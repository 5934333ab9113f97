#!/usr/bin/env python3
"""Differential test: plotsql against pysync.py (the Python job re-implemented).

Usage: difftest.py [--seed S] [-n N] [--plotsql BIN] [--db URL] [--keep DIR] [--two-state P]
                   [--parity DIR] [--show K]

Generates N random plot repositories (seeded, reproducible), and for each:
  * runs pysync.py --oracle into database A;
  * runs `plotsql build REPO --allow-empty | psql` into database B;
  * if pysync raised (the job fails), checks that plotsql exited 1;
  * if pysync said plotsql must refuse (REFERENCE §9), checks that plotsql exited 1;
  * else checks that plotsql exited 0 and that the dumps of A and B (parity/dump.sql) are
    equal (parity/compare.py).
With probability P (default 0.2) a repository is a two-state run: an older state is synced
first into both databases, then the newer one.

Repositories that show a discrepancy are kept under --keep (default
target/oracle-failures) as <seed>-<index>/, with the outputs of both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# --------------------------------------------------------------------------- YAML tokens
# Raw YAML scalar texts, grouped by the type PyYAML gives them (or the quirk they test).

INTS = ["0", "7", "-3", "+5", "017", "0o17", "0x1F", "0x_1f", "0b101", "1_000", "1:30", "190:20:30",
        "12345678901", "2147483648", "99999999999999999999", "08", "-0", "0_", "00", "+0x10", "-0b11",
        "1__0", "4663", "23097477556", "0b_", "1:60", "-1:30"]
FLOATS = ["1.10", "3.10", "1e3", "1.0e3", "1.0e+3", "1.5E-3", "1.e+2", ".5", "-.5", "+.5", "1.", "1_0.5",
          ".inf", "-.inf", "+.Inf", ".nan", ".NaN", "0.0", "-0.0", "1e16", "1.0e+16", "1.0e+17",
          "123456789.123456789", "1.0e-5", "2.5e-7", "1:30.5", "0.1", "100.0", "100.5", "99.99",
          "1.0e-300", "9999999999999998.0", "3.0", "1_000.5", "._5", ".", "0.30000000000000004"]
BOOLS = ["yes", "No", "on", "OFF", "true", "False", "y", "n", "TRUE", "Yes", "off"]
NULLS = ["~", "null", "Null", "NULL", ""]
DATES = ["2025-01-10", "1999-12-31", "0001-01-01", "2024-02-29"]
DATETIMES = ["2025-01-10T10:20:30Z", "2025-01-10 10:20:30", "2025-01-10t10:20:30.5", "2025-1-5 1:02:03",
             "2025-01-10T10:20:30.123456789+05:30", "2025-01-10T10:20:30-7", "2025-01-10 10:20:30 Z",
             "2025-01-10T10:20:30.", "2025-01-10T10:20:30.000000+00:00", "2025-01-10\t10:20:30 -05:00",
             "2025-12-11T22:45:43+00:00", "2025-06-01 00:00:00.000100"]
TS_STRINGS = ["'2025-01-10'", "'2025-01-10T10:20:30Z'", '"2025-01-10 10:20:30+05:30"', "'20250110'",
              "'2025-W02-5'", "'2025-01-10T10'", "'2025-01-10T10:20:30.1234567'", "'2025-01-10T10:20'",
              "'2025-01-10T10:20:30,5'", "'2025-01-10 10:20:30z'", "'2025-01-10T10:20:30+0530'",
              "'2025-01-10T10:20:30Z+01:00'", "'not a date'", "'2025-13-01'", "'2025-01-10T24:00:00'",
              "'2025-01-10T10:20:30.123+05:30:15'", "'2025-01-10T102030'", "'2025-01-10T10:20:30 '",
              "' 2025-01-10'", "'2025-001'", "'2025-01-10T10:20:30.5Z'", "'2025-01-10T10:20:30-00:00'",
              "'2025-01-10T10:20:30.000001'", "'2025-01-10 10:20'", "'2025-01-10T10:20:30+14:00'"]
NUMSTRINGS = ["'88'", "' 88 '", "'9_0'", "'1e2'", "'nan'", "'inf'", "'yes'", "'0077'", "' 12 '", "'1.10'",
              "'017'", "'-0'", "'+12'", "'1_2'", "'0x10'", "'12.0'", "'\u0668\u0668'", "'1e400'", "'-inf'",
              "'Infinity'", "'  '", "'12a'", "'\u00a088\u2003'", "'+1E1'", "'_1'", "'1__0'", "'.5'",
              "'5.'", "'٨٨.٥'", "'9' ", "'\t7\t'"]
STRINGS = ["hello", "3.13.1", "héllo wörld", "a 'b' \"c\"", "C:\\path\\x", "1.2.3", "v1", "0o17",
           "1e3", "y", "'it''s'", '"tab\\there"', '"nl\\nx"', '"\\u00e9t\\u00e9 \\U0001F600"',
           '"back\\\\slash"', '"quote\\"d"', "''", '""', "'   padded   '", "plain with  two spaces",
           "ünïcödé ✓", "'#not comment'", "a # comment", '"\\x41\\x7f"', '"\\N\\_\\L\\P"',
           "'single\n\n                folded'", '"esc\\\n                aped"', "'1.0'", "'true'", "'~'", "'null'", "'-'",
           "`backtick`", "'%percent'", "'@at'", "'\\\\n'", "'日本語'", "'\u200b zero width'",
           "'\u2028 ls'", "x\u2029y", "'e\u0301'"]
ODD = ['"nul\\0byte"', '"\\ud800"', "=", "<<", "!!str 12", "!!int '0x1A'", "!!float '1e3'",
       "!!binary aGk=", "!!int '1e3'", "!!bool 'maybe'", "!!timestamp '2025-01-10'", "!!null foo",
       "!!str", "[1, 2]", "{a: 1}", "*undefined", "@bad", "'unterminated", "a: b: c", "2025-02-30",
       "2025-02-30 10:00:00", "!!python/object:int 1", "\x7f", "\x1b", "a\x85b", "\ufeffbom"]

ALL_SCALARS = INTS + FLOATS + BOOLS + NULLS + DATES + DATETIMES + TS_STRINGS + NUMSTRINGS + STRINGS

QUALITY = ["92", "88.5", "'yes'", "yes", "' 88 '", "'9_0'", "'1e2'", "101", "-1", "'nan'", "0", "100",
           "'0'", "0.0", "'inf'", "'-0'", "'1_0_0'", "'\u0668\u0668'", "'\u00a088\u2003'", "'88abc'",
           "[]", "{}", "2025-01-10", "~", "'  '", "'+1E1'", "'0x10'", "1:30", "'1__0'", "'_1'",
           "'Infinity'", "'-nan'", "100.0000001", "-0.0", "'  -0.0  '", "1e2", "1.0e+2", "0x40",
           "017", "true", "'True'", "'100.00000000000001'", "'1e-400'", "99.99999999999999"]
VERDICTS = ["APPROVED", "REJECTED", "'APPROVED'", "approved", "pending", "''", "false", "0", "~", "yes",
            "[]", "{}", "'APPROVED '", "REJECTED # c", "1", "[APPROVED]"]
TEXTISH = ["'3.13'", "3.13", "3.10", "'3.13.1'", "3", "3.13.1", "yes", "2025-01-10", "~", "''", "0",
           "1.0", "-0.0", "1.0e-5", "1e3", "'x'", "'  spaced  '", "\"q'uote\"", "1.0e+15", "-1.5",
           "123456789.123456789", "0.1", ".inf", ".nan", "1:30", "0x1F", "1_000", "1.0e-300"]
INTISH = ["4663", "'4663'", "'0077'", "' 12 '", "0", "~", "-5", "2147483647", "2147483648", "'12a'",
          "yes", "017", "0x10", "1:30", "'+7'", "'-0'", "9223372036854775807", "9223372036854775808",
          "''", "1.0", "'1_0'", "'\t5\n'", "'１２'", "1_000"]
TS = ["'2025-01-10T10:20:30Z'"] * 4 + DATES + DATETIMES + TS_STRINGS + ["~", "0", "yes", "20250110", "''"]
KEYS = ["plot_type", "data_type", "domain", "features", "1", "'1'", "yes", "null", "~", "1.5", "x y",
        "'quoted key'", "ü", "0x10", "on", "'on'", "-", "2025-01-10", "2025-01-10T00:00:00Z", "'a:b'",
        "? complex"]


def q(s: str) -> str:
    """A single-quoted YAML scalar."""
    return "'" + s.replace("'", "''") + "'"


class Gen:
    def __init__(self, rng: random.Random, quirk: float):
        self.rng = rng
        self.quirk = quirk
        self.anchor = 0

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def odd(self) -> bool:
        return self.chance(self.quirk)

    # ---- YAML trees: ("s", text) scalar, ("m", [(key, node)]), ("l", [node]), ("f", flow text),
    # ("b", block scalar indicator, lines), ("alias", name), ("anchor", name, node)

    def scalar(self, pool=None) -> tuple:
        if pool is None:
            pool = ALL_SCALARS
        if self.chance(self.quirk / 6):
            return ("s", self.pick(ODD))
        return ("s", self.pick(pool))

    def text_value(self, normal: str) -> tuple:
        if self.odd():
            if self.chance(0.15):
                return self.block_scalar()
            return self.scalar(TEXTISH + STRINGS)
        return ("s", normal)

    def block_scalar(self) -> tuple:
        ind = self.pick(["|", ">", "|-", ">-", "|+", ">+", "|2"])
        lines = [self.pick(["line one", "  indented", "", "tab\there", "ünï", "'q' \"q\"", "# not a comment",
                            "trailing  ", "- item", "\u2028sep"]) for _ in range(self.rng.randint(1, 4))]
        return ("b", ind, lines)

    def json_value(self, depth=0) -> tuple:
        r = self.rng.random()
        if depth < 3 and r < 0.25:
            return ("m", [(self.pick(KEYS) if self.odd() else self.pick(KEYS[:4]), self.json_value(depth + 1))
                          for _ in range(self.rng.randint(0, 3))])
        if depth < 3 and r < 0.5:
            return ("l", [self.json_value(depth + 1) for _ in range(self.rng.randint(0, 3))])
        if depth < 3 and r < 0.55:
            return ("f", self.pick(["[a, b]", "{x: 1, y: [2, 3]}", "[]", "{}", "[1.10, yes, ~, 0x10]",
                                    "{a: 2025-01-10T10:00:00Z}", "{? b}", "[a, [b, {c: d}]]"]))
        if self.odd():
            return self.scalar()
        return self.scalar(["scatter", "bar", "'basic'", "numeric", "timeseries", "42", "1.5", "yes",
                            "'multi word'", "statistics"])

    def str_list(self) -> tuple:
        items = []
        for _ in range(self.rng.randint(0, 4)):
            if self.odd():
                if self.chance(0.2):
                    items.append(self.json_value(2) if self.chance(0.5) else ("l", [("s", "x")]))
                else:
                    items.append(self.scalar(ALL_SCALARS))
            else:
                items.append(("s", self.pick(["Clean code", "'Quoted: yes'", "Good colours", "ünï ✓",
                                              '"esc\\tape"', "Uses `plt.show()`", "50% done",
                                              "'- dash'", "Handles 1,000 points"])))
        if self.odd():
            return self.pick([("s", "''"), ("s", "~"), ("f", "[]"), ("s", "'a string'"), ("s", "0"),
                              ("l", items), ("f", "[a, 1, yes]"), ("f", "['yes', true]"),
                              ("f", "['1', 2]"), ("f", "[1, 2.5]"), ("f", "[~, a]"),
                              ("f", "[2025-01-10, '2025-01-11']"), ("f", "[1.0, -0.0]")])
        return ("l", items)

    # ---- emit

    def emit(self, node, indent: int, out: list[str], prefix: str) -> None:
        """Appends the lines of `node`, written after `prefix` (a `key:` or `-` at `indent`)."""
        pad = " " * indent
        kind = node[0]
        if kind == "s":
            out.append(f"{pad}{prefix} {node[1]}".rstrip(" ") if node[1] != "" else f"{pad}{prefix}")
        elif kind == "f":
            out.append(f"{pad}{prefix} {node[1]}")
        elif kind == "alias":
            out.append(f"{pad}{prefix} *{node[1]}")
        elif kind == "b":
            out.append(f"{pad}{prefix} {node[1]}")
            step = 2
            for line in node[2]:
                out.append((pad + " " * step + line) if line else "")
        elif kind == "anchor":
            name, inner = node[1], node[2]
            if inner[0] in ("m", "l") and inner[1]:
                out.append(f"{pad}{prefix} &{name}")
                self.emit_body(inner, indent + 2, out)
            else:
                self.emit(("s", f"&{name} " + (inner[1] if inner[0] in ("s", "f") else "~")), indent, out, prefix)
        elif kind in ("m", "l"):
            if not node[1]:
                out.append(f"{pad}{prefix} {'{}' if kind == 'm' else '[]'}")
            else:
                out.append(f"{pad}{prefix}")
                self.emit_body(node, indent + 2, out)

    def emit_body(self, node, indent: int, out: list[str]) -> None:
        if node[0] == "m":
            for key, value in node[1]:
                self.emit(value, indent, out, f"{key}:")
        else:
            for item in node[1]:
                self.emit(item, indent, out, "-")

    def document(self, items: list) -> str:
        out: list[str] = []
        if self.chance(0.3):
            out.append("# generated metadata")
        self.emit_body(("m", items), 0, out)
        return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- repository

LANGS = [("python", ".py"), ("julia", ".jl"), ("rlang", ".r")]
LIBS = {"python": ["matplotlib", "plotly", "seaborn", "lets-plot", "d3.v7"], "julia": ["makie", "plots"],
        "rlang": ["ggplot"]}
SPEC_IDS = ["scatter-basic", "bar-basic", "line-basic", "heatmap-x", "pie-2", "_draft", "Bad_Name",
            "ünï-spec", "a", "box-plot-with-a-very-long-name", "z9-9z"]


def catalog(g: Gen) -> str:
    def val(normal):
        return g.pick(["3.10", "3", "'3.13'", "yes", "2025-01-10", "~", "1_000", "1.0e-5"]) if g.odd() else normal
    lines = ["languages:"]
    for lid, ext in LANGS:
        lines += [f"  - id: {lid}", f"    name: {lid.title()}", f"    file_extension: \"{ext}\"",
                  f"    runtime_version: {val(q('3.13'))}", "    documentation_url: https://example.org",
                  f"    description: {val(q('Language ' + lid))}"]
    lines.append("  - id: unused\n    name: Unused\n    file_extension: .u")
    lines.append("libraries:")
    for lid, libs in LIBS.items():
        for lib in libs:
            lines += [f"  - id: {q(lib)}", f"    name: {lib.title()}", f"    language_id: {lid}",
                      f"    version: {val(q('1.2.0'))}"]
            if g.chance(0.5):
                lines.append(f"    description: {val(q('Library ' + lib))}")
    return "\n".join(lines) + "\n"


MD_TOKENS = ["#", "##", "###", "# ", "## ", " ", "  ", "\n", "\n", "\n", "\n\n", "\t", "\u2003", "\u00a0",
             "\u3000", "Description", "Data", "Notes", "Applications", "- ", "* ", "-", "*", "x", "id", "a-b",
             ":", ": ", "ü", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "_", "é", "e\u0301", "\u00b2", "```",
             "Title", "\ufeff", "\u200b", "\U0001F600", "\u0660", "\u1680", "\r\n", "\r"]


def random_iso(g: Gen) -> str:
    """A random string in (or near) the shapes datetime.fromisoformat reads."""
    date = g.pick(["2025-01-10", "20250110", "2025-W02", "2025-W02-3", "2025W023", "2025W02", "2025-001",
                   "2024-02-29", "2025-02-29", "2025-1-10", "0001-01-01", "9999-12-31", "2025-12-31", "2025-01"])
    if g.chance(0.2):
        return date
    sep = g.pick(["T", "t", " ", "_", "x", "", "TT", "\u00e9", "-"])
    time = g.pick(["10", "1020", "10:20", "102030", "10:20:30", "10:20:30.1", "10:20:30.123456", "10:20:30,5",
                   "10:20:30.1234567", "10:20:30.", "10:2", "1", "23:59:59.999999", "24", "24:00", "00:00:00",
                   "10:20:30.12", "102030.5", "10:60", "10:20:61", "10:20:30.123"])
    tz = g.pick(["", "", "Z", "+05", "+0530", "+05:30", "-00:00", "+05:30:15", "+05:30:15.5", "z", " Z", "+24:00",
                 "-23:59", "+053015", "+05:30:15.123456", "ZZ", "+5", "+05:3", "Z+01:00", "-0000"])
    return date + sep + time + tz


def fuzz_markdown(g: Gen) -> str:
    return "".join(g.pick(MD_TOKENS) for _ in range(g.rng.randint(3, 60)))


def markdown(g: Gen, spec_id: str) -> str:
    if g.chance(0.25):
        return fuzz_markdown(g)
    parts = []
    if g.odd():
        parts.append("\ufeff")
    title_forms = [f"# {spec_id}: A Title", f"#  {spec_id}:   Spaced Title  ", f"#\t{spec_id}:\tTabbed",
                   f"# {spec_id}:\n\nNext line title", "# word: x", "# two words: no", f"## {spec_id}: h2",
                   f"# {spec_id}:", f"# {spec_id}: ünï title\u2003", "# ü_é-1: unicode word", "# a\u0301: combining",
                   "# x\u00b2: superscript", "#\nx: crossed", f"# {spec_id}: " + "L" * 250 + "\u00a0",
                   f"# {spec_id}: " + "T" * 260, "# x:\u2028sep title", "# k: v\u2028w", "#\u3000id: ideographic"]
    if g.odd():
        parts.append("```\n# code: In a code block\n```\n")
    if g.chance(0.9):
        parts.append((g.pick(title_forms) if g.odd() else f"# {spec_id}: Title of {spec_id}") + "\n")
    names = ["Description", "Applications", "Data", "Notes"]
    order = names[:]
    if g.odd():
        g.rng.shuffle(order)
    for name in order:
        if g.chance(0.1):
            continue
        head = f"## {name}"
        if g.odd():
            head = g.pick([f"### {name}", f"## {name}   ", f"## {name}\n\n", f"text ## {name}", f"## {name}base",
                           f"##  {name}", f"## {name}\u2003", f"## {name}\u2028", f"## {name}:"])
        parts.append(head + "\n")
        if g.chance(0.08):
            continue  # empty section: the next heading follows directly
        if name == "Description":
            body = g.pick(["A plot of things.", "Line one\nline two\n\n  para  ", "  spaced \u2003", "x"])
            if g.odd():
                body += g.pick(["\n### Sub\nmore", "\n#no space", "\n ## not at start", "\n\n\n", "\x0b\x0c",
                                "\u2028\u2029", " \\ back \\n slash 'q' \"dq\""])
            parts.append("\n" + body + "\n\n")
        else:
            lines = []
            for _ in range(g.rng.randint(0, 4)):
                b = g.pick(["- item", "* star", "-not", "  -   indented  ", "- ", "-", "*\titem", "- \u2003ws\u2003",
                            "-\u00a0nbsp", "+ plus", "1. num", "- `code` (x)", "- a - b", "text", "- **bold**",
                            "\t- tab", "-  - nested", "- trailing \\", "- ünï"]) if g.odd() else "- " + g.pick(
                    ["Point one", "Use `x`", "Size: 10-100", "Colour by group"])
                lines.append(b)
            parts.append("\n" + "\n".join(lines) + "\n\n")
    text = "".join(parts)
    if g.odd():
        text = text.replace("\n", g.pick(["\r\n", "\r"]))
    elif g.odd():
        # mix line endings
        text = "".join(c if c != "\n" or not g.chance(0.3) else g.pick(["\r\n", "\r"]) for c in text)
    return text


def code_text(g: Gen, lib: str) -> bytes:
    text = f"import {lib}\n\tx = 1  # tab\nprint('ünï', \"\\\\n\")\n"
    if g.odd():
        text = g.pick(["", "\ufeff" + text, text.replace("\n", "\r\n"), text.replace("\n", "\r"),
                       text + "\r\n\r", "x = '\u2028'\n", "é\x0c\x1c\n", text * 3])
    data = text.encode("utf-8")
    if g.chance(g.quirk / 8):
        data = g.pick([data + b"\xff", data + b"\x00", b"\xef\xbb\xbf\xef\xbb\xbf" + data, data[:1] + b"\xc3"])
    return data


def impl_meta_items(g: Gen, spec_id: str, lib: str, with_library=True) -> list:
    items = []
    if with_library:
        items.append(("library", ("s", q(lib) if not g.odd() else g.pick([lib, "~", "''", "other"]))))
    items.append(("specification_id", ("s", spec_id)))
    fields = [
        ("created", lambda: ("s", g.pick(TS) if g.chance(0.5) else q(random_iso(g))) if g.odd() or g.chance(0.2)
         else ("s", "'2025-01-10T10:00:00Z'")),
        ("updated", lambda: ("s", g.pick(TS) if g.chance(0.5) else q(random_iso(g))) if g.odd() or g.chance(0.2)
         else ("s", "'2025-02-01T08:15:30.250000Z'")),
        ("generated_by", lambda: g.text_value("claude-opus")),
        ("workflow_run", lambda: ("s", g.pick(INTISH)) if g.odd() else ("s", "23097477556")),
        ("issue", lambda: ("s", g.pick(INTISH)) if g.odd() else ("s", "4663")),
        ("python_version", lambda: g.text_value("'3.13.1'")),
        ("library_version", lambda: g.text_value("'3.9.0'")),
        ("preview_url", lambda: g.text_value("https://x/plot.png")),
        ("preview_url_light", lambda: g.text_value("https://x/light.png")),
        ("preview_url_dark", lambda: g.text_value("https://x/dark.png")),
        ("preview_html", lambda: g.text_value("https://x/plot.html")),
        ("preview_html_light", lambda: g.text_value("https://x/light.html")),
        ("preview_html_dark", lambda: g.text_value("https://x/dark.html")),
        ("quality_score", lambda: ("s", g.pick(QUALITY)) if g.odd() else ("s", g.pick(["92", "88.5", "70"]))),
        ("impl_tags", lambda: g.json_value()),
    ]
    for key, make in fields:
        if g.chance(0.6):
            items.append((key, make()))
    # falsy values for the `or` fallbacks
    if g.odd():
        k = g.pick(["preview_url_light", "preview_html_light", "python_version", "quality_score", "issue"])
        items.append((k, ("s", g.pick(["0", "''", "[]", "{}", "~", "false", "0.0"]))))
    if g.chance(0.4):
        cur = []
        for key in ["python_version", "library_version", "generated_by", "workflow_run", "issue",
                    "generated_at", "quality_score"]:
            if g.chance(0.5):
                if key == "generated_at":
                    cur.append((key, ("s", g.pick(TS)) if g.odd() else ("s", "'2025-03-01T00:00:00Z'")))
                elif key == "quality_score":
                    cur.append((key, ("s", g.pick(QUALITY + ["0", "0", "''"])) if g.odd() else ("s", "95")))
                elif key in ("workflow_run", "issue"):
                    cur.append((key, ("s", g.pick(INTISH + ["0", "''"])) if g.odd() else ("s", "123")))
                else:
                    cur.append((key, g.text_value("'cur-" + key + "'") if not g.odd() else
                                ("s", g.pick(["0", "''", "[]", "~", "false"]))))
        node = ("m", cur)
        if g.odd():
            node = g.pick([("s", "~"), ("f", "{}"), ("f", "[]"), ("s", "''"), ("s", "0"), node, ("s", "text"),
                           ("f", "[a]")])
        if g.chance(0.25):
            # anchors and merge keys
            base = ("m", [("python_version", ("s", "'3.12'")), ("quality_score", ("s", "81")),
                          ("generated_by", ("s", "base-model"))])
            g.anchor += 1
            name = f"b{g.anchor}"
            items.insert(0, ("defaults", ("anchor", name, base)))
            merged = [("<<", ("alias", name))] if g.chance(0.7) else [("<<", ("f", f"[*{name}]"))]
            if g.chance(0.5):
                merged.append(("python_version", ("s", "'3.14'")))
            if g.chance(0.3):
                merged.insert(0, ("quality_score", ("s", "77")))
            node = ("m", merged + (node[1] if node[0] == "m" else []))
        items.append(("current", node))
    if g.chance(0.7):
        rev = []
        if g.chance(0.8):
            rev.append(("strengths", g.str_list()))
        if g.chance(0.8):
            rev.append(("weaknesses", g.str_list()))
        if g.chance(0.6):
            rev.append(("image_description", g.text_value("The plot shows 'things' and \"more\".")))
        if g.chance(0.6):
            rev.append(("criteria_checklist", g.json_value()))
        if g.chance(0.7):
            rev.append(("verdict", ("s", g.pick(VERDICTS)) if g.odd() else ("s", g.pick(["APPROVED", "REJECTED"]))))
        review = ("m", rev)
        if g.odd():
            review = g.pick([("s", "~"), ("f", "{}"), ("s", "''"), ("s", "text"), ("f", "[]"), review])
        items.append(("review", review))
    if g.odd():
        # duplicate key: the last one wins
        dk = g.pick(["quality_score", "python_version", "review", "impl_tags", "library"])
        items.append((dk, ("s", g.pick(["55", "'dup'", "~", "2025-01-10"]))))
    if g.chance(g.quirk / 2):
        g.rng.shuffle(items)
    return items


def spec_meta_items(g: Gen, spec_id: str) -> list:
    items = []
    if g.chance(0.95):
        items.append((g.pick(["spec_id", "specification_id"]), ("s", spec_id if not g.odd() else g.pick(["~", "''", "other"]))))
    if g.chance(0.7):
        t = g.text_value("'YAML title for " + spec_id + "'")
        if g.odd():
            t = g.pick([("s", "''"), ("s", "~"), ("s", "0"), ("s", q("Y" * 250 + " " * 10)), ("s", q("Y" * 256)),
                        ("s", q(" padded title ")), ("s", "[a]"), t])
        items.append(("title", t))
    if g.chance(0.7):
        items.append(("created", ("s", g.pick(TS)) if g.odd() else ("s", q(random_iso(g)) if g.chance(0.3)
                                                                    else "'2026-03-07T20:31:52Z'")))
    if g.chance(0.7):
        items.append(("updated", ("s", g.pick(TS)) if g.odd() else ("s", "~")))
    if g.chance(0.7):
        items.append(("issue", ("s", g.pick(INTISH)) if g.odd() else ("s", "4663")))
    if g.chance(0.7):
        s = g.text_value("MarkusNeusinger")
        if g.odd():
            s = g.pick([("s", q("S" * 95 + " " * 10)), ("s", q("S" * 101)), s])
        items.append(("suggested", s))
    if g.chance(0.8):
        tags = ("m", [(k, ("l", [("s", v) for v in vs])) for k, vs in
                      [("plot_type", ["scatter"]), ("domain", ["statistics", "finance"])]])
        if g.odd():
            tags = g.json_value()
        if g.odd():
            tags = ("m", [("when", ("s", g.pick(DATETIMES + DATES))), ("list", ("l", [("s", g.pick(DATETIMES))]))])
        items.append(("tags", tags))
    return items


def spec_folder(g: Gen, files: dict, spec_id: str, libs_catalog: dict) -> None:
    base = f"plots/{spec_id}"
    if g.chance(0.05):
        files[f"{base}/README.txt"] = b"no markdown"
        return
    md_name = "spec.md" if g.chance(0.15) else "specification.md"
    files[f"{base}/{md_name}"] = markdown(g, spec_id).encode("utf-8")
    if g.chance(g.quirk / 10):
        files[f"{base}/{md_name}"] += g.pick([b"\xff", b"\x00"])
    smeta = spec_meta_items(g, spec_id)
    inline = []
    # implementations
    impls = []
    for lang, ext in LANGS:
        for lib in libs_catalog[lang]:
            if g.chance(0.35):
                impls.append((lang, lib, ext))
    if g.chance(g.quirk / 4):
        impls.append(("python", "unknownlib", ".py"))
    for lang, lib, ext in impls:
        if lang == "python":
            layout = g.pick(["current", "current", "flat", "inline", "inline-current", "flat-meta"])
        else:
            layout = g.pick(["current", "current", "inline-current"])
        code = code_text(g, lib)
        meta_doc = None
        if layout in ("current", "inline-current", "flat-meta"):
            files[f"{base}/implementations/{lang}/{lib}{ext}"] = code
        else:
            files[f"{base}/implementations/{lib}.py"] = code
        if g.chance(g.quirk / 6):  # same implementation in both layouts: the job fails
            files[f"{base}/implementations/{lib}.py" if layout.startswith("current") else
                  f"{base}/implementations/python/{lib}.py"] = code
        if layout in ("inline", "inline-current"):
            inline.append((q(lib) if not lib.isalnum() else lib, ("m", impl_meta_items(g, spec_id, lib, with_library=g.chance(0.5)))))
            continue
        items = impl_meta_items(g, spec_id, lib, with_library=not g.chance(0.05))
        doc = g.document(items)
        if g.chance(g.quirk / 5):
            doc = g.pick(["", "~\n", "[a, b]\n", "- library\n", "library\n", "{library: x}\n", "a: [\n",
                          "a: 1\n---\nb: 2\n", "!!python/object:int 1\n", "library: x\n\tbad: tab\n",
                          doc + "\x7f", "\ufeff" + doc, doc.replace("\n", "\r\n"), doc + "extra: &a 1\nmore: &a 2\n"])
        if layout == "current" or layout == "flat-meta" and lang != "python":
            path = f"{base}/metadata/{lang}/{lib}.yaml"
        elif layout == "flat-meta":
            path = f"{base}/metadata/{lib}.yaml"
        else:
            path = f"{base}/metadata/{lib}.yaml" if lang == "python" and g.chance(0.7) else f"{base}/metadata/{lang}/{lib}.yaml"
        if g.chance(0.08):
            continue  # no metadata file
        files[path] = doc.encode("utf-8")
        if lang == "python" and path.endswith(f"metadata/python/{lib}.yaml") and g.chance(0.2):
            # a flat file too: never read, the current one is found first
            files[f"{base}/metadata/{lib}.yaml"] = g.document(impl_meta_items(g, spec_id, lib)).encode("utf-8")
    if inline or g.chance(0.1):
        if inline and g.odd() and g.chance(0.3):
            inline.append((inline[0][0], ("m", [("quality_score", ("s", "12"))])))  # duplicate key
        smeta.append(("implementations", ("m", inline) if not g.chance(g.quirk / 5) else g.pick([("s", "~"), ("f", "{}")])))
    # extra files that must be ignored (or not)
    if g.chance(0.2):
        files[f"{base}/implementations/python/preview.png"] = b"\x89PNG\r\n\x1a\n\x00\xff"
    if g.chance(0.2):
        files[f"{base}/implementations/.gitkeep"] = b""
    if g.chance(0.15):
        files[f"{base}/implementations/_private.py"] = b"\xff\x00 never read"
    if g.chance(0.1):
        files[f"{base}/implementations/python/_helper.py"] = b"\xff never read"
    if g.chance(0.1):
        files[f"{base}/implementations/cobol/x.cob"] = b"never read"
    if g.chance(0.1):
        files[f"{base}/implementations/_hidden/x.py"] = b"never read"
    if g.chance(0.1):
        files[f"{base}/implementations/python/notes.txt"] = b"\xff never read"
    if g.chance(g.quirk / 10):
        files[f"{base}/implementations/.x.py"] = b"hidden"
    if smeta and g.chance(0.85):
        yname = "metadata.yaml" if g.chance(0.15) else "specification.yaml"
        doc = g.document(smeta)
        if g.chance(g.quirk / 6):
            doc = g.pick(["", "[a]\n", "spec_id\n", "a: [\n", doc + "---\nx: 1\n", doc.replace("\n", "\r\n"),
                          "\ufeff" + doc])
        files[f"{base}/{yname}"] = doc.encode("utf-8")


def repository(seed: int, index: int, state: int = 0) -> dict:
    rng = random.Random(f"{seed}-{index}-{state}")
    quirk = rng.choice([0.005, 0.01, 0.02, 0.04, 0.08, 0.15])
    g = Gen(rng, quirk)
    files = {"plotsql.yaml": catalog(g).encode("utf-8")}
    n = rng.randint(1, 5)
    ids = rng.sample(SPEC_IDS, n) if rng.random() < quirk else rng.sample(
        [s for s in SPEC_IDS if s[0].islower() and s.isascii() and "_" not in s], n)
    for spec_id in ids:
        spec_folder(g, files, spec_id, LIBS)
    if rng.random() < 0.1:
        files["plots/.hidden/specification.md"] = b"# hidden: Hidden\n"
    if rng.random() < 0.1:
        files["plots/loose-file.md"] = b"# loose: not a folder\n"
    return files


def write_repo(files: dict, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "plots").mkdir(parents=True, exist_ok=True)


# --------------------------------------------------------------------------- running


def db_url(server: str, name: str) -> str:
    base = server.rsplit("/", 1)[0]
    return f"{base}/{name}"


def psql(url: str, *args, input_bytes=None) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args], input=input_bytes,
                          capture_output=True)


def reset(url: str) -> None:
    r = psql(url, "-c", "TRUNCATE impls, specs, libraries, languages CASCADE")
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())


def dump(url: str, parity: Path) -> dict:
    r = subprocess.run(["psql", "-X", "-d", url, "-f", str(parity / "dump.sql")], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    return json.loads(r.stdout)


class Outcome:
    def __init__(self, py_rc, py_err, pl_rc, pl_err, apply_err=""):
        self.py_rc, self.py_err, self.pl_rc, self.pl_err, self.apply_err = py_rc, py_err, pl_rc, pl_err, apply_err


def run_both(repo: Path, a_url: str, b_url: str, plotsql: str) -> Outcome:
    py = subprocess.run([sys.executable, str(HERE / "pysync.py"), str(repo), a_url, "--oracle"], capture_output=True)
    pl = subprocess.run([plotsql, "build", str(repo), "--allow-empty"], capture_output=True)
    apply_err = ""
    if pl.returncode == 0:
        ap = psql(b_url, input_bytes=pl.stdout)
        if ap.returncode != 0:
            apply_err = ap.stderr.decode(errors="replace")
    return Outcome(py.returncode, py.stderr.decode(errors="replace"), pl.returncode,
                   pl.stderr.decode(errors="replace"), apply_err)


def error_kind(stderr: str) -> str:
    lines = [l for l in stderr.strip().splitlines() if l.strip()]
    if "PLOTSQL-MUST-REFUSE" in stderr:
        line = next(l for l in lines if "PLOTSQL-MUST-REFUSE" in l)
        return "refuse: " + line.split(":", 2)[-1].strip().split(";")[0][:90]
    for l in reversed(lines):
        if not l.startswith(" ") and ("Error" in l or "error" in l or "Exception" in l):
            return l[:100]
    return lines[-1][:100] if lines else "?"


def plotsql_codes(stderr: str) -> list[str]:
    import re
    return sorted(set(re.findall(r"plotsql::[a-z_:]+", stderr)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--plotsql", default=os.environ.get("PLOTSQL", str(ROOT / "target/release/plotsql")))
    ap.add_argument("--db", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--keep", default=str(ROOT / "target/oracle-failures"))
    ap.add_argument("--two-state", type=float, default=0.2)
    ap.add_argument("--parity", default=str(ROOT.parent / "shared/parity"))
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    parity = Path(args.parity)
    sys.path.insert(0, str(parity))
    import compare  # noqa: E402  (parity/compare.py)

    names = [f"orc_a_{os.getpid()}", f"orc_b_{os.getpid()}"]
    for n in names:
        psql(args.db, "-c", f'DROP DATABASE IF EXISTS "{n}"')
        r = psql(args.db, "-c", f'CREATE DATABASE "{n}"')
        if r.returncode:
            print(r.stderr.decode(), file=sys.stderr)
            return 2
        schema = subprocess.run([args.plotsql, "schema"], capture_output=True, check=True).stdout
        psql(db_url(args.db, n), input_bytes=schema)
    a_url, b_url = (db_url(args.db, n) for n in names)
    work = Path(tempfile.mkdtemp(prefix="difftest-"))
    keep = Path(args.keep)
    stats = {"tried": 0, "equal": 0, "two_state": 0, "discrepancies": 0, "py_fail": 0, "py_fail_refused": 0,
             "must_refuse": 0, "must_refuse_refused": 0, "known": 0}
    known_kinds: dict[str, int] = {}
    discrepancies = []
    fail_kinds: dict[str, list] = {}
    try:
        for index in range(args.n):
            stats["tried"] += 1
            rng = random.Random(f"{args.seed}-{index}-two")
            two = rng.random() < args.two_state
            reset(a_url)
            reset(b_url)
            states = [repository(args.seed, index, 1), repository(args.seed, index, 0)] if two else [
                repository(args.seed, index, 0)]
            note = ""
            outcome = None
            for si, files in enumerate(states):
                repo = work / f"repo{si}"
                write_repo(files, repo)
                outcome = run_both(repo, a_url, b_url, args.plotsql)
                if si == 0 and two:
                    # the older state must be clean for both, else sync only the newer state
                    if not (outcome.py_rc == 0 and outcome.pl_rc == 0 and not outcome.apply_err):
                        reset(a_url)
                        reset(b_url)
                        two = False
                        continue
            if two:
                stats["two_state"] += 1
            o = outcome
            kind = None
            detail = ""
            if o.py_rc == 4:
                stats["known"] += 1
                k = "known: " + o.py_err.split("KNOWN-DISCREPANCY:", 1)[1].strip().split(";")[0][:100]
                known_kinds[k.split(": ", 2)[-1][:60]] = known_kinds.get(k.split(": ", 2)[-1][:60], 0) + 1
            elif o.py_rc not in (0, 3):
                k = error_kind(o.py_err)
                stats["py_fail"] += 1
                refused = o.pl_rc == 1
                stats["py_fail_refused"] += refused
                fail_kinds.setdefault(k, []).append((index, refused, plotsql_codes(o.pl_err)))
                if not refused:
                    kind = "python job fails, plotsql does not refuse"
                    detail = f"pysync: {k}\nplotsql rc={o.pl_rc} apply_err={o.apply_err[:300]}"
            elif o.py_rc == 3:
                k = error_kind(o.py_err)
                stats["must_refuse"] += 1
                refused = o.pl_rc == 1
                stats["must_refuse_refused"] += refused
                fail_kinds.setdefault(k, []).append((index, refused, plotsql_codes(o.pl_err)))
                if not refused:
                    kind = "REFERENCE §9 refusal expected, plotsql does not refuse"
                    detail = f"pysync: {k}\nplotsql rc={o.pl_rc}"
            elif o.pl_rc != 0:
                kind = "python job succeeds, plotsql refuses"
                detail = "\n".join(l for l in o.pl_err.splitlines() if "plotsql::" in l or "×" in l)[:600]
            elif o.apply_err:
                kind = "plotsql script fails to apply"
                detail = o.apply_err[:600]
            else:
                da, db = dump(a_url, parity), dump(b_url, parity)
                diffs = list(compare.diff(da, db))
                if diffs:
                    kind = "state differs"
                    detail = "\n".join(f"{t}/{k}/{c}: python={compare.show(va)} plotsql={compare.show(vb)}"
                                       for t, k, c, va, vb in diffs[:8])
                else:
                    stats["equal"] += 1
            if kind:
                stats["discrepancies"] += 1
                discrepancies.append((index, kind, detail))
                dest = keep / f"{args.seed}-{index}"
                if dest.exists():
                    shutil.rmtree(dest)
                dest.mkdir(parents=True)
                for si, files in enumerate(states):
                    write_repo(files, dest / f"repo{si}")
                (dest / "report.txt").write_text(f"{kind}\n{detail}\n\n--- pysync stderr\n{o.py_err}\n"
                                                 f"--- plotsql stderr\n{o.pl_err}\n--- apply\n{o.apply_err}\n")
            label = {0: "ok", 3: "refused as expected", 4: "known discrepancy, skipped"}.get(o.py_rc, "refused as expected")
            print(f"[{index}] {'two-state ' if two else ''}{kind or label}",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for n in names:
            psql(args.db, "-c", f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')

    print("\n=== summary ===")
    print(f"seed {args.seed}: {stats['tried']} repositories tried ({stats['two_state']} two-state runs)")
    print(f"  compared equal:             {stats['equal']}")
    print(f"  discrepancies:              {stats['discrepancies']}")
    print(f"  python job failed:          {stats['py_fail']} (plotsql refused {stats['py_fail_refused']})")
    print(f"  §9 refusal expected:        {stats['must_refuse']} (plotsql refused {stats['must_refuse_refused']})")
    print(f"  known discrepancies skipped: {stats['known']}  {known_kinds}")
    print("  failure kinds (count, plotsql refused, plotsql codes seen):")
    for k, v in sorted(fail_kinds.items(), key=lambda kv: -len(kv[1])):
        codes = sorted({c for _, _, cs in v for c in cs})
        print(f"    {len(v):4d}  refused {sum(r for _, r, _ in v):4d}  {k}  {codes[:4]}")
    for index, kind, detail in discrepancies[: args.show]:
        print(f"\n--- repository {args.seed}-{index}: {kind}\n{detail}")
    return 1 if discrepancies else 0


if __name__ == "__main__":
    sys.exit(main())
