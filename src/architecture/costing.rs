//! What a target costs: every component priced from the catalogue per
//! pricing model (On-Demand, Savings Plans, Reserved), the landing zone's
//! shared lines and each application's share of them, against today's
//! on-premises cost over three years (TCO), and the TCO chart.

use serde::Serialize;

use super::landing_zone::{Allocation, LandingZone, SharedLine};
use super::{Component, Estate, Kind, TargetArchitecture, is_db};
use crate::cost::catalogue::{Assumptions, Catalogue, PricingModel, RegionPrices};
use crate::cost::{ModelCost, money};
use crate::i18n::{Tr, amount};
use crate::strategy::Strategy;

/// Which discount of a pricing model applies to a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    Ec2,
    Rds,
    Fargate,
    Lambda,
    /// Storage, load balancers, gateways, transfer: no commitment discount.
    None,
}

impl Discount {
    fn pct(self, m: &PricingModel) -> f64 {
        match self {
            Discount::Ec2 => m.ec2_discount_pct,
            Discount::Rds => m.rds_discount_pct,
            Discount::Fargate => m.fargate_discount_pct,
            Discount::Lambda => m.lambda_discount_pct,
            Discount::None => 0.0,
        }
    }
}

/// What a cost line charges for, as a message (`cost.basis.<key>` with its
/// placeholders filled in), so pages and reports say it in their language.
/// Serialised in English for the JSON export.
#[derive(Debug, Clone, PartialEq)]
pub struct CostBasis {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl CostBasis {
    fn new(key: &'static str, args: &[(&'static str, String)]) -> CostBasis {
        CostBasis { key, args: args.to_vec() }
    }

    fn none() -> CostBasis {
        CostBasis { key: "", args: Vec::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    pub fn text(&self, t: &Tr) -> String {
        if self.key.is_empty() {
            return String::new();
        }
        let args: Vec<(&str, &dyn std::fmt::Display)> = self.args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
        t.fmt(&format!("cost.basis.{}", self.key), &args)
    }
}

impl Serialize for CostBasis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text(&Tr::new(crate::i18n::Lang::En)))
    }
}

/// The monthly cost of one component under every pricing model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub component: String,
    pub kind: Kind,
    pub label: String,
    /// The component's generic label (`architecture.label.<code>`), or "".
    #[serde(skip)]
    pub label_code: &'static str,
    /// What is charged, e.g. "2 × m6i.xlarge × 730 h + 40 GB gp3".
    pub basis: CostBasis,
    /// On-Demand USD/month of the part a commitment discounts, and which.
    pub committable_usd: f64,
    pub discount: Discount,
    /// USD/month no commitment discounts (storage, gateways, transfer).
    pub fixed_usd: f64,
    /// In the estimate's currency, one per pricing model (catalogue order).
    pub monthly: Vec<f64>,
    /// Cost not in the catalogue (SaaS subscription): quote needed.
    pub quote_needed: bool,
    /// The application's share of a landing-zone line.
    pub shared: bool,
}

impl CostLine {
    /// "NAT gateway — NAT gateway (shared)" as the tables show it.
    pub fn title(&self, c: Option<&Component>, t: &Tr) -> String {
        let label = match (c, self.label_code) {
            (Some(c), _) => c.display_label(t),
            (None, "") => self.label.clone(),
            (None, code) => t.t(&format!("architecture.label.{code}")).to_string(),
        };
        let service = self.kind.service_name(t);
        if self.shared { format!("{service} — {label} ({})", t.t("landing_zone.shared")) } else { format!("{service} — {label}") }
    }
}

/// Cost of one application's target against today, in `currency`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostEstimate {
    pub currency: String,
    /// Units of `currency` per USD used.
    pub rate: f64,
    pub region: String,
    pub lines: Vec<CostLine>,
    pub models: Vec<ModelCost>,
    /// Today's yearly cost of all the application's servers.
    pub on_prem_annual: f64,
    pub on_prem_three_year: f64,
    /// Servers priced with the catalogue's per-server default (no annual_cost).
    pub on_prem_defaulted: Vec<String>,
    /// Yearly on-premises cost that stays (retained and undecided servers).
    pub retained_annual: f64,
    pub notice: String,
    /// The date of the prices (the catalogue's, or its offer files').
    pub prices_date: String,
}

impl CostEstimate {
    pub fn on_demand_monthly(&self) -> f64 {
        self.models.first().map(|m| m.monthly).unwrap_or(0.0)
    }

    /// The cheapest model over three years.
    pub fn best(&self) -> Option<&ModelCost> {
        self.models.iter().min_by(|a, b| a.three_year.total_cmp(&b.three_year))
    }

    /// Monthly per model of the application's own lines (no shared part).
    pub fn own_monthly(&self) -> Vec<f64> {
        (0..self.models.len()).map(|i| self.lines.iter().filter(|l| !l.shared).map(|l| l.monthly[i]).sum()).collect()
    }

    /// Adds the application's share of the landing zone, a line per shared
    /// line it pays part of, and updates the totals.
    pub fn add_share(&mut self, lz: &LandingZone, application_id: i64, cat: &Catalogue) {
        let key = match lz.settings.allocation {
            Allocation::Workloads => "share_workloads",
            Allocation::Cores => "share_cores",
            Allocation::Equal => "share_equal",
        };
        for (l, fraction) in lz.lines_of(application_id) {
            let basis = CostBasis::new(
                key,
                &[
                    ("pct", format!("{}%", amount(fraction * 100.0))),
                    ("total", money(l.line.monthly.first().copied().unwrap_or(0.0), &self.currency)),
                ],
            );
            self.lines.push(CostLine {
                component: l.line.component.clone(),
                kind: l.line.kind,
                label: l.line.label.clone(),
                label_code: l.line.label_code,
                basis,
                committable_usd: l.line.committable_usd * fraction,
                discount: l.line.discount,
                fixed_usd: l.line.fixed_usd * fraction,
                monthly: l.line.monthly.iter().map(|v| v * fraction).collect(),
                quote_needed: false,
                shared: true,
            });
        }
        self.models = totals(&self.lines, self.on_prem_annual, self.retained_annual, cat);
    }
}

fn line(c: &Component, basis: CostBasis, committable: f64, discount: Discount, fixed: f64) -> CostLine {
    CostLine {
        component: c.key.clone(),
        kind: c.kind,
        label: c.label.clone(),
        label_code: c.label_code,
        basis,
        committable_usd: committable,
        discount,
        fixed_usd: fixed,
        monthly: Vec::new(),
        quote_needed: false,
        shared: false,
    }
}

fn n(v: f64) -> String {
    amount(v)
}

/// What pricing a component reads: the region's prices, the assumptions
/// and the hours in a month.
struct Rates<'a> {
    cat: &'a Catalogue,
    region: &'a str,
    p: &'a RegionPrices,
    a: &'a Assumptions,
    h: f64,
    /// The data a NAT gateway processes a month.
    nat_gb: f64,
}

impl Rates<'_> {
    fn hours(&self) -> String {
        n(self.h)
    }

    fn requests(&self) -> String {
        n(self.a.serverless_requests_million_month)
    }
}

/// Prices one component (USD, On-Demand, per month). `nat_gb`: the data a
/// NAT gateway processes a month.
fn price(c: &Component, region: &str, nat_gb: f64, cat: &Catalogue) -> CostLine {
    let (_, p) = cat.region(region);
    let r = Rates { cat, region, p, a: &cat.assumptions, h: cat.meta.hours_per_month, nat_gb };
    match c.kind {
        Kind::Ec2 | Kind::Bastion | Kind::Rds | Kind::EcsFargate | Kind::Lambda => compute_price(c, &r),
        Kind::Alb
        | Kind::NatGateway
        | Kind::InternetGateway
        | Kind::CloudFront
        | Kind::HybridLink
        | Kind::DirectConnect
        | Kind::SessionManager
        | Kind::TransitGateway => network_price(c, &r),
        Kind::S3 | Kind::Archive | Kind::ApiGateway | Kind::DynamoDb | Kind::Sqs => service_price(c, &r),
        Kind::Saas => {
            let mut l = line(c, CostBasis::new("quote", &[]), 0.0, Discount::None, 0.0);
            l.quote_needed = true;
            l
        }
        Kind::CloudWatch | Kind::Sns => line(c, CostBasis::new("usage", &[]), 0.0, Discount::None, 0.0),
        // Free, one-off, or not in the cloud.
        Kind::Nacl | Kind::IamRole | Kind::CloudTrail | Kind::DataMigration | Kind::OnPremServer | Kind::Decommission => {
            line(c, CostBasis::none(), 0.0, Discount::None, 0.0)
        }
    }
}

/// Instances, databases, containers and functions: the part reservations
/// and savings plans discount.
fn compute_price(c: &Component, r: &Rates) -> CostLine {
    let (cat, region, p, a, h) = (r.cat, r.region, r.p, r.a, r.h);
    let gb = c.storage_gb;
    match c.kind {
        Kind::Ec2 | Kind::Bastion => {
            let hourly = cat.ec2(&c.size).and_then(|e| e.hourly.get(region)).copied().unwrap_or(0.0);
            let count = c.count as f64;
            line(
                c,
                CostBasis::new(
                    "ec2",
                    &[("count", c.count.to_string()), ("size", c.size.clone()), ("hours", r.hours()), ("gb", n(gb * count))],
                ),
                hourly * count * h,
                Discount::Ec2,
                gb * count * p.ebs_gp3_gb_month,
            )
        }
        Kind::Rds => {
            let engine = c.engine.map(|e| e.code()).unwrap_or("mysql");
            let factor = cat.rds.engine_factor.get(engine).copied().unwrap_or(1.0);
            let single = cat.rds_class(&c.size).and_then(|r| r.hourly.get(region)).copied().unwrap_or(0.0) * factor;
            // Multi-AZ costs multi_az_factor x Single-AZ: the primary carries
            // one Single-AZ price, the standby the rest.
            let share = if c.standby { (cat.rds.multi_az_factor - 1.0).max(0.0) } else { 1.0 };
            line(
                c,
                CostBasis::new("rds", &[("size", c.size.clone()), ("engine", engine.to_string()), ("hours", r.hours()), ("gb", n(gb))]),
                single * share * h,
                Discount::Rds,
                gb * share * p.rds_storage_gb_month,
            )
        }
        Kind::EcsFargate => {
            let per_task = c.task_vcpu * p.fargate_vcpu_hour + c.task_memory_gib * p.fargate_gb_hour;
            line(
                c,
                CostBasis::new(
                    "fargate",
                    &[("count", c.count.to_string()), ("vcpu", n(c.task_vcpu)), ("gb", n(c.task_memory_gib)), ("hours", r.hours())],
                ),
                per_task * c.count as f64 * h,
                Discount::Fargate,
                0.0,
            )
        }
        Kind::Lambda => {
            let m = a.serverless_requests_million_month;
            let gb_seconds = m * 1e6 * a.lambda_avg_duration_ms / 1000.0 * a.lambda_memory_gb;
            line(
                c,
                CostBasis::new("lambda", &[("m", r.requests()), ("ms", n(a.lambda_avg_duration_ms)), ("gb", n(a.lambda_memory_gb))]),
                m * p.lambda_request_million + gb_seconds * p.lambda_gb_second,
                Discount::Lambda,
                0.0,
            )
        }
        _ => unreachable!("price sends only compute here"),
    }
}

/// Load balancers, gateways, the link, endpoints and delivery: fixed
/// monthly figures.
fn network_price(c: &Component, r: &Rates) -> CostLine {
    let (p, a, h, nat_gb) = (r.p, r.a, r.h, r.nat_gb);
    let gb = c.storage_gb;
    match c.kind {
        Kind::Alb => line(
            c,
            CostBasis::new("alb", &[("hours", r.hours()), ("lcu", n(a.alb_lcu_per_hour))]),
            0.0,
            Discount::None,
            p.alb_hour * h + a.alb_lcu_per_hour * p.alb_lcu_hour * h,
        ),
        Kind::NatGateway => line(
            c,
            CostBasis::new("nat", &[("hours", r.hours()), ("gb", n(nat_gb))]),
            0.0,
            Discount::None,
            p.nat_gateway_hour * h + nat_gb * p.nat_gateway_gb,
        ),
        Kind::InternetGateway => line(
            c,
            CostBasis::new("data_out", &[("gb", n(a.data_out_gb_month))]),
            0.0,
            Discount::None,
            a.data_out_gb_month * p.data_transfer_out_gb,
        ),
        Kind::CloudFront => line(
            c,
            CostBasis::new("cloudfront", &[("gb", n(a.cloudfront_gb_month))]),
            0.0,
            Discount::None,
            a.cloudfront_gb_month * p.cloudfront_gb,
        ),
        Kind::HybridLink => line(
            c,
            CostBasis::new("vpn", &[("count", c.count.to_string()), ("hours", r.hours())]),
            0.0,
            Discount::None,
            c.count as f64 * p.vpn_connection_hour * h,
        ),
        Kind::DirectConnect => {
            let gb = a.direct_connect_gb_month * c.count as f64;
            line(
                c,
                CostBasis::new("direct_connect", &[("hours", r.hours()), ("gb", n(gb))]),
                0.0,
                Discount::None,
                p.direct_connect_port_hour * h + gb * p.direct_connect_gb,
            )
        }
        Kind::SessionManager => {
            // ssm, ssmmessages and ec2messages endpoints in both AZs.
            line(
                c,
                CostBasis::new("session_manager", &[("n", "3".into()), ("hours", r.hours())]),
                0.0,
                Discount::None,
                3.0 * 2.0 * p.vpc_endpoint_hour * h,
            )
        }
        Kind::TransitGateway => line(
            c,
            CostBasis::new("transit_gateway", &[("count", c.count.to_string()), ("hours", r.hours()), ("gb", n(gb))]),
            0.0,
            Discount::None,
            c.count as f64 * p.transit_gateway_attachment_hour * h + gb * p.transit_gateway_gb,
        ),
        _ => unreachable!("price sends only network parts here"),
    }
}

/// Storage, queues, tables and the HTTP API: per GB or per request.
fn service_price(c: &Component, r: &Rates) -> CostLine {
    let (p, a) = (r.p, r.a);
    let gb = c.storage_gb;
    match c.kind {
        Kind::S3 => line(c, CostBasis::new("s3", &[("gb", n(gb))]), 0.0, Discount::None, gb * p.s3_standard_gb_month),
        Kind::Archive => line(c, CostBasis::new("archive", &[("gb", n(gb))]), 0.0, Discount::None, gb * p.s3_glacier_deep_archive_gb_month),
        Kind::ApiGateway => line(
            c,
            CostBasis::new("requests", &[("m", r.requests())]),
            0.0,
            Discount::None,
            a.serverless_requests_million_month * p.api_gateway_http_million,
        ),
        Kind::DynamoDb => {
            // On-demand capacity; assume one write per five requests.
            let m = a.serverless_requests_million_month;
            line(
                c,
                CostBasis::new("dynamodb", &[("m", r.requests()), ("gb", n(gb))]),
                0.0,
                Discount::None,
                m * (0.2 * p.dynamodb_write_million + 0.8 * p.dynamodb_read_million) + gb * p.dynamodb_storage_gb_month,
            )
        }
        Kind::Sqs => line(
            c,
            CostBasis::new("requests", &[("m", r.requests())]),
            0.0,
            Discount::None,
            a.serverless_requests_million_month * p.sqs_request_million,
        ),
        _ => unreachable!("price sends only services here"),
    }
}

/// Today's yearly cost of a server, in `currency`: its `annual_cost` (taken
/// to be in the engagement's currency) or the catalogue's default (USD).
fn on_prem_annual(w: &crate::inventory::Workload, cat: &Catalogue, rate: f64) -> (f64, bool) {
    match w.annual_cost {
        Some(c) => (c, false),
        None => {
            let usd = if is_db(w) { cat.on_prem.db_server_annual_usd } else { cat.on_prem.server_annual_usd };
            (usd * rate, true)
        }
    }
}

/// The currency an estimate is in and its rate per USD.
fn currency(estate_currency: &str, cat: &Catalogue) -> (String, f64) {
    let currency = if cat.knows_currency(estate_currency) { estate_currency.to_ascii_uppercase() } else { "USD".into() };
    let rate = cat.rate(&currency);
    (currency, rate)
}

/// Each pricing model's monthly figure for the line, in the currency.
fn per_model(l: &mut CostLine, cat: &Catalogue, rate: f64) {
    l.monthly = cat.pricing_models.iter().map(|m| (l.committable_usd * (1.0 - l.discount.pct(m) / 100.0) + l.fixed_usd) * rate).collect();
}

fn totals(lines: &[CostLine], on_prem: f64, retained: f64, cat: &Catalogue) -> Vec<ModelCost> {
    cat.pricing_models
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let monthly: f64 = lines.iter().map(|l| l.monthly[i]).sum();
            let three_year = monthly * 36.0 + retained * 3.0;
            let saving = on_prem * 3.0 - three_year;
            ModelCost {
                code: m.code.clone(),
                label_en: m.label_en.clone(),
                label_ko: m.label_ko.clone(),
                monthly,
                three_year,
                saving_three_year: saving,
                saving_pct: if on_prem > 0.0 { saving / (on_prem * 3.0) * 100.0 } else { 0.0 },
            }
        })
        .collect()
}

/// The cost of `t`'s own components under every pricing model against
/// today's cost. Components the landing zone provides are left out (their
/// share comes from `CostEstimate::add_share`), except the internet
/// gateway's line: the application's own traffic to the internet.
pub fn estimate(t: &TargetArchitecture, estate: &Estate, cat: &Catalogue) -> CostEstimate {
    let (currency, rate) = currency(&estate.currency, cat);
    let nats = t.components_of(Kind::NatGateway).count().max(1) as f64;
    let nat_gb = cat.assumptions.nat_processed_gb_month / nats;
    let mut lines: Vec<CostLine> =
        t.components.iter().filter(|c| !c.shared || c.kind == Kind::InternetGateway).map(|c| price(c, &t.region, nat_gb, cat)).collect();
    for l in &mut lines {
        per_model(l, cat, rate);
    }
    let mut on_prem = 0.0;
    let mut retained = 0.0;
    let mut defaulted = Vec::new();
    for ws in &t.workloads {
        let Some(w) = estate.workloads.iter().find(|w| w.name == ws.name) else { continue };
        let (annual, was_default) = on_prem_annual(w, cat, rate);
        on_prem += annual;
        if was_default {
            defaulted.push(w.name.clone());
        }
        if matches!(ws.strategy, None | Some(Strategy::Retain)) {
            retained += annual;
        }
    }
    CostEstimate {
        currency,
        rate,
        region: t.region.clone(),
        models: totals(&lines, on_prem, retained, cat),
        lines,
        on_prem_annual: on_prem,
        on_prem_three_year: on_prem * 3.0,
        on_prem_defaulted: defaulted,
        retained_annual: retained,
        notice: cat.meta.notice.clone(),
        prices_date: cat.date().to_string(),
    }
}

/// The landing zone's cost lines, each with whom it is shared among. NAT
/// gateways process the NAT traffic of the applications in their VPC;
/// Transit Gateway and Direct Connect traffic grows with the applications.
pub fn landing_zone_lines(lz: &LandingZone, cat: &Catalogue) -> Vec<SharedLine> {
    let (_, rate) = currency(&lz.currency, cat);
    let a = &cat.assumptions;
    let moving = lz.totals.applications as f64;
    let mut out = Vec::new();
    for net in &lz.networks {
        let private_apps = net.env.and_then(|e| lz.totals.env(e)).map_or(0, |t| t.private) as f64;
        let nats = net.components.iter().filter(|c| c.kind == Kind::NatGateway).count().max(1) as f64;
        for c in net.components.iter().filter(|c| !matches!(c.kind, Kind::InternetGateway | Kind::Nacl)) {
            let mut l = price(c, &lz.region, a.nat_processed_gb_month * private_apps / nats, cat);
            l.shared = true;
            per_model(&mut l, cat, rate);
            // The hub's bastion serves every environment.
            out.push(SharedLine { scope: net.env, line: l });
        }
    }
    for c in &lz.global {
        let mut c = c.clone();
        match c.kind {
            Kind::TransitGateway => c.storage_gb = a.transit_gateway_gb_month * moving,
            Kind::DirectConnect => c.count = moving as u32,
            _ => {}
        }
        let mut l = price(&c, &lz.region, 0.0, cat);
        l.shared = true;
        per_model(&mut l, cat, rate);
        out.push(SharedLine { scope: None, line: l });
    }
    out
}

/// The TCO chart: today's 3-year cost against each pricing model's, as SVG
/// bars (labels in the translator's language).
pub fn tco_svg(e: &CostEstimate, t: &Tr) -> String {
    use std::fmt::Write;
    let mut bars: Vec<(String, f64, bool)> = vec![(t.t("architecture.today").to_string(), e.on_prem_three_year, true)];
    bars.extend(e.models.iter().map(|m| (m.label(t).to_string(), m.three_year, false)));
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
    let (w, row, label_w, pad) = (720.0, 30.0, 300.0, 10.0);
    let h = pad * 2.0 + row * bars.len() as f64;
    let bar_w = w - label_w - 140.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" font-family="NanumGothic, 'Noto Sans KR', Arial, sans-serif" font-size="12"><title>{title}</title>"#,
        title = crate::error::html_escape(t.t("architecture.tco"))
    );
    for (i, (label, v, today)) in bars.iter().enumerate() {
        let y = pad + i as f64 * row;
        let len = (v / max * bar_w).max(1.0);
        let colour = if *today { "#8a8f98" } else { "#2f9e6f" };
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#1b2430">{}</text><rect x="{label_w}" y="{:.1}" width="{len:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" fill="#1b2430">{}</text>"##,
            label_w - 8.0,
            y + row / 2.0 + 4.0,
            crate::error::html_escape(label),
            y + 4.0,
            row - 8.0,
            label_w + len + 6.0,
            y + row / 2.0 + 4.0,
            crate::error::html_escape(&money(*v, &e.currency))
        );
    }
    s.push_str("</svg>");
    s
}
