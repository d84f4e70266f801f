//! The diagrams a customer is shown: every edge runs in horizontal and
//! vertical segments and through no box or container title, no label covers a box, a
//! container's title or another label, boxes do not overlap, and the
//! landing zone draws each shared part once. Checked on the AnyCompany
//! case, three applications and the MPA sample workbook, in both languages.

#[path = "common/estates.rs"]
mod estates;

use sixr::architecture::diagram::{Diagram, landing_zone_layout};
use sixr::architecture::landing_zone::{LandingSettings, Topology};
use sixr::architecture::route::Area;
use sixr::architecture::{AppArchitecture, KeptArrows, layout_in, layout_kept};
use sixr::db::{self, Db};
use sixr::i18n::{Lang, Tr};

fn check(d: &Diagram, what: &str) {
    let solid: Vec<(&str, Area)> = d.boxes.iter().filter(|b| !b.kind.is_container()).map(|b| (b.key.as_str(), b.area())).collect();
    let bounds = Area::new(0.0, 0.0, d.width, d.height);
    for (i, (k, a)) in solid.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= d.width + 0.1 && a.y + a.h <= d.height + 0.1, "{what}: {k} outside");
        for (k2, b) in &solid[i + 1..] {
            assert!(!a.overlaps(b), "{what}: boxes {k} and {k2} overlap");
        }
    }
    let titles: Vec<Area> = d.boxes.iter().filter(|b| b.kind.is_container()).map(|b| b.title_area()).collect();
    let mut labels: Vec<Area> = Vec::new();
    for arrow in &d.arrows {
        assert!(arrow.points.len() >= 2, "{what}: an arrow of one point");
        for w in arrow.points.windows(2) {
            let (p, q) = (w[0], w[1]);
            assert!((p.0 - q.0).abs() < 1e-9 || (p.1 - q.1).abs() < 1e-9, "{what}: a slanted segment {p:?} → {q:?} ({})", arrow.label);
            for (k, a) in &solid {
                assert!(!a.crossed_by(p, q), "{what}: the {} arrow runs through {k}: {:?}", arrow.label, arrow.points);
            }
            for t in &titles {
                assert!(!t.crossed_by(p, q), "{what}: the {} arrow runs through a container's title", arrow.label);
            }
        }
        if arrow.label.is_empty() {
            continue;
        }
        let (x, y, w, h) = arrow.label_box.unwrap_or_else(|| panic!("{what}: no place for the label {}", arrow.label));
        let label = Area::new(x, y, w, h);
        assert!(x >= 0.0 && y >= 0.0 && x + w <= bounds.w + 0.1 && y + h <= bounds.h + 0.1, "{what}: label {} outside", arrow.label);
        for (k, a) in &solid {
            assert!(!label.overlaps(a), "{what}: label {} over the box {k}", arrow.label);
        }
        for t in &titles {
            assert!(!label.overlaps(t), "{what}: label {} over a container's title", arrow.label);
        }
        for other in &labels {
            assert!(!label.overlaps(other), "{what}: label {} over another label", arrow.label);
        }
        labels.push(label);
    }
}

fn check_engagement(db: &Db, id: i64, name: &str) -> usize {
    let (archs, lz): (Vec<AppArchitecture>, _) = db.with_conn(|c| db::architecture::all(c, id, sixr::cost::catalogue())).unwrap();
    let mut arrows = 0;
    for lang in [Lang::En, Lang::Ko] {
        let t = Tr::new(lang);
        for a in &archs {
            let d = layout_in(&a.target, &t);
            arrows += d.arrows.len();
            check(&d, &format!("{name} / {} ({lang:?})", a.target.application));
        }
        let lz = lz.as_ref().unwrap();
        let d = landing_zone_layout(lz, &t);
        check(&d, &format!("{name} landing zone ({lang:?})"));
        // Each shared part once.
        let mut keys: Vec<&str> = d.boxes.iter().filter(|b| !b.kind.is_container()).map(|b| b.key.as_str()).collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "{name}: a part drawn twice in the landing zone");
        for net in &lz.networks {
            for c in net.components.iter().filter(|c| !matches!(c.kind, sixr::architecture::Kind::Nacl)) {
                assert!(keys.contains(&c.key.as_str()), "{name}: {} missing from the landing-zone diagram", c.key);
            }
        }
    }
    arrows
}

#[test]
fn edges_go_around_boxes_and_labels_cover_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let any = db.with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    assert!(check_engagement(&db, any, "AnyCompany") >= 20, "the AnyCompany flows are drawn");
    let three = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    check_engagement(&db, three, "three applications");
    db.with_conn(|c| {
        db::architecture::set_landing_settings(
            c,
            three,
            &LandingSettings { topology: Topology::HubSpoke, ..LandingSettings::default() },
            "test",
        )
    })
    .unwrap();
    check_engagement(&db, three, "three applications, hub and spoke");
    let mpa = db.with_conn(|c| Ok(estates::mpa(c, "ap-northeast-2"))).unwrap();
    let start = std::time::Instant::now();
    check_engagement(&db, mpa, "MPA");
    eprintln!("MPA diagrams laid out and checked in {:?}", start.elapsed());
}

/// The three applications in a database of their own, derived.
fn three_apps_derived() -> (tempfile::TempDir, Db, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    // Its decisions went in behind the repositories' back: derive again.
    db.with_conn(|c| db::architecture::set_landing_settings(c, id, &LandingSettings::default(), "test")).unwrap();
    (dir, db, id)
}

/// The arrows kept when an application is derived are those routing draws,
/// in each language, and a page uses them only for the boxes and flows they
/// were routed for.
#[test]
fn the_kept_arrows_are_the_routed_ones_and_serve_only_the_same_boxes() {
    let (_dir, db, id) = three_apps_derived();
    let (archs, _) = db.with_conn(|c| db::architecture::all(c, id, sixr::cost::catalogue())).unwrap();
    assert_eq!(archs.len(), 3);
    for a in &archs {
        for lang in [Lang::En, Lang::Ko] {
            let tr = Tr::new(lang);
            let app_id = a.target.application_id;
            let kept = db.with_conn(|c| db::architecture::kept_arrows(c, id, app_id, lang)).unwrap().expect("kept arrows");
            let routed = layout_in(&a.target, &tr);
            assert!(!routed.arrows.is_empty());
            assert_eq!(kept.arrows, routed.arrows, "{} {lang:?}", a.target.application);
            assert_eq!(layout_kept(&a.target, &tr, Some(kept.clone())).0, routed);
            let other = KeptArrows { fingerprint: kept.fingerprint ^ 1, arrows: Vec::new() };
            assert_eq!(layout_kept(&a.target, &tr, Some(other)).0, routed, "routed anew for other boxes");
            let same = KeptArrows { fingerprint: kept.fingerprint, arrows: Vec::new() };
            assert!(layout_kept(&a.target, &tr, Some(same)).0.arrows.is_empty(), "the kept ones drawn");
        }
    }
}

/// A changed application's arrows are routed again when it is derived
/// again, and the arrows kept for its old diagram are not drawn on the new
/// one; the other applications keep theirs.
#[test]
fn a_changed_application_gets_fresh_arrows() {
    let (_dir, db, id) = three_apps_derived();
    let target = |name: &str| {
        let (archs, _) = db.with_conn(|c| db::architecture::all(c, id, sixr::cost::catalogue())).unwrap();
        archs.into_iter().find(|a| a.target.application == name).unwrap().target
    };
    let kept = |app_id: i64| db.with_conn(|c| db::architecture::kept_arrows(c, id, app_id, Lang::En)).unwrap().expect("kept arrows");
    let (billing, shop) = (target("Billing"), target("Shop"));
    let (old_billing, old_shop) = (kept(billing.application_id), kept(shop.application_id));
    // Billing gains a web server: new boxes, new flows.
    db.with_conn(|c| db::workloads::create(c, id, &estates::server("billing-web", "Billing", "production", "web"), "test")).unwrap();
    let tr = Tr::new(Lang::En);
    let billing = target("Billing");
    let routed = layout_in(&billing, &tr);
    let new_billing = kept(billing.application_id);
    assert_ne!(new_billing.fingerprint, old_billing.fingerprint, "Billing's diagram changed");
    assert_eq!(new_billing.arrows, routed.arrows, "Billing's arrows routed again when it was derived");
    assert_eq!(layout_kept(&billing, &tr, Some(old_billing)).0, routed, "the old arrows are not drawn on the new diagram");
    assert_eq!(kept(shop.application_id), old_shop, "Shop's arrows stay");
}
