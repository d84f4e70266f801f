//! The AWS Migration Portfolio Assessment (MPA) workbook: servers,
//! applications, databases, who belongs to what, and the dependencies.

use std::collections::{HashMap, HashSet};

use super::{Collector, finish_row, number_text, set, set_applications, set_size, unit_of};
use crate::error::quoted;
use crate::import::table::{Row, Table, Workbook, header_key};
use crate::import::{Format, Parsed, Problem, Refusal};
use crate::inventory::{Application, Dependency, Workload};

/// MPA ids compared loosely: case and punctuation ignored.
fn id_key(raw: &str) -> String {
    header_key(raw)
}

/// MPA database ids are written `DB1` on one sheet and `D1` on another:
/// the letter and the number identify the database.
pub(super) fn database_key(raw: &str) -> String {
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
pub(super) fn parse_mpa(book: &mut Workbook) -> Result<Parsed, Refusal> {
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
