#!/usr/bin/env python3
"""Writes a sixr-template inventory of N workloads to standard output.

Deterministic (same N, same file): applications of 20 workloads each, a
web/app/db mix over the operating systems and databases sixr scores, web
servers depending on their application's database. The header is the one of
samples/anycompany.csv, so the file follows the template as it changes.

    python3 benches/gen_inventory.py 100000 > /tmp/inventory-100k.csv

With --rvtools, an RVTools vInfo CSV instead (the columns of
tests/inventories/rvtools-vcenter8-example-vInfo.csv with DNS Name and
Annotation): no role, no application, as real exports come; what a server
is shows only in its name, folder, vApp and annotation, the way
discovery enrichment reads them (a tenth are "vm-N" with nothing to say).

    python3 benches/gen_inventory.py --rvtools 100000 > /tmp/vinfo-100k.csv
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


def rvtools(n: int) -> None:
    with open(os.path.join(ROOT, "tests", "inventories", "rvtools-vcenter8-example-vInfo.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames)
        # Columns sixr does not read stay empty: a 100,000-VM file stays
        # under the import's 50 MB.
        kept = {"Template", "Provisioned MiB", "In Use MiB", "Datacenter", "Cluster", "Host"}
        base = {k: (v if k in kept else "") for k, v in next(reader).items()}
    header.insert(header.index("Config status") + 1, "DNS Name")
    header.insert(header.index("Datacenter"), "Annotation")
    rnd = random.Random(6)
    roles = ["web", "web", "app", "app", "app", "db", "db", "batch", "mon", "files"]
    os_pairs = [
        ("Red Hat Enterprise Linux 8 (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)"),
        ("CentOS 4/5/6/7 (64-bit)", "CentOS 7 (64-bit)"),
        ("Microsoft Windows Server 2016 or later (64-bit)", "Microsoft Windows Server 2019 (64-bit)"),
        ("Microsoft Windows Server 2012 (64-bit)", "Microsoft Windows Server 2012 R2 (64-bit)"),
        ("Ubuntu Linux (64-bit)", ""),
        ("Debian GNU/Linux 10 (64-bit)", "Debian GNU/Linux 11 (64-bit)"),
    ]
    notes = ["", "", "MySQL 5.7", "PostgreSQL 12", "owner: platform team", "Apache front end", "SQL Server 2016"]
    out = csv.DictWriter(sys.stdout, fieldnames=header, lineterminator="\r\n")
    out.writeheader()
    for i in range(n):
        app = i // PER_APP
        role = roles[i % len(roles)]
        name = f"vm-{i:06d}" if i % 10 == 9 else f"sys{app:05d}-{role}-{i % PER_APP:02d}"
        grouping = app % 3  # 0: folder, 1: vApp, 2: the name prefix only
        config, tools = os_pairs[(app + i) % len(os_pairs)]
        row = dict(base)
        row.update({
            "VM": name,
            "DNS Name": "" if i % 7 == 0 else f"{name}.corp.example",
            "Powerstate": "poweredOff" if i % 37 == 0 else "poweredOn",
            "Folder": f"Production/System {app:05d}" if grouping == 0 else "Production",
            "vApp": f"System {app:05d}" if grouping == 1 else "",
            "Resource pool": "/DC1/Cluster-A/Resources",
            "Annotation": notes[rnd.randrange(len(notes))] if role in ("db", "web") else "",
            "OS according to the configuration file": config,
            "OS according to the VMware Tools": tools,
            "VM ID": f"vm-{100000 + i}",
            "VM UUID": f"500b{i:08x}-0000-0000-0000-{i:012x}",
            "CPUs": str(rnd.choice([2, 4, 8])),
            "Memory": str(rnd.choice([4096, 8192, 16384])),
        })
        out.writerow(row)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--rvtools":
        rvtools(int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
        return
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
