//! RVTools: the vInfo sheet (or its CSV export), and the vCPU and vMemory
//! sheets' utilisation when the workbook has them.

use std::collections::HashMap;

use super::{Collector, finish_row, number_text, ragged, set, set_size, unit_of};
use crate::import::table::{Row, Table, Workbook};
use crate::import::{Format, Parsed, Problem, Refusal};
use crate::inventory::Workload;

/// RVTools vInfo (as CSV or as the sheet of the workbook).
pub(super) fn parse_rvtools(table: &Table, format: Format) -> Parsed {
    let mut out = Collector::new(format);
    let columns = Columns::of(table);
    for row in &table.rows {
        if let Some(p) = ragged(table, row) {
            out.parsed.rows_read += 1;
            out.parsed.errors.push(p);
            continue;
        }
        if columns.template.is_some_and(|c| row.get(c).trim().eq_ignore_ascii_case("true")) {
            out.parsed.rows_read += 1;
            out.parsed.templates_skipped += 1;
            continue;
        }
        let (w, errors) = columns.workload(table, row);
        let (off, name) = (w.powered_off, w.name.clone());
        if finish_row(&mut out, table, row, w, errors) && off {
            out.parsed.warnings.push(table.problem(
                row.line,
                "Powerstate",
                format!("{} is powered off; imported and flagged as powered off (a Retire candidate)", crate::error::shown(&name)),
            ));
        }
    }
    if out.parsed.templates_skipped > 0 {
        let templates = out.parsed.templates_skipped;
        out.parsed.warnings.push(Problem::file(format!("{templates} VM template(s) skipped: templates are not workloads")));
    }
    out.parsed
}

/// Where vInfo's columns are (each `None` when the file lacks it).
struct Columns {
    vm: Option<usize>,
    power: Option<usize>,
    template: Option<usize>,
    cpus: Option<usize>,
    memory: Option<usize>,
    storage: Option<usize>,
    os_tools: Option<usize>,
    os_config: Option<usize>,
    dns: Option<usize>,
    annotation: Option<usize>,
    vm_uuid: Option<usize>,
    vm_id: Option<usize>,
    sdk_uuid: Option<usize>,
    folder: Option<usize>,
    vapp: Option<usize>,
    pool: Option<usize>,
}

impl Columns {
    fn of(table: &Table) -> Columns {
        let col = |keys: &[&str]| table.column(keys);
        Columns {
            vm: col(&["vm"]),
            power: col(&["powerstate"]),
            template: col(&["template"]),
            cpus: col(&["cpus", "numcpu"]),
            memory: col(&["memory", "memorymib", "memorymb"]),
            storage: col(&["provisionedmib", "provisionedmb", "totaldiskcapacitymib", "totaldiskcapacitymb"]),
            os_tools: col(&["osaccordingtothevmwaretools"]),
            os_config: col(&["osaccordingtotheconfigurationfile"]),
            dns: col(&["dnsname"]),
            annotation: col(&["annotation"]),
            vm_uuid: col(&["vmuuid"]),
            vm_id: col(&["vmid"]),
            sdk_uuid: col(&["visdkuuid"]),
            // Kept for discovery enrichment: what the VM's place in vCenter says.
            folder: col(&["folder"]),
            vapp: col(&["vapp"]),
            pool: col(&["resourcepool"]),
        }
    }

    /// One VM row as a workload, with the problems of its cells. Reads the
    /// columns one after the other, each with its unit and quirks.
    fn workload(&self, table: &Table, row: &Row) -> (Workload, Vec<Problem>) {
        let mut w = Workload { source: "rvtools".into(), ..Workload::default() };
        let cell = |c: Option<usize>| c.map(|c| row.get(c).trim()).unwrap_or("");
        // The VM's own identity: its UUID, else its id within its vCenter.
        w.source_id = match (cell(self.vm_uuid), cell(self.vm_id), cell(self.sdk_uuid)) {
            (uuid, _, _) if !uuid.is_empty() => format!("rvtools:{uuid}"),
            ("", id, vcenter) if !id.is_empty() && !vcenter.is_empty() => format!("rvtools:{vcenter}/{id}"),
            _ => String::new(),
        };
        let mut errors = Vec::new();
        let name = self.vm.map(|c| row.get(c).trim()).unwrap_or("");
        if name.is_empty() {
            errors.push(table.problem(row.line, "VM", "a VM row needs the VM name"));
        }
        w.name = name.to_string();
        if let Some(c) = self.dns {
            set(&mut w, &mut errors, table, row, &table.headers[c], "hostname", row.get(c));
        }
        if let Some(c) = self.cpus {
            set(&mut w, &mut errors, table, row, &table.headers[c], "cpu_cores", row.get(c));
        }
        // RVTools writes memory and disk in MiB ("Memory", "* MiB"; older "* MB").
        if let Some(c) = self.memory {
            set_size(&mut w, &mut errors, table, row, c, "ram_gb", &unit_of(table, c, "mib"));
        }
        if let Some(c) = self.storage {
            set_size(&mut w, &mut errors, table, row, c, "storage_gb", &unit_of(table, c, "mib"));
        }
        let os = [self.os_tools, self.os_config].into_iter().flatten().map(|c| row.get(c).trim()).find(|s| !s.is_empty());
        if let Some(os) = os {
            w.os = os.to_string();
        }
        if let Some(c) = self.annotation {
            w.notes = row.get(c).trim().to_string();
        }
        w.discovered = crate::inventory::Discovered {
            annotation: w.notes.clone(),
            folder: cell(self.folder).to_string(),
            vapp: cell(self.vapp).to_string(),
            resource_pool: cell(self.pool).to_string(),
            os_config: cell(self.os_config).to_string(),
            os_tools: cell(self.os_tools).to_string(),
            ..Default::default()
        };
        w.powered_off = self.power.is_some_and(|c| row.get(c).trim().eq_ignore_ascii_case("poweredoff"));
        (w, errors)
    }
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
