#!/usr/bin/env python3
"""Writes a sixr-template inventory of N workloads to standard output.

Deterministic (same N, same file): applications of 20 workloads each, a
web/app/db mix over the operating systems and databases sixr scores, web
servers depending on their application's database. The header is the one of
samples/anycompany.csv, so the file follows the template as it changes.

    python3 benches/gen_inventory.py 100000 > /tmp/inventory-100k.csv
"""
import csv
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PER_APP = 20
OSES = [("Ubuntu Linux", "22.04"), ("Ubuntu Linux", "18.04"), ("Red Hat Enterprise Linux", "8"),
        ("Windows Server", "2019"), ("Windows Server", "2012 R2"), ("CentOS", "7")]
DBS = [("MySQL", "8.0"), ("MySQL", "5.7"), ("PostgreSQL", "14"), ("Oracle", "19c"), ("Microsoft SQL Server", "2016")]
ENVS = ["production", "staging", "development", "test"]
MIDDLEWARE = ["Apache HTTP Server 2.4", "nginx 1.24", "IIS 10", "Tomcat 9", ""]
RUNTIMES = ["Java 11", "Java 8", ".NET Framework 4.8", "Python 3.9", "Node.js 18", ""]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with open(os.path.join(ROOT, "samples", "anycompany.csv"), newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    rnd = random.Random(6)
    out = csv.DictWriter(sys.stdout, fieldnames=header, lineterminator="\n")
    out.writeheader()
    for i in range(n):
        app = i // PER_APP
        slot = i % PER_APP
        role = "db" if slot < 2 else ("web" if slot < 8 else "app")
        os_name, os_version = OSES[(app + slot) % len(OSES)]
        db_engine, db_version = DBS[app % len(DBS)] if role == "db" else ("", "")
        cores = rnd.choice([2, 4, 8, 16, 32])
        row = {
            "name": f"wl-{i:06d}",
            "hostname": f"wl-{i:06d}.corp.example",
            "application": f"Application {app:05d}",
            "environment": ENVS[app % len(ENVS)],
            "role": role,
            "os": os_name,
            "os_version": os_version,
            "cpu_cores": cores,
            "ram_gb": cores * rnd.choice([2, 4, 8]),
            "storage_gb": rnd.choice([50, 100, 200, 500, 1000, 2000]),
            "cpu_util_peak_pct": rnd.randint(5, 95),
            "ram_util_peak_pct": rnd.randint(10, 95),
            "db_engine": db_engine,
            "db_version": db_version,
            "middleware": "" if role == "db" else MIDDLEWARE[app % len(MIDDLEWARE)],
            "runtime": "" if role == "db" else RUNTIMES[app % len(RUNTIMES)],
            "license": "",
            "annual_cost": rnd.randint(1_000, 40_000),
            "criticality": ["high", "medium", "low"][app % 3],
            "data_classification": ["confidential", "internal", "public"][app % 3],
            # Web and app servers use their application's first database.
            "dependencies": "" if role == "db" else f"wl-{app * PER_APP:06d}",
            "users": rnd.choice([10, 100, 1000, 20000]),
            "notes": f"generated workload {i} for the load benchmark",
            "still_used": "yes" if app % 17 else "no",
            "saas_alternative": "no",
            "source_available": "yes" if app % 3 else "no",
            "must_stay_on_prem": "yes" if app % 23 == 0 else "no",
            "needs_new_features": "yes" if app % 5 == 0 else "no",
            "deadline_months": rnd.choice([3, 6, 12, 24]),
        }
        out.writerow({k: row.get(k, "") for k in header})


if __name__ == "__main__":
    main()
