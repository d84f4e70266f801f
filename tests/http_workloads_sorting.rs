//! The workloads table's sort orders at every page: each sort walks its
//! own index (the application sort merges two walks), so each is checked
//! against the same yardstick, a plain sort of every workload.

mod common;

use common::TestApp;

fn names(v: &serde_json::Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap().to_string()).collect()
}

/// Every column the table sorts by, both ways, with and without a filter:
/// the pages, read in turn, hold every matching workload once, in the order
/// a plain sort of all of them gives (ties by name, a missing value first
/// going up). The sorts walk different indexes (and the application sort
/// merges two walks), so each is checked against the same yardstick.
#[tokio::test]
async fn every_sort_pages_in_the_order_a_plain_sort_gives() {
    let app = TestApp::new();
    let id = app.seed_engagement("Sorts");
    let applications = ["", "app-C", "app-A", "app-B"];
    let criticalities = ["high", "low", "medium", ""];
    for i in 0..120usize {
        let (name, cpu, ram) = (format!("srv-{i:03}"), ((i * 7) % 9 + 1).to_string(), ((i * 5) % 7 * 4).to_string());
        let fields = [
            ("name", name.as_str()),
            ("hostname", &format!("h{:03}", (i * 13) % 120)),
            ("environment", if i % 2 == 0 { "production" } else { "test" }),
            ("role", if i % 3 == 0 { "db" } else { "web" }),
            ("os", if i % 4 < 2 { "Windows Server" } else { "Ubuntu Linux" }),
            ("application", applications[i % 4]),
            ("cpu_cores", &cpu),
            // Every fifth has no RAM figure.
            ("ram_gb", if i % 5 == 0 { "" } else { &ram }),
            ("criticality", criticalities[(i / 2) % 4]),
            ("notes", if i % 6 == 0 { "legacy" } else { "" }),
        ];
        // An empty value stays unset, as an import leaves it.
        let given: Vec<(&str, &str)> = fields.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        app.seed_workload(id, &given);
    }
    let all = app.json(&app.get(&format!("/api/engagements/{id}/workloads?per_page=200")).await);
    let items = all["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 120);
    let fields =
        ["name", "hostname", "application", "environment", "role", "os", "cpu_cores", "ram_gb", "storage_gb", "criticality", "notes"];
    for filter in ["", "&environment=production"] {
        for field in fields {
            for dir in ["asc", "desc"] {
                // The yardstick: (value, name) in Rust, a missing value or no application first.
                let mut expected: Vec<&serde_json::Value> =
                    items.iter().filter(|w| filter.is_empty() || w["environment"] == "production").collect();
                let key = |w: &serde_json::Value| -> (u8, f64, String, String) {
                    let name = w["name"].as_str().unwrap().to_string();
                    match &w[field] {
                        serde_json::Value::Null => (0, 0.0, String::new(), name),
                        serde_json::Value::Number(n) => (1, n.as_f64().unwrap(), String::new(), name),
                        v => (2, 0.0, v.as_str().unwrap().to_string(), name),
                    }
                };
                expected.sort_by(|a, b| key(a).partial_cmp(&key(b)).unwrap());
                if dir == "desc" {
                    expected.reverse();
                }
                let expected: Vec<String> = expected.iter().map(|w| w["name"].as_str().unwrap().to_string()).collect();
                let mut paged = Vec::new();
                // Pages past the last show the last: read as many as there are.
                for page in 1..=expected.len().div_ceil(50) {
                    let url = format!("/api/engagements/{id}/workloads?sort={field}&dir={dir}&page={page}{filter}");
                    paged.extend(names(&app.json(&app.get(&url).await)));
                }
                assert_eq!(paged, expected, "sort={field}&dir={dir}{filter}");
            }
        }
    }
}
