//! What the columns of each known format mean, and reading rows into workloads.

use std::collections::{HashMap, HashSet};

use super::mapping::{self, Mapping, Target};
use super::table::{Row, Table, Workbook, header_key, header_unit};
use super::{Answer, Format, Parsed, Problem, Refusal};
use crate::error::quoted;
use crate::inventory::{Application, Dependency, Workload};

/// Collects workloads in file order. Two rows never merge: a name seen
/// again gets a readable unique name (`GV-Win-03 (2)`) and a warning naming
/// both rows; a source id seen again gets `#2` so each row keeps its own.
struct Collector {
    parsed: Parsed,
    /// Name -> (index in `parsed.workloads`, line of its row).
    index: HashMap<String, (usize, usize)>,
    source_ids: HashMap<String, usize>,
}

impl Collector {
    fn new(format: Format) -> Collector {
        Collector { parsed: Parsed { format: Some(format), ..Parsed::default() }, index: HashMap::new(), source_ids: HashMap::new() }
    }

    fn push(&mut self, table: &Table, line: usize, mut w: Workload) {
        if !w.source_id.is_empty() {
            let seen = self.source_ids.entry(w.source_id.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                w.source_id = format!("{}#{seen}", w.source_id);
            }
        }
        if let Some(&(i, first_line)) = self.index.get(&w.name) {
            let original = w.name.clone();
            let unique = (2..).map(|n| format!("{original} ({n})")).find(|n| !self.index.contains_key(n)).expect("a free name");
            let ids = match (self.parsed.workloads[i].source_id.as_str(), w.source_id.as_str()) {
                ("", _) | (_, "") => String::new(),
                (a, b) => format!(" (two different rows: {} and {})", short_id(a), short_id(b)),
            };
            self.parsed.warnings.push(table.problem(
                line,
                "name",
                format!(
                    "{} is also the name of the row on line {first_line}{ids}; both are kept, this one as {}",
                    quoted(&original),
                    quoted(&unique)
                ),
            ));
            w.name = unique;
        }
        self.index.insert(w.name.clone(), (self.parsed.workloads.len(), line));
        self.parsed.workloads.push(w);
    }

    fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Workload> {
        let &(i, _) = self.index.get(name)?;
        self.parsed.workloads.get_mut(i)
    }
}

/// A source id as a warning shows it: without its format prefix.
fn short_id(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, rest)| rest)
}

/// A number with the file's separators and a unit in the value or the
/// header, in GB (`"500 GB"`, `"2,048"` MiB, `"1.5 TB"`).
pub fn size_gb(raw: &str, default_unit: &str) -> Result<Option<f64>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let split = text.trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace()).len();
    let (number, unit) = text.split_at(split);
    let unit = if unit.trim().is_empty() { default_unit.to_string() } else { unit.trim().to_lowercase() };
    let factor = match unit.as_str() {
        "tb" | "tib" | "t" => 1024.0,
        "gb" | "gib" | "g" | "" => 1.0,
        "mb" | "mib" | "m" => 1.0 / 1024.0,
        "kb" | "kib" | "k" => 1.0 / (1024.0 * 1024.0),
        _ => return Err(format!("{} is not a size (use GB, MB or TB)", quoted(text))),
    };
    let value = crate::inventory::parse_number(number).ok_or_else(|| format!("{} is not a number", quoted(text)))?;
    Ok(Some((value * factor * 100.0).round() / 100.0))
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") }
}

/// Sets a workload field, recording the refusal against the file's column.
fn set(w: &mut Workload, errors: &mut Vec<Problem>, table: &Table, row: &Row, column: &str, field: &str, raw: &str) {
    if let Err(message) = w.set_field(field, raw) {
        errors.push(table.problem(row.line, column, message));
    }
}

/// Sets a size field (GB) from a value that may carry its own unit.
fn set_size(w: &mut Workload, errors: &mut Vec<Problem>, table: &Table, row: &Row, col: usize, field: &str, default_unit: &str) {
    let column = &table.headers[col];
    match size_gb(row.get(col), default_unit) {
        Ok(Some(v)) => set(w, errors, table, row, column, field, &number_text(v)),
        Ok(None) => {}
        Err(message) => errors.push(table.problem(row.line, column, message)),
    }
}

/// The unit a size column is in: named in its header, else `default`.
fn unit_of(table: &Table, col: usize, default: &str) -> String {
    let header = &table.headers[col];
    if let Some(unit) = header_unit(header) {
        return unit;
    }
    let key = header_key(header);
    for unit in ["mib", "mb", "gib", "gb", "tib", "tb"] {
        if key.ends_with(unit) {
            return unit.to_string();
        }
    }
    default.to_string()
}

/// A data row must have as many values as the header has columns.
fn ragged(table: &Table, row: &Row) -> Option<Problem> {
    let n = row.cells.len();
    let expected = table.headers.len();
    (n != expected).then(|| {
        Problem {
            sheet: table.sheet.clone(),
            line: Some(row.line),
            column: None,
            message: format!(
                "this row has {n} values but the header has {expected} columns (a missing or extra delimiter, or an unquoted value containing one)"
            ),
        }
    })
}

/// Finishes one row: refused rows go to errors, others to the collector.
fn finish_row(out: &mut Collector, table: &Table, row: &Row, w: Workload, errors: Vec<Problem>) -> bool {
    out.parsed.rows_read += 1;
    if errors.is_empty() {
        out.push(table, row.line, w);
        true
    } else {
        out.parsed.errors.extend(errors);
        false
    }
}

// ---------------------------------------------------------------- CSV shapes

/// Detects the shape of a CSV table and reads it.
pub fn parse_csv_table(table: Table, saved_mapping: &dyn Fn(&str) -> Option<Mapping>) -> Result<Parsed, Refusal> {
    let keys: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
    let has = |k: &str| keys.iter().any(|x| x == k);
    let parsed = if has("vm") && (has("powerstate") || has("cpus")) {
        parse_rvtools(&table, Format::RvtoolsCsv)
    } else if has("externalid") || (has("hostname") && (has("cpunumberofcores") || has("ramtotalsizeinmb"))) {
        parse_migration_hub(&table)
    } else if let Some(targets) = mapping::template_targets(&table.headers) {
        parse_with_targets(&table, &targets, Format::Template)
    } else {
        let signature = mapping::signature(&table.headers);
        match saved_mapping(&signature) {
            Some(m) => parse_with_targets(&table, &m.targets(&table.headers), Format::Mapped),
            None => return Err(Refusal::UnknownFormat { headers: table.headers.clone(), signature }),
        }
    };
    finish(parsed, &table)
}

/// Refuses a file with a header and no data rows.
fn finish(parsed: Parsed, table: &Table) -> Result<Parsed, Refusal> {
    if parsed.rows_read == 0 {
        let what = table.sheet.as_ref().map(|s| format!("sheet {}", quoted(s))).unwrap_or_else(|| "the file".into());
        return Err(Problem::file(format!("{what} has a header row but no data rows")).into());
    }
    Ok(parsed)
}

/// Questionnaire values as the scoring rules read them: `yes`/`no`, a
/// whole number of months for `deadline_months`, one of a choice's options
/// (`usage_level`: high, medium, low, none; 높음, 보통, 낮음, 없음...).
pub fn answer_value(question: &str, raw: &str) -> Result<Option<String>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if question == "deadline_months" {
        let v = crate::inventory::parse_number(text).ok_or_else(|| format!("{} is not a number of months", quoted(text)))?;
        if v < 0.0 || v.fract() != 0.0 {
            return Err(format!("{} is not a whole number of months", quoted(text)));
        }
        return Ok(Some(number_text(v)));
    }
    let low = text.to_lowercase();
    if matches!(low.as_str(), "unknown" | "?" | "모름") {
        return Ok(Some("unknown".into()));
    }
    let book = crate::scoring::rulebook();
    if let Some(q) = book.question(question).filter(|q| q.kind == crate::scoring::rules::QuestionKind::Choice) {
        // An option, its label in either language, or a usual synonym.
        let option = q
            .options
            .iter()
            .enumerate()
            .find(|(i, o)| {
                **o == low
                    || q.labels_en.get(*i).is_some_and(|l| l.to_lowercase() == low)
                    || q.labels_ko.get(*i).is_some_and(|l| *l == text)
            })
            .map(|(_, o)| o.clone())
            .or_else(|| CHOICE_SYNONYMS.iter().find(|(q2, k, _)| *q2 == question && *k == low).map(|(_, _, v)| v.to_string()));
        return option.map(Some).ok_or_else(|| format!("{} is not one of {}", quoted(text), q.options.join(", ")));
    }
    match low.as_str() {
        "yes" | "y" | "true" | "1" | "예" | "네" | "o" => Ok(Some("yes".into())),
        "no" | "n" | "false" | "0" | "아니오" | "아니요" | "x" => Ok(Some("no".into())),
        _ => Err(format!("{} is not yes or no", quoted(text))),
    }
}

/// How portfolios write choice answers: (question, as typed, option).
const CHOICE_SYNONYMS: &[(&str, &str, &str)] = &[
    ("usage_level", "heavy", "high"),
    ("usage_level", "daily", "high"),
    ("usage_level", "moderate", "medium"),
    ("usage_level", "weekly", "medium"),
    ("usage_level", "light", "low"),
    ("usage_level", "rare", "low"),
    ("usage_level", "rarely", "low"),
    ("usage_level", "little", "low"),
    ("usage_level", "monthly", "low"),
    ("usage_level", "unused", "none"),
    ("usage_level", "많음", "high"),
    ("usage_level", "적음", "low"),
    ("must_stay_reason", "compliance", "regulation"),
    ("must_stay_reason", "규제", "regulation"),
    ("must_stay_reason", "지연", "latency"),
];

/// Reads rows whose columns map onto sixr fields (the template, or a mapped file).
pub fn parse_with_targets(table: &Table, targets: &[Option<Target>], format: Format) -> Parsed {
    let mut out = Collector::new(format);
    let name_col = targets.iter().position(|t| *t == Some(Target::Field("name")));
    let host_col = targets.iter().position(|t| *t == Some(Target::Field("hostname")));
    for (col, header) in table.headers.iter().enumerate() {
        // The assessment columns sixr's own CSV export adds are output, not input.
        let own_output = super::export::ASSESSMENT_COLUMNS.iter().any(|c| header_key(c) == header_key(header));
        if targets.get(col).copied().flatten().is_none() && !header.is_empty() && !own_output && format == Format::Template {
            out.parsed.warnings.push(Problem {
                sheet: table.sheet.clone(),
                line: None,
                column: Some(header.clone()),
                message: "not a sixr column; ignored".into(),
            });
        }
    }
    for row in &table.rows {
        if let Some(p) = ragged(table, row) {
            out.parsed.rows_read += 1;
            out.parsed.errors.push(p);
            continue;
        }
        let mut w = Workload { source: format.code().to_string(), ..Workload::default() };
        let mut errors = Vec::new();
        let mut depends_on = Vec::new();
        let mut answers = Vec::new();
        let mut attributes = crate::inventory::AppAttributes::default();
        // The name falls back to the hostname: many inventories have only one.
        let name = name_col.map(|c| row.get(c).trim()).filter(|s| !s.is_empty());
        let name = name.or_else(|| host_col.map(|c| row.get(c).trim()).filter(|s| !s.is_empty()));
        match name {
            Some(n) => w.name = n.to_string(),
            None => errors.push(table.problem(
                row.line,
                name_col.map(|c| table.headers[c].as_str()).unwrap_or("name"),
                "a workload needs a name (or at least a hostname)",
            )),
        }
        for (col, target) in targets.iter().enumerate() {
            let raw = row.get(col);
            match target {
                Some(Target::Field("name")) | None => {}
                Some(Target::Field(field)) => set(&mut w, &mut errors, table, row, &table.headers[col], field, raw),
                Some(Target::Dependencies) => {
                    depends_on.extend(raw.split([';', '|', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from))
                }
                Some(Target::Question(q)) => match answer_value(q, raw) {
                    Ok(Some(v)) => answers.push((q.to_string(), v)),
                    Ok(None) => {}
                    Err(message) => errors.push(table.problem(row.line, &table.headers[col], message)),
                },
                Some(Target::App(field)) => {
                    if let Err(message) = attributes.set(field, raw) {
                        errors.push(table.problem(row.line, &table.headers[col], message));
                    }
                }
            }
        }
        if !w.name.is_empty() {
            w.source_id = format!("name:{}", w.name);
        }
        // A one-row-per-application portfolio: the row is the application.
        if !attributes.is_empty() && w.application.is_empty() {
            w.application = w.name.clone();
        }
        let application = w.application.clone();
        if finish_row(&mut out, table, row, w, errors) {
            // The collector may have renamed a repeated name.
            let name = out.parsed.workloads.last().map(|w| w.name.clone()).unwrap_or_default();
            if !attributes.is_empty() {
                out.parsed.app_attributes.push((application, attributes));
            }
            for to in depends_on {
                out.parsed.dependencies.push(Dependency { from: name.clone(), to, ..Dependency::default() });
            }
            for (question, value) in answers {
                out.parsed.answers.push(Answer { subject_kind: "workload".into(), subject: name.clone(), question, value });
            }
        }
    }
    out.parsed
}

/// RVTools vInfo (as CSV or as the sheet of the workbook).
fn parse_rvtools(table: &Table, format: Format) -> Parsed {
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
fn rvtools_utilisation(book: &mut Workbook, parsed: &mut Parsed) -> Result<(), Refusal> {
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

/// The applications a source says a server serves: one is its application;
/// several make it a shared server, kept apart for discovery enrichment to
/// model (`enrich`: the shared-services application) instead of putting it
/// in whichever came first.
fn set_applications(w: &mut Workload, apps: Vec<String>) {
    match apps.len() {
        0 => {}
        1 => w.application = apps.into_iter().next().unwrap_or_default(),
        _ => w.discovered.applications = apps,
    }
}

/// AWS Migration Hub (Application Discovery Service) import template.
fn parse_migration_hub(table: &Table) -> Parsed {
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

// ---------------------------------------------------------------- workbooks

/// Reads an xlsx: an RVTools export (vInfo), an MPA workbook (Servers...), or
/// a template/Migration Hub table on the first sheet.
pub fn parse_workbook(bytes: &[u8]) -> Result<Parsed, Refusal> {
    // calamine can panic on a damaged workbook (the fuzzer found an
    // arithmetic overflow in its xlsx reader): that is a refusal for the
    // consultant, never a crash of the import or the server.
    std::panic::catch_unwind(|| read_workbook(bytes)).unwrap_or_else(|_| {
        Err(Problem::file("the workbook is damaged and could not be read; open it in Excel, save it again and retry").into())
    })
}

fn read_workbook(bytes: &[u8]) -> Result<Parsed, Refusal> {
    let mut book = Workbook::open(bytes)?;
    if let Some(sheet) = book.find_sheet("vInfo") {
        let table = book.table(&sheet)?;
        let mut parsed = parse_rvtools(&table, Format::RvtoolsXlsx);
        rvtools_utilisation(&mut book, &mut parsed)?;
        return finish(parsed, &table);
    }
    if book.find_sheet("Servers").is_some() {
        return parse_mpa(&mut book);
    }
    let names = book.sheet_names();
    let Some(first) = names.first() else {
        return Err(Problem::file("the workbook has no sheets").into());
    };
    let table = book.table(first)?;
    if table.headers.is_empty() {
        return Err(Problem::file(format!("the first sheet {} is empty", quoted(first))).into());
    }
    parse_csv_table(table, &|_| None).map_err(|r| match r {
        Refusal::UnknownFormat { .. } => Problem::file(format!(
            "the workbook is neither an RVTools export (a vInfo sheet) nor an MPA workbook (a Servers sheet), and its \
             first sheet is not a sixr template; its sheets are: {}",
            names.join(", ")
        ))
        .into(),
        other => other,
    })
}

/// MPA ids compared loosely: case and punctuation ignored.
fn id_key(raw: &str) -> String {
    header_key(raw)
}

/// MPA database ids are written `DB1` on one sheet and `D1` on another:
/// the letter and the number identify the database.
fn database_key(raw: &str) -> String {
    let key = id_key(raw);
    let digits: String = key.chars().filter(|c| c.is_ascii_digit()).collect();
    let first = key.chars().next().map(String::from).unwrap_or_default();
    format!("{first}{digits}")
}

/// Percent columns MPA names `...PctDec` hold either 0..1 fractions or
/// 0..100 percentages; a column whose values are all at most 1 is fractions.
fn fraction_column(table: &Table, col: usize) -> bool {
    let values: Vec<f64> = table.rows.iter().filter_map(|r| crate::inventory::parse_number(r.get(col))).collect();
    !values.is_empty() && values.iter().all(|v| *v <= 1.0)
}

fn set_percent(w: &mut Workload, errors: &mut Vec<Problem>, table: &Table, row: &Row, col: usize, field: &str, fraction: bool) {
    let raw = row.get(col);
    match (fraction, crate::inventory::parse_number(raw)) {
        (true, Some(v)) => set(w, errors, table, row, &table.headers[col], field, &number_text((v * 10000.0).round() / 100.0)),
        _ => set(w, errors, table, row, &table.headers[col], field, raw),
    }
}

/// The AWS Migration Portfolio Assessment (MPA) import workbook: the
/// Servers sheet (required), then Applications, Databases, the two
/// membership sheets, Server communication and Application dependency, each
/// read by its own function in that order (later sheets name what earlier
/// ones defined).
fn parse_mpa(book: &mut Workbook) -> Result<Parsed, Refusal> {
    let mut out = Collector::new(Format::Mpa);
    let server_names = mpa_servers(book, &mut out)?;
    let app_names = mpa_applications(book, &mut out)?;
    let db_names = mpa_databases(book, &mut out, &server_names)?;
    let members = mpa_memberships(book, &mut out, &server_names, &db_names, &app_names)?;
    let mut seen = HashSet::new();
    mpa_server_communication(book, &mut out, &server_names, &mut seen)?;
    mpa_application_dependencies(book, &mut out, &app_names, &db_names, &members, &mut seen)?;
    Ok(out.parsed)
}

/// An MPA sheet by name, when the workbook has it.
fn mpa_sheet(book: &mut Workbook, name: &str) -> Result<Option<Table>, Refusal> {
    match book.find_sheet(name) {
        Some(s) => Ok(Some(book.table(&s)?)),
        None => Ok(None),
    }
}

/// Servers -> workloads. Returns the server names by Serverid and by
/// hostname.
fn mpa_servers(book: &mut Workbook, out: &mut Collector) -> Result<HashMap<String, String>, Refusal> {
    let servers = mpa_sheet(book, "Servers")?.unwrap_or(Table { sheet: None, headers: vec![], rows: vec![] });
    let col = |keys: &[&str]| servers.column(keys);
    let (id_c, host_c) = (col(&["serverid"]), col(&["hostname"]));
    let (cpus_c, cores_c) = (col(&["numcpus"]), col(&["numcorespercpu"]));
    let ram_c = col(&["totalram"]);
    let storage_c = col(&["storagetotaldisksize"]);
    let cpu_max_c = col(&["maxcpuusagepctdec", "maxcpuusagepct"]);
    let ram_max_c = col(&["maxramusagepctdec", "maxramusagepct"]);
    let cpu_avg_c = col(&["avgcpuusagepctdec", "avgcpuusagepct"]);
    let ram_avg_c = col(&["avgramutlpctdec", "avgramusagepctdec", "avgramutlpct", "avgramusagepct"]);
    let fraction = |c: Option<usize>| c.is_some_and(|c| fraction_column(&servers, c));
    let (cpu_fraction, ram_fraction) = (fraction(cpu_max_c), fraction(ram_max_c));
    let (cpu_avg_fraction, ram_avg_fraction) = (fraction(cpu_avg_c), fraction(ram_avg_c));
    let mut server_names: HashMap<String, String> = HashMap::new();
    for row in &servers.rows {
        let mut w = Workload { source: "mpa".into(), ..Workload::default() };
        let mut errors = Vec::new();
        let id = id_c.map(|c| row.get(c).trim()).unwrap_or("");
        let host = host_c.map(|c| row.get(c).trim()).unwrap_or("");
        let name = if id.is_empty() { host } else { id };
        if name.is_empty() {
            errors.push(servers.problem(row.line, "Serverid", "a server needs a Serverid or HOSTNAME"));
        }
        w.name = name.to_string();
        w.hostname = host.to_string();
        if !id.is_empty() {
            w.source_id = format!("mpa:{id}");
        }
        for (keys, field) in
            [(&["osname"][..], "os"), (&["osversion"][..], "os_version"), (&["environmenttype", "environment"][..], "environment")]
        {
            if let Some(c) = servers.column(keys) {
                set(&mut w, &mut errors, &servers, row, &servers.headers[c], field, row.get(c));
            }
        }
        // numCpus counts sockets; cores are sockets x cores per socket.
        if let Some(c) = cpus_c {
            let sockets = row.get(c);
            let per = cores_c.and_then(|cc| crate::inventory::parse_number(row.get(cc))).filter(|v| *v >= 1.0);
            match (crate::inventory::parse_number(sockets), per) {
                (Some(s), Some(p)) => set(&mut w, &mut errors, &servers, row, &servers.headers[c], "cpu_cores", &number_text(s * p)),
                _ => set(&mut w, &mut errors, &servers, row, &servers.headers[c], "cpu_cores", sockets),
            }
        }
        if let Some(c) = ram_c {
            set_size(&mut w, &mut errors, &servers, row, c, "ram_gb", &unit_of(&servers, c, "gb"));
        }
        if let Some(c) = storage_c {
            set_size(&mut w, &mut errors, &servers, row, c, "storage_gb", &unit_of(&servers, c, "gb"));
        }
        if let Some(c) = cpu_max_c {
            set_percent(&mut w, &mut errors, &servers, row, c, "cpu_util_peak_pct", cpu_fraction);
        }
        if let Some(c) = ram_max_c {
            set_percent(&mut w, &mut errors, &servers, row, c, "ram_util_peak_pct", ram_fraction);
        }
        if let Some(c) = cpu_avg_c {
            set_percent(&mut w, &mut errors, &servers, row, c, "cpu_util_avg_pct", cpu_avg_fraction);
        }
        if let Some(c) = ram_avg_c {
            set_percent(&mut w, &mut errors, &servers, row, c, "ram_util_avg_pct", ram_avg_fraction);
        }
        if !name.is_empty() {
            server_names.insert(id_key(name), name.to_string());
        }
        // Other sheets sometimes name a server by its HOSTNAME
        // (`Server10` for the server `Server10-Monitoring`).
        if !host.is_empty() && !name.is_empty() {
            server_names.entry(id_key(host)).or_insert_with(|| name.to_string());
        }
        finish_row(out, &servers, row, w, errors);
    }
    if out.parsed.rows_read == 0 {
        return Err(Problem::file("sheet \"Servers\" has no server rows").into());
    }
    Ok(server_names)
}

/// Applications: names and descriptions. Returns the names by id.
fn mpa_applications(book: &mut Workbook, out: &mut Collector) -> Result<HashMap<String, String>, Refusal> {
    let mut app_names: HashMap<String, String> = HashMap::new();
    if let Some(apps) = mpa_sheet(book, "Applications")? {
        let (id_c, name_c, desc_c) = (apps.column(&["applicationid"]), apps.column(&["applicationname"]), apps.column(&["description"]));
        for row in &apps.rows {
            let id = id_c.map(|c| row.get(c).trim()).unwrap_or("");
            let name = name_c.map(|c| row.get(c).trim()).filter(|s| !s.is_empty()).unwrap_or(id);
            if name.is_empty() {
                continue;
            }
            app_names.insert(id_key(if id.is_empty() { name } else { id }), name.to_string());
            let notes = desc_c.map(|c| row.get(c).trim().to_string()).unwrap_or_default();
            out.parsed.applications.push(Application { id: 0, name: name.to_string(), notes });
        }
    }
    Ok(app_names)
}

/// Databases -> workloads with role db, on their host server's
/// environment. Returns the database workloads' names by Database ID.
fn mpa_databases(
    book: &mut Workbook,
    out: &mut Collector,
    server_names: &HashMap<String, String>,
) -> Result<HashMap<String, String>, Refusal> {
    let mut db_names: HashMap<String, String> = HashMap::new();
    if let Some(dbs) = mpa_sheet(book, "Databases")? {
        let col = |keys: &[&str]| dbs.column(keys);
        let (id_c, name_c, inst_c) = (col(&["databaseid"]), col(&["dbname"]), col(&["dbinstancename"]));
        let (engine_c, version_c, size_c, server_c, cores_c) =
            (col(&["sourceenginetype"]), col(&["sourceengineversion"]), col(&["totalsize"]), col(&["serverid"]), col(&["cpucores"]));
        for row in &dbs.rows {
            let mut w = Workload { source: "mpa".into(), role: "db".into(), ..Workload::default() };
            let mut errors = Vec::new();
            let id = id_c.map(|c| row.get(c).trim()).unwrap_or("");
            let label = [name_c, inst_c].into_iter().flatten().map(|c| row.get(c).trim()).find(|s| !s.is_empty()).unwrap_or(id);
            if label.is_empty() {
                errors.push(dbs.problem(row.line, "Database ID", "a database needs a Database ID or DB Name"));
            }
            // Database names may repeat a server's name or another database's.
            w.name = if out.has(label) && !id.is_empty() { format!("{label} ({id})") } else { label.to_string() };
            if !id.is_empty() {
                w.source_id = format!("mpa-db:{id}");
            }
            for (c, field) in [(engine_c, "db_engine"), (version_c, "db_version"), (cores_c, "cpu_cores")] {
                if let Some(c) = c {
                    set(&mut w, &mut errors, &dbs, row, &dbs.headers[c], field, row.get(c));
                }
            }
            if let Some(c) = size_c {
                set_size(&mut w, &mut errors, &dbs, row, c, "storage_gb", &unit_of(&dbs, c, "gb"));
            }
            if let Some(c) = server_c {
                let server = row.get(c).trim();
                if let Some(host) = server_names.get(&id_key(server)).cloned() {
                    if let Some(h) = out.get_mut(&host) {
                        let (env, os) = (h.environment.clone(), h.os.clone());
                        w.environment = env;
                        w.os = os;
                        // The server a database runs on is a database server.
                        if !h.discovered.sheets.iter().any(|s| s == "Databases") {
                            h.discovered.sheets.push("Databases".into());
                        }
                        if !w.db_engine.is_empty() && !h.discovered.databases.contains(&w.db_engine) {
                            h.discovered.databases.push(w.db_engine.clone());
                        }
                    }
                    w.notes = format!("Runs on server {host}");
                } else if !server.is_empty() {
                    out.parsed.warnings.push(dbs.problem(
                        row.line,
                        &dbs.headers[c],
                        format!("server {} is not on the Servers sheet", quoted(server)),
                    ));
                }
            }
            let name = w.name.clone();
            if finish_row(out, &dbs, row, w, errors) && !id.is_empty() {
                db_names.insert(database_key(id), name);
            }
        }
    }
    Ok(db_names)
}

/// Memberships: a server may serve several applications; the first
/// becomes its application and the others are noted. Returns each
/// application's member workloads.
fn mpa_memberships(
    book: &mut Workbook,
    out: &mut Collector,
    server_names: &HashMap<String, String>,
    db_names: &HashMap<String, String>,
    app_names: &HashMap<String, String>,
) -> Result<HashMap<String, Vec<String>>, Refusal> {
    let app_name = |id: &str| app_names.get(&id_key(id)).cloned();
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    let mut memberships: Vec<(String, String)> = Vec::new();
    let mut read_membership = |book: &mut Workbook,
                               sheet_name: &str,
                               member_keys: &[&str],
                               app_keys: &[&str],
                               lookup: &dyn Fn(&str) -> Option<String>,
                               out: &mut Collector|
     -> Result<(), Refusal> {
        let Some(t) = mpa_sheet(book, sheet_name)? else { return Ok(()) };
        let (m_c, a_c) = (t.column(member_keys), t.column(app_keys));
        let (Some(m_c), Some(a_c)) = (m_c, a_c) else { return Ok(()) };
        for row in &t.rows {
            let (member, app) = (row.get(m_c).trim(), row.get(a_c).trim());
            if member.is_empty() || app.is_empty() {
                continue;
            }
            let (Some(w), Some(a)) = (lookup(member), app_name(app)) else {
                out.parsed.warnings.push(t.problem(
                    row.line,
                    &t.headers[m_c],
                    format!("{} or application {} is not in the workbook; row ignored", quoted(member), quoted(app)),
                ));
                continue;
            };
            memberships.push((w, a));
        }
        Ok(())
    };
    let server_lookup = |id: &str| server_names.get(&id_key(id)).cloned();
    let db_lookup = |id: &str| db_names.get(&database_key(id)).cloned();
    read_membership(book, "Server to application", &["serverid"], &["appid", "applicationid"], &server_lookup, out)?;
    read_membership(book, "Database to application", &["databaseid"], &["applicationid", "appid"], &db_lookup, out)?;
    let mut served: HashMap<String, Vec<String>> = HashMap::new();
    for (workload, app) in memberships {
        members.entry(app.clone()).or_default().push(workload.clone());
        let list = served.entry(workload).or_default();
        if !list.contains(&app) {
            list.push(app);
        }
    }
    for (workload, apps) in served {
        if let Some(w) = out.get_mut(&workload) {
            set_applications(w, apps);
        }
    }
    Ok(members)
}

/// Server communication -> dependencies (source depends on target).
fn mpa_server_communication(
    book: &mut Workbook,
    out: &mut Collector,
    server_names: &HashMap<String, String>,
    seen: &mut HashSet<(String, String)>,
) -> Result<(), Refusal> {
    let server_lookup = |id: &str| server_names.get(&id_key(id)).cloned();
    if let Some(t) = mpa_sheet(book, "Server communication")? {
        let (s_c, d_c, port_c, proto_c) = (
            t.column(&["sourceserverid"]),
            t.column(&["targetserverid"]),
            t.column(&["targetport", "destinationport"]),
            t.column(&["transportprotocol", "protocol"]),
        );
        if let (Some(s_c), Some(d_c)) = (s_c, d_c) {
            for row in &t.rows {
                let (from, to) = (row.get(s_c).trim(), row.get(d_c).trim());
                let (Some(from), Some(to)) = (server_lookup(from), server_lookup(to)) else {
                    out.parsed.warnings.push(t.problem(
                        row.line,
                        &t.headers[s_c],
                        format!("{} -> {} names a server not on the Servers sheet; ignored", quoted(from), quoted(to)),
                    ));
                    continue;
                };
                let port = port_c.and_then(|c| crate::inventory::parse_number(row.get(c))).map(|p| p as i64);
                if from != to && seen.insert((from.clone(), to.clone())) {
                    let protocol = proto_c.map(|c| row.get(c).trim().to_string()).unwrap_or_default();
                    out.parsed.dependencies.push(Dependency { from, to, port, protocol, description: "server communication".into() });
                }
            }
        }
    }
    Ok(())
}

/// Application dependency -> the source application's workloads depend on
/// the target application's databases (or its servers when it has none).
fn mpa_application_dependencies(
    book: &mut Workbook,
    out: &mut Collector,
    app_names: &HashMap<String, String>,
    db_names: &HashMap<String, String>,
    members: &HashMap<String, Vec<String>>,
    seen: &mut HashSet<(String, String)>,
) -> Result<(), Refusal> {
    let app_name = |id: &str| app_names.get(&id_key(id)).cloned();
    if let Some(t) = mpa_sheet(book, "Application dependency")? {
        let (s_c, d_c) = (t.column(&["srcappid", "sourceappid"]), t.column(&["destappid", "targetappid"]));
        if let (Some(s_c), Some(d_c)) = (s_c, d_c) {
            for row in &t.rows {
                let (src, dst) = (row.get(s_c).trim(), row.get(d_c).trim());
                let (Some(src_app), Some(dst_app)) = (app_name(src), app_name(dst)) else {
                    out.parsed.warnings.push(t.problem(
                        row.line,
                        &t.headers[s_c],
                        format!("application {} or {} is not on the Applications sheet; ignored", quoted(src), quoted(dst)),
                    ));
                    continue;
                };
                let sources = members.get(&src_app).cloned().unwrap_or_default();
                let targets_all = members.get(&dst_app).cloned().unwrap_or_default();
                let dbs: Vec<String> = targets_all.iter().filter(|n| db_names.values().any(|d| d == *n)).cloned().collect();
                let targets = if dbs.is_empty() { targets_all.clone() } else { dbs };
                for from in sources.iter().filter(|s| !targets_all.contains(s)) {
                    for to in &targets {
                        if seen.insert((from.clone(), to.clone())) {
                            out.parsed.dependencies.push(Dependency {
                                from: from.clone(),
                                to: to.clone(),
                                description: format!("application {src_app} depends on {dst_app}"),
                                ..Dependency::default()
                            });
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_units_from_values_or_headers() {
        assert_eq!(size_gb("500 GB", "gb"), Ok(Some(500.0)));
        assert_eq!(size_gb("3526", "mib"), Ok(Some(3.44)));
        assert_eq!(size_gb("1.5 TB", "gb"), Ok(Some(1536.0)));
        assert_eq!(size_gb("2,048", "mb"), Ok(Some(2.0)));
        assert_eq!(size_gb("", "gb"), Ok(None));
        assert!(size_gb("lots", "gb").is_err());
        assert!(size_gb("5 parsecs", "gb").is_err());
    }

    #[test]
    fn answers_are_yes_no_or_months() {
        assert_eq!(answer_value("still_used", "Y"), Ok(Some("yes".into())));
        assert_eq!(answer_value("saas_alternative", "아니오"), Ok(Some("no".into())));
        assert_eq!(answer_value("deadline_months", "6"), Ok(Some("6".into())));
        assert!(answer_value("deadline_months", "soon").is_err());
        assert!(answer_value("still_used", "maybe").is_err());
    }

    #[test]
    fn database_ids_match_across_spellings() {
        assert_eq!(database_key("DB1"), database_key("D1"));
        assert_ne!(database_key("DB1"), database_key("D10"));
    }
}
