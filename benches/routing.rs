//! How long routing every application's diagram arrows takes, in both
//! languages, as a derivation does (`db::architecture::store_diagrams`),
//! with a hash of every arrow: a faster router must print the same hash.
//!
//! Run: `SIXR_BENCH_DB=path/to/derived.db cargo bench --bench routing`
//! (release; a database after `sixr import` and a server's derivation, or
//! `sixr export`). `SIXR_BENCH_ENGAGEMENT` picks the engagement (1).

use std::io::Write;
use std::time::{Duration, Instant};

use sixr::architecture::layout_kept;
use sixr::db::Db;
use sixr::i18n::{Lang, Tr};

/// FNV-1a, as the diagrams' fingerprint: the same in every build.
struct Fnv(u64);

impl Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = buf.iter().fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let Ok(path) = std::env::var("SIXR_BENCH_DB") else {
        eprintln!("routing: set SIXR_BENCH_DB to a database with an imported, derived engagement");
        std::process::exit(2);
    };
    let engagement: i64 = std::env::var("SIXR_BENCH_ENGAGEMENT").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let db = Db::open(&path).expect("database");
    let trs = [Tr::new(Lang::En), Tr::new(Lang::Ko)];
    let (mut routing, mut apps, mut arrows) = (Duration::ZERO, 0usize, 0usize);
    let mut hash = Fnv(0xcbf2_9ce4_8422_2325);
    db.with_conn(|c| {
        sixr::db::architecture::each_application(c, engagement, sixr::cost::catalogue(), None, |a| {
            apps += 1;
            for tr in &trs {
                let start = Instant::now();
                let (diagram, _) = layout_kept(&a.target, tr, None);
                routing += start.elapsed();
                arrows += diagram.arrows.len();
                serde_json::to_writer(&mut hash, &diagram.arrows).expect("arrows serialise");
            }
            Ok(())
        })
        .map(|_| ())
    })
    .expect("applications");
    println!(
        "{apps} applications, {arrows} arrows in two languages: laid out and routed in {:.2} s ({:.2} ms an application); arrows' hash {:016x}",
        routing.as_secs_f64(),
        routing.as_secs_f64() * 1000.0 / apps.max(1) as f64,
        hash.0
    );
}
