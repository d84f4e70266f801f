//! The AWS Migration Hub import template (Application Discovery export).

use super::{Collector, finish_row, ragged, set, set_applications, set_size};
use crate::import::table::Table;
use crate::import::{Format, Parsed};
use crate::inventory::Workload;

/// AWS Migration Hub (Application Discovery Service) import template.
pub(super) fn parse_migration_hub(table: &Table) -> Parsed {
    let mut out = Collector::new(Format::MigrationHub);
    let col = |keys: &[&str]| table.column(keys);
    let names = [col(&["hostname"]), col(&["vmwarevmname"]), col(&["externalid"])];
    let host = col(&["hostname"]);
    let cores = col(&["cpunumberofcores", "cpunumberoflogicalcores", "cpunumberofprocessors"]);
    let ram = col(&["ramtotalsizeinmb"]);
    let os = col(&["osname"]);
    let os_version = col(&["osversion"]);
    let cpu_max = col(&["cpuusagepctmax"]);
    let ram_max = col(&["ramusagepctmax"]);
    let cpu_avg = col(&["cpuusagepctavg"]);
    let ram_avg = col(&["ramusagepctavg"]);
    let apps = col(&["applications"]);
    let external_id = col(&["externalid"]);
    for row in &table.rows {
        if let Some(p) = ragged(table, row) {
            out.parsed.rows_read += 1;
            out.parsed.errors.push(p);
            continue;
        }
        let mut w = Workload { source: "migration-hub".into(), ..Workload::default() };
        if let Some(id) = external_id.map(|c| row.get(c).trim()).filter(|s| !s.is_empty()) {
            w.source_id = format!("migration-hub:{id}");
        }
        let mut errors = Vec::new();
        match names.iter().flatten().map(|&c| row.get(c).trim()).find(|s| !s.is_empty()) {
            Some(n) => w.name = n.to_string(),
            None => errors.push(table.problem(row.line, "HostName", "a server needs a HostName, VMware.VMName or ExternalId")),
        }
        for (c, field) in [
            (host, "hostname"),
            (cores, "cpu_cores"),
            (os, "os"),
            (os_version, "os_version"),
            (cpu_max, "cpu_util_peak_pct"),
            (ram_max, "ram_util_peak_pct"),
            (cpu_avg, "cpu_util_avg_pct"),
            (ram_avg, "ram_util_avg_pct"),
        ] {
            if let Some(c) = c {
                set(&mut w, &mut errors, table, row, &table.headers[c], field, row.get(c));
            }
        }
        if let Some(c) = ram {
            set_size(&mut w, &mut errors, table, row, c, "ram_gb", "mb");
        }
        if let Some(c) = apps {
            let list: Vec<String> = row.get(c).split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
            set_applications(&mut w, list);
        }
        finish_row(&mut out, table, row, w, errors);
    }
    out.parsed
}
