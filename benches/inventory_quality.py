#!/usr/bin/env python3
"""What sixr makes of real inventories: rows read against workloads created,
how many workloads have a known OS version and a dated end of support, the
mean confidence and the strategy mix. Runs a sixr binary's own CLI on each
file into a fresh database and reads the JSON export back.

    python3 benches/inventory_quality.py target/release/sixr

The application portfolio has its own column names: its column mapping is
stored first, as the web mapping step would store it (only the targets the
binary knows are kept, so an older binary can be measured too).
"""
import collections
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = [
    ("RVTools example (xlsx)", "tests/inventories/rvtools-vcenter8-example.xlsx"),
    ("MPA workbook", "tests/inventories/mpa-sample-portfolio.xlsx"),
    ("RVTools messy fixture", "tests/fixtures/rvtools-messy-vInfo.csv"),
    ("Application portfolio", "tests/fixtures/application-portfolio.csv"),
]
PORTFOLIO_MAPPING = [
    ("Application Name", "name"), ("Business Unit", "business_unit"), ("Business Criticality", "criticality"),
    ("Environment", "environment"), ("Technology Stack", "middleware"), ("Database", "db_engine"),
    ("No. of Users", "users"), ("Complexity", "complexity"), ("Dependencies", "dependencies"),
    ("Current State", "current_state"), ("Technical Debt", "technical_debt"), ("Compliance", "compliance"),
]
OLD_TARGETS = {"name", "criticality", "environment", "middleware", "db_engine", "users", "dependencies"}


def key(h):
    return "".join(c for c in h.lower() if c.isalnum())


def rows_read(path):
    if path.endswith(".csv"):
        with open(path, encoding="utf-8") as f:
            return sum(1 for line in f if line.strip()) - 1
    return None


def measure(binary, label, rel, new_targets):
    path = os.path.join(ROOT, rel)
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "m.db")
        if "application-portfolio" in rel:
            subprocess.run([binary, "export", "--db", db, "--engagement", "none"], capture_output=True)
            with open(path, encoding="utf-8") as f:
                headers = f.readline().strip().split(",")
            mapping = [[h, t] for h, t in PORTFOLIO_MAPPING if new_targets or t in OLD_TARGETS]
            con = sqlite3.connect(db)
            con.execute("INSERT INTO import_mappings (header_signature, mapping) VALUES (?, ?)",
                        ("|".join(key(h) for h in headers), json.dumps({"columns": mapping})))
            con.commit()
            con.close()
        out = subprocess.run([binary, "import", "--db", db, "--engagement", "M", path], capture_output=True, text=True)
        if out.returncode != 0:
            return {"label": label, "error": out.stderr.strip().splitlines()[-1]}
        summary = out.stdout.strip()
        # The CSV export scores what is not scored yet; the JSON one then carries the details.
        subprocess.run([binary, "export", "--db", db, "--engagement", "M", "--format", "csv"], capture_output=True)
        exp = subprocess.run([binary, "export", "--db", db, "--engagement", "M", "--format", "json"], capture_output=True, text=True)
        backup = json.loads(exp.stdout)
    workloads = backup["workloads"]
    details = {a["workload"]: json.loads(a["detail"]) for a in backup.get("assessments", []) if a.get("detail")}
    n = len(workloads)
    version = eos_date = 0
    for w in workloads:
        d = details.get(w["name"], {})
        releases = [e for e in d.get("end_of_support", []) if e.get("kind") == "os"]
        if w.get("os_version") or any(e.get("version") for e in releases):
            version += 1
        if any(e.get("date") for e in d.get("end_of_support", [])):
            eos_date += 1
    confidences = [d.get("confidence", 0) for d in details.values()]
    mix = collections.Counter(d.get("recommended") for d in details.values())
    return {
        "label": label,
        "summary": summary,
        "rows": rows_read(path),
        "workloads": n,
        "os_version_known": version / n if n else 0,
        "eos_date_known": eos_date / n if n else 0,
        "mean_confidence": sum(confidences) / len(confidences) if confidences else 0,
        "mix": dict(sorted(mix.items(), key=lambda kv: -kv[1])),
    }


def main():
    binary = os.path.abspath(sys.argv[1])
    new_targets = "--old" not in sys.argv
    for label, rel in FILES:
        r = measure(binary, label, rel, new_targets)
        if "error" in r:
            print(f"| {label} | refused: {r['error']} |")
            continue
        mix = ", ".join(f"{k} {v}" for k, v in r["mix"].items())
        print(f"| {label} | {r['rows'] if r['rows'] is not None else '-'} | {r['workloads']} | {r['os_version_known']:.0%} | "
              f"{r['eos_date_known']:.0%} | {r['mean_confidence']:.0%} | {mix} |")
        print(f"    {r['summary']}")


if __name__ == "__main__":
    main()
