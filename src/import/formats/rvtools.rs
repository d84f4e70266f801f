//! RVTools: the vInfo sheet (or its CSV export), and the vCPU and vMemory
//! sheets' utilisation when the workbook has them.

use std::collections::HashMap;

use super::{Collector, finish_row, number_text, ragged, set, set_size, unit_of};
use crate::import::table::{Table, Workbook};
use crate::import::{Format, Parsed, Problem, Refusal};
use crate::inventory::Workload;

/// RVTools vInfo (as CSV or as the sheet of the workbook). Long because it
/// reads the columns one after the other, each with its unit and quirks.
pub(super) fn parse_rvtools(table: &Table, format: Format) -> Parsed {
    let mut out = Collector::new(format);
    let col = |keys: &[&str]| table.column(keys);
    let vm = col(&["vm"]);
    let power = col(&["powerstate"]);
    let template = col(&["template"]);
    let cpus = col(&["cpus", "numcpu"]);
    let memory = col(&["memory", "memorymib", "memorymb"]);
    let storage = col(&["provisionedmib", "provisionedmb", "totaldiskcapacitymib", "totaldiskcapacitymb"]);
    let os_tools = col(&["osaccordingtothevmwaretools"]);
    let os_config = col(&["osaccordingtotheconfigurationfile"]);
    let dns = col(&["dnsname"]);
    let annotation = col(&["annotation"]);
    let (vm_uuid, vm_id, sdk_uuid) = (col(&["vmuuid"]), col(&["vmid"]), col(&["visdkuuid"]));
    // Kept for discovery enrichment: what the VM's place in vCenter says.
    let (folder, vapp, pool) = (col(&["folder"]), col(&["vapp"]), col(&["resourcepool"]));
    for row in &table.rows {
        if let Some(p) = ragged(table, row) {
            out.parsed.rows_read += 1;
            out.parsed.errors.push(p);
            continue;
        }
        if template.is_some_and(|c| row.get(c).trim().eq_ignore_ascii_case("true")) {
            out.parsed.rows_read += 1;
            out.parsed.templates_skipped += 1;
            continue;
        }
        let mut w = Workload { source: "rvtools".into(), ..Workload::default() };
        let cell = |c: Option<usize>| c.map(|c| row.get(c).trim()).unwrap_or("");
        // The VM's own identity: its UUID, else its id within its vCenter.
        w.source_id = match (cell(vm_uuid), cell(vm_id), cell(sdk_uuid)) {
            (uuid, _, _) if !uuid.is_empty() => format!("rvtools:{uuid}"),
            ("", id, vcenter) if !id.is_empty() && !vcenter.is_empty() => format!("rvtools:{vcenter}/{id}"),
            _ => String::new(),
        };
        let mut errors = Vec::new();
        let name = vm.map(|c| row.get(c).trim()).unwrap_or("");
        if name.is_empty() {
            errors.push(table.problem(row.line, "VM", "a VM row needs the VM name"));
        }
        w.name = name.to_string();
        if let Some(c) = dns {
            set(&mut w, &mut errors, table, row, &table.headers[c], "hostname", row.get(c));
        }
        if let Some(c) = cpus {
            set(&mut w, &mut errors, table, row, &table.headers[c], "cpu_cores", row.get(c));
        }
        // RVTools writes memory and disk in MiB ("Memory", "* MiB"; older "* MB").
        if let Some(c) = memory {
            set_size(&mut w, &mut errors, table, row, c, "ram_gb", &unit_of(table, c, "mib"));
        }
        if let Some(c) = storage {
            set_size(&mut w, &mut errors, table, row, c, "storage_gb", &unit_of(table, c, "mib"));
        }
        let os = [os_tools, os_config].into_iter().flatten().map(|c| row.get(c).trim()).find(|s| !s.is_empty());
        if let Some(os) = os {
            w.os = os.to_string();
        }
        if let Some(c) = annotation {
            w.notes = row.get(c).trim().to_string();
        }
        w.discovered = crate::inventory::Discovered {
            annotation: w.notes.clone(),
            folder: cell(folder).to_string(),
            vapp: cell(vapp).to_string(),
            resource_pool: cell(pool).to_string(),
            os_config: cell(os_config).to_string(),
            os_tools: cell(os_tools).to_string(),
            ..Default::default()
        };
        let off = power.is_some_and(|c| row.get(c).trim().eq_ignore_ascii_case("poweredoff"));
        w.powered_off = off;
        if finish_row(&mut out, table, row, w, errors) && off {
            out.parsed.warnings.push(table.problem(
                row.line,
                "Powerstate",
                format!("{} is powered off; imported and flagged as powered off (a Retire candidate)", crate::error::shown(name)),
            ));
        }
    }
    if out.parsed.templates_skipped > 0 {
        let templates = out.parsed.templates_skipped;
        out.parsed.warnings.push(Problem::file(format!("{templates} VM template(s) skipped: templates are not workloads")));
    }
    out.parsed
}

/// The utilisation RVTools samples when it runs: the vCPU sheet's `Overall`
/// MHz of `Max` MHz and the vMemory sheet's `Consumed` MiB of `Size MiB`.
/// One point in time, so it stands for typical (average) use, never the peak.
pub(super) fn rvtools_utilisation(book: &mut Workbook, parsed: &mut Parsed) -> Result<(), Refusal> {
    let by_name: HashMap<String, usize> = parsed.workloads.iter().enumerate().map(|(i, w)| (w.name.clone(), i)).collect();
    for (sheet, used, total, field) in
        [("vCPU", "overall", "max", "cpu_util_avg_pct"), ("vMemory", "consumed", "sizemib", "ram_util_avg_pct")]
    {
        let Some(name) = book.find_sheet(sheet) else { continue };
        let table = book.table(&name)?;
        let (Some(vm), Some(used), Some(total)) = (table.column(&["vm"]), table.column(&[used]), table.column(&[total])) else { continue };
        for row in &table.rows {
            let Some(&i) = by_name.get(row.get(vm).trim()) else { continue };
            let number = |c: usize| crate::inventory::parse_number(row.get(c));
            if let (Some(u), Some(t)) = (number(used), number(total))
                && t > 0.0
                && u >= 0.0
            {
                let pct = (u / t * 100.0).min(100.0);
                let _ = parsed.workloads[i].set_field(field, &number_text((pct * 100.0).round() / 100.0));
            }
        }
    }
    Ok(())
}
