#!/usr/bin/env python3
"""A faithful re-implementation of the Python sync job that plotsql replaces.

Usage: pysync.py REPO DATABASE_URL [--oracle]

Copies the plot repository REPO into the database (which must already hold the schema),
the way the original job did (REFERENCE.md): PyYAML `safe_load`, `Path.read_text`, the
regexes of REFERENCE §3, `datetime.fromisoformat`, `float()`, Python's `or`, `json.dumps`
for JSON columns, and psycopg2 parameters for the inserts, in one transaction.

Where the job itself raises or the database rejects the transaction, this script raises
too (exit status 1, traceback on stderr).

With --oracle (used by difftest.py), it also checks for the cases where REFERENCE §9 says
plotsql must refuse the repository although the job would carry on (a YAML file that does
not load, garbage values in typed columns); on such a case it prints
`PLOTSQL-MUST-REFUSE: <reason>` on stderr, writes nothing and exits with status 3; on a
discrepancy already reported (see README.md) it prints `KNOWN-DISCREPANCY: <reason>`, writes
nothing and exits with status 4.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import psycopg2
import yaml

log = logging.getLogger("pysync")

CHUNK = 500
IMPL_COLUMNS = [
    "code",
    "preview_url_light",
    "preview_url_dark",
    "preview_html_light",
    "preview_html_dark",
    "python_version",
    "library_version",
    "quality_score",
    "generated_at",
    "updated",
    "generated_by",
    "issue",
    "workflow_run",
    "review_strengths",
    "review_weaknesses",
    "review_image_description",
    "review_criteria_checklist",
    "review_verdict",
    "impl_tags",
]
SPEC_COLUMNS = [
    "title",
    "description",
    "applications",
    "data",
    "notes",
    "created",
    "updated",
    "issue",
    "suggested",
    "tags",
]
TEXT_IMPL = [
    "preview_url_light",
    "preview_url_dark",
    "preview_html_light",
    "preview_html_dark",
    "python_version",
    "library_version",
    "generated_by",
    "review_image_description",
]


class MustRefuse(Exception):
    """A case where plotsql must report an error although the job would not fail."""


class Known(Exception):
    """A discrepancy already reported (see README.md); difftest skips such repositories."""


ORACLE = False
REFUSALS: list[str] = []
KNOWN: list[str] = []


def refuse(reason: str) -> None:
    REFUSALS.append(reason)


# --------------------------------------------------------------------------- reading


def load_yaml(path: Path):
    text = path.read_text(encoding="utf-8")  # UnicodeDecodeError: the job fails
    if any(c in text for c in "\x85\u2028\u2029"):
        # PyYAML (YAML 1.1) reads NEL, LS and PS as line breaks; plotsql refuses the file.
        refuse(f"{path.name}: NEL/LS/PS character in YAML")
    elif ORACLE and shallow_quoted_continuation(text):
        KNOWN.append(f"{path.name}: quoted scalar continued at or left of its line's indentation")
    try:
        return yaml.safe_load(text)
    except Exception as e:  # noqa: BLE001 - the job logs and goes on with {}
        log.warning("cannot load %s: %s", path, e)
        refuse(f"yaml does not load: {path.name}: {type(e).__name__}")
        return {}


def shallow_quoted_continuation(text: str) -> bool:
    """A multi-line quoted scalar with a continuation line indented no deeper than the line
    it starts on: PyYAML reads it, plotsql reports invalid indentation."""
    lines = text.split("\n")
    try:
        for token in yaml.scan(text):
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                first, last = token.start_mark.line, token.end_mark.line
                if first == last:
                    continue
                start = lines[first]
                base = len(start) - len(start.lstrip(" "))
                for line in lines[first + 1 : last + 1]:
                    if line.strip(" \t") and len(line) - len(line.lstrip(" ")) <= base:
                        return True
    except yaml.YAMLError:
        pass
    return False


TITLE_RE = re.compile(r"^#\s+[\w-]+:\s*(.+)$", re.MULTILINE)


def section(text: str, name: str) -> str:
    m = re.search(rf"## {name}\s*\n(.+?)(?=\n##|\Z)", text, re.DOTALL)
    return m.group(1).strip() if m else ""


def bullets(text: str) -> list[str]:
    items = []
    for line in text.split("\n"):
        line = line.strip()
        if line.startswith("- ") or line.startswith("* "):
            items.append(line[2:].strip())
    return items


def parse_markdown(text: str, spec_id: str) -> dict:
    m = TITLE_RE.search(text)
    return {
        "title": m.group(1).strip() if m else spec_id,
        "description": section(text, "Description"),
        "applications": bullets(section(text, "Applications")),
        "data": bullets(section(text, "Data")),
        "notes": bullets(section(text, "Notes")),
    }


def to_timestamp(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            log.warning("unreadable timestamp %r", value)
            if ORACLE and hour_24(value.replace("Z", "+00:00")):
                # Python 3.14 reads hour 24 as next-day midnight (plotsql follows it); 3.11 raises.
                KNOWN.append(f"timestamp {value!r} with hour 24: Python-version dependent")
            return None
    return None


def hour_24(text: str) -> bool:
    """Whether `text` reads as a datetime once its hour 24 becomes 23 (so only the hour 24,
    which Python 3.14 rolls over to the next day, stops Python 3.11)."""
    for n in (7, 8, 10):
        if text[n + 1 : n + 3] == "24" and len(text) > n + 2:
            try:
                datetime.fromisoformat(text[: n + 1] + "23" + text[n + 3 :])
                return True
            except ValueError:
                pass
    return False


def iso_timestamps(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: iso_timestamps(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_timestamps(v) for v in value]
    return value


def quality(value):
    if value is None:
        return None
    try:
        q = float(value)
    except (TypeError, ValueError):
        log.warning("quality_score %r is not a number", value)
        return None
    if math.isnan(q) or not 0 <= q <= 100:
        log.warning("quality_score %r out of range", value)
        return None
    return q


def verdict(value):
    if value and value not in ("APPROVED", "REJECTED"):
        log.warning("unknown verdict %r", value)
        return None
    return value


def spec_yaml(spec_dir: Path) -> dict:
    for name in ("specification.yaml", "metadata.yaml"):
        p = spec_dir / name
        if p.exists():
            data = load_yaml(p)
            if isinstance(data, dict) and data and ("spec_id" in data or "specification_id" in data):
                return data
            return {}
    return {}


def impl_yaml(path: Path) -> dict:
    data = load_yaml(path)
    if isinstance(data, dict) and data and "library" in data:
        return data
    return {}


def impl_metadata(spec_dir: Path, language: str, library: str, spec_meta: dict) -> dict:
    p = spec_dir / "metadata" / language / f"{library}.yaml"
    if p.exists():
        return impl_yaml(p)
    if language == "python":
        p = spec_dir / "metadata" / f"{library}.yaml"
        if p.exists():
            return impl_yaml(p)
    return (spec_meta.get("implementations") or {}).get(library) or {}


def build_impl(spec_id: str, language: str, library: str, code: str, m: dict) -> dict:
    c = m.get("current") or m
    review = m.get("review") or {}

    def cm(key):
        return c.get(key) or m.get(key)

    return {
        "spec_id": spec_id,
        "language_id": language,
        "library_id": library,
        "code": code,
        "preview_url_light": m.get("preview_url_light") or m.get("preview_url"),
        "preview_url_dark": m.get("preview_url_dark"),
        "preview_html_light": m.get("preview_html_light") or m.get("preview_html"),
        "preview_html_dark": m.get("preview_html_dark"),
        "python_version": cm("python_version"),
        "library_version": cm("library_version"),
        "generated_by": cm("generated_by"),
        "workflow_run": cm("workflow_run"),
        "issue": cm("issue"),
        "generated_at": to_timestamp(c.get("generated_at") or m.get("created")),
        "updated": to_timestamp(m.get("updated")),
        "quality_score": quality(cm("quality_score")),
        "review_strengths": review.get("strengths") or [],
        "review_weaknesses": review.get("weaknesses") or [],
        "review_image_description": review.get("image_description"),
        "review_criteria_checklist": review.get("criteria_checklist"),
        "review_verdict": verdict(review.get("verdict")),
        "impl_tags": m.get("impl_tags"),
    }


def read_repo(repo: Path):
    catalog = load_yaml(repo / "plotsql.yaml")
    languages = {lang["id"]: lang for lang in catalog["languages"]}
    libraries = catalog["libraries"]
    specs, impls = [], []
    for spec_dir in sorted((repo / "plots").iterdir()):
        if not spec_dir.is_dir() or spec_dir.name.startswith("."):
            continue
        spec_id = spec_dir.name
        if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", spec_id):
            log.warning("spec id %s is not kebab-case", spec_id)
        md = spec_dir / "specification.md"
        if not md.exists():
            md = spec_dir / "spec.md"
        if not md.exists():
            log.warning("%s has no specification.md; skipped", spec_dir)
            continue
        md_text = md.read_text(encoding="utf-8")
        parsed = parse_markdown(md_text, spec_id)
        meta = spec_yaml(spec_dir)
        specs.append(
            {
                "id": spec_id,
                "title": meta.get("title") or parsed["title"],
                "description": parsed["description"],
                "applications": parsed["applications"],
                "data": parsed["data"],
                "notes": parsed["notes"],
                "created": to_timestamp(meta.get("created")),
                "updated": to_timestamp(meta.get("updated")),
                "issue": meta.get("issue"),
                "suggested": meta.get("suggested"),
                "tags": iso_timestamps(meta.get("tags")),
            }
        )
        impl_dir = spec_dir / "implementations"
        if not impl_dir.is_dir():
            continue
        found = []
        for lang_dir in sorted(impl_dir.iterdir()):
            if not lang_dir.is_dir() or lang_dir.name.startswith(("_", ".")):
                continue
            lang = languages.get(lang_dir.name)
            if lang is None:
                log.warning("unknown language folder %s", lang_dir)
                continue
            ext = lang["file_extension"]
            for f in sorted(lang_dir.iterdir()):
                if f.is_file() and not f.name.startswith("_") and f.name.endswith(ext):
                    found.append((lang_dir.name, f.name[: -len(ext)], f))
        for f in sorted(impl_dir.glob("*.py")):
            if f.is_file() and not f.name.startswith("_"):
                found.append(("python", f.name[:-3], f))
        for language, library, f in found:
            code = f.read_text(encoding="utf-8")
            m = impl_metadata(spec_dir, language, library, meta)
            impls.append(build_impl(spec_id, language, library, code, m))
    return catalog, languages, libraries, specs, impls


# --------------------------------------------------------------------------- oracle checks
# REFERENCE §9, second paragraph: values the job would store as driver-dependent garbage,
# which plotsql must refuse. Only used with --oracle.


def check_text(where: str, v) -> None:
    if isinstance(v, (dict, list, tuple, set, bytes)):
        refuse(f"{where}: {type(v).__name__} in a text column")
    elif isinstance(v, datetime):
        refuse(f"{where}: datetime in a text column")
    elif isinstance(v, float) and abs(v) >= 1e16:
        refuse(f"{where}: float >= 1e16 (or infinite) in a text column")


def check_varchar(where: str, v, limit: int) -> None:
    # PostgreSQL silently truncates a varchar(n) value whose excess characters are spaces;
    # plotsql does the same.
    return


def check_int(where: str, v) -> None:
    if isinstance(v, float):
        refuse(f"{where}: float in an integer column")


def list_kind(item) -> str:
    if isinstance(item, bool):
        return "bool"
    if isinstance(item, (int, float)):
        return "number"
    if isinstance(item, datetime):
        return "datetime"
    if isinstance(item, date):
        return "date"
    return type(item).__name__


def check_list(where: str, v) -> None:
    if isinstance(v, str):
        refuse(f"{where}: string where a list is expected")
    elif isinstance(v, list):
        kinds = {list_kind(i) for i in v if i is not None and not isinstance(i, (dict, list))}
        if len(kinds) > 1:
            # psycopg2 sends ARRAY[...]: PostgreSQL gives the array one element type, so
            # the strings are read as numbers/booleans/dates (or the insert fails). The
            # result depends on the driver: plotsql refuses such lists (REFERENCE §9).
            refuse(f"{where}: mixed item types {sorted(kinds)} in a text[] list")
        for item in v:
            if isinstance(item, (dict, list)):
                refuse(f"{where}: {type(item).__name__} inside a list")
            else:
                check_text(where, item)


def oracle_checks(catalog, specs, impls) -> None:
    for spec in specs:
        w = f"spec {spec['id']}"
        check_text(w + " title", spec["title"])
        check_text(w + " suggested", spec["suggested"])
        check_varchar(w + " title", spec["title"], 255)
        check_varchar(w + " suggested", spec["suggested"], 100)
        check_int(w + " issue", spec["issue"])
    for i in impls:
        w = f"impl {i['spec_id']}/{i['language_id']}/{i['library_id']}"
        for col in TEXT_IMPL:
            check_text(f"{w} {col}", i[col])
        check_varchar(w + " generated_by", i["generated_by"], 100)
        check_int(w + " issue", i["issue"])
        check_int(w + " workflow_run", i["workflow_run"])
        check_list(w + " strengths", i["review_strengths"])
        check_list(w + " weaknesses", i["review_weaknesses"])


# --------------------------------------------------------------------------- writing


def as_json(value):
    return None if value is None else json.dumps(value)


def chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def sync(repo: Path, url: str) -> None:
    catalog, languages, libraries, specs, impls = read_repo(repo)
    if ORACLE:
        oracle_checks(catalog, specs, impls)
        if KNOWN:
            raise Known("; ".join(KNOWN))
        if REFUSALS:
            raise MustRefuse("; ".join(REFUSALS))
    conn = psycopg2.connect(url)
    try:
        with conn:  # one transaction: commit on success, rollback on any exception
            cur = conn.cursor()
            for lang in languages.values():
                cur.execute(
                    "INSERT INTO languages (id, name, file_extension, runtime_version, documentation_url, description)"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    [lang.get(k) for k in ("id", "name", "file_extension", "runtime_version", "documentation_url", "description")],
                )
            for lib in libraries:
                cur.execute(
                    "INSERT INTO libraries (id, name, language_id, version, documentation_url, description)"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                    [lib.get(k) for k in ("id", "name", "language_id", "version", "documentation_url", "description")],
                )
            cols = ["id"] + SPEC_COLUMNS
            for chunk in chunks(specs):
                values, params = [], []
                for s in chunk:
                    values.append("(" + ", ".join(["%s"] * len(cols)) + ")")
                    params += [as_json(s[c]) if c == "tags" else s[c] for c in cols]
                cur.execute(
                    f"INSERT INTO specs ({', '.join(cols)}) VALUES {', '.join(values)}"
                    f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in SPEC_COLUMNS)}",
                    params,
                )
            cols = ["id", "spec_id", "language_id", "library_id"] + IMPL_COLUMNS
            json_cols = {"review_criteria_checklist", "impl_tags"}
            for chunk in chunks(impls):
                values, params = [], []
                for i in chunk:
                    values.append("(" + ", ".join(["%s"] * len(cols)) + ")")
                    row = dict(i, id=str(uuid.uuid4()))
                    params += [as_json(row[c]) if c in json_cols else row[c] for c in cols]
                cur.execute(
                    f"INSERT INTO impls ({', '.join(cols)}) VALUES {', '.join(values)}"
                    f" ON CONFLICT ON CONSTRAINT uq_impl DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in IMPL_COLUMNS)}",
                    params,
                )
            cur.execute("DELETE FROM specs WHERE NOT (id = ANY(%s::varchar[]))", ([s["id"] for s in specs],))
            keys = [(i["spec_id"], i["language_id"], i["library_id"]) for i in impls]
            cur.execute(
                "DELETE FROM impls WHERE (spec_id, language_id, library_id) NOT IN"
                " (SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[]))",
                ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]),
            )
    finally:
        conn.close()


def main() -> int:
    global ORACLE
    args = [a for a in sys.argv[1:] if a != "--oracle"]
    ORACLE = "--oracle" in sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="pysync: %(levelname)s %(message)s")
    try:
        sync(Path(args[0]), args[1])
    except MustRefuse as e:
        print(f"PLOTSQL-MUST-REFUSE: {e}", file=sys.stderr)
        return 3
    except Known as e:
        print(f"KNOWN-DISCREPANCY: {e}", file=sys.stderr)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())
