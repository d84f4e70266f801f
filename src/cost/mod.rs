//! Right-sizing against the shipped price catalogue and monthly / 3-year
//! cost per pricing model against today's on-premises cost (TCO).

pub mod catalogue;
pub mod sizing;

use serde::Serialize;

pub use catalogue::{Catalogue, PricingModel, catalogue};
pub use sizing::SizingMode;

use crate::architecture::{Component, Estate, Kind, TargetArchitecture, is_db};
use crate::i18n::Tr;
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

/// The monthly cost of one component under every pricing model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub component: String,
    pub kind: Kind,
    pub label: String,
    /// What is charged, e.g. "2 × m6i.xlarge × 730 h + 40 GB gp3".
    pub basis: String,
    /// On-Demand USD/month of the part a commitment discounts, and which.
    pub committable_usd: f64,
    pub discount: Discount,
    /// USD/month no commitment discounts (storage, gateways, transfer).
    pub fixed_usd: f64,
    /// In the estimate's currency, one per pricing model (catalogue order).
    pub monthly: Vec<f64>,
    /// Cost not in the catalogue (SaaS subscription): quote needed.
    pub quote_needed: bool,
}

/// One pricing model's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCost {
    pub code: String,
    pub label_en: String,
    pub label_ko: String,
    pub monthly: f64,
    /// Cloud for 36 months plus what stays on premises for 3 years.
    pub three_year: f64,
    /// Saving against today over 3 years (negative: costs more).
    pub saving_three_year: f64,
    pub saving_pct: f64,
}

impl ModelCost {
    pub fn label(&self, t: &Tr) -> &str {
        match t.lang {
            crate::i18n::Lang::En => &self.label_en,
            crate::i18n::Lang::Ko => &self.label_ko,
        }
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
}

impl CostEstimate {
    pub fn on_demand_monthly(&self) -> f64 {
        self.models.first().map(|m| m.monthly).unwrap_or(0.0)
    }

    /// The cheapest model over three years.
    pub fn best(&self) -> Option<&ModelCost> {
        self.models.iter().min_by(|a, b| a.three_year.total_cmp(&b.three_year))
    }
}

fn line(c: &Component, basis: String, committable: f64, discount: Discount, fixed: f64) -> CostLine {
    CostLine {
        component: c.key.clone(),
        kind: c.kind,
        label: c.label.clone(),
        basis,
        committable_usd: committable,
        discount,
        fixed_usd: fixed,
        monthly: Vec::new(),
        quote_needed: false,
    }
}

/// Prices one component (USD, On-Demand, per month).
fn price(c: &Component, t: &TargetArchitecture, cat: &Catalogue) -> CostLine {
    let (_, p) = cat.region(&t.region);
    let h = cat.meta.hours_per_month;
    let a = &cat.assumptions;
    let gb = c.storage_gb;
    let gb_text = crate::i18n::amount(gb);
    match c.kind {
        Kind::Ec2 | Kind::Bastion => {
            let hourly = cat.ec2(&c.size).and_then(|e| e.hourly.get(&t.region)).copied().unwrap_or(0.0);
            let n = c.count as f64;
            line(
                c,
                format!("{} × {} × {h} h + {} GB gp3", c.count, c.size, gb * n),
                hourly * n * h,
                Discount::Ec2,
                gb * n * p.ebs_gp3_gb_month,
            )
        }
        Kind::Rds => {
            let engine = c.engine.map(|e| e.code()).unwrap_or("mysql");
            let factor = cat.rds.engine_factor.get(engine).copied().unwrap_or(1.0);
            let single = cat.rds_class(&c.size).and_then(|r| r.hourly.get(&t.region)).copied().unwrap_or(0.0) * factor;
            // Multi-AZ costs multi_az_factor x Single-AZ: the primary carries
            // one Single-AZ price, the standby the rest.
            let share = if c.standby { (cat.rds.multi_az_factor - 1.0).max(0.0) } else { 1.0 };
            line(
                c,
                format!("{} ({engine}) × {h} h + {gb_text} GB", c.size),
                single * share * h,
                Discount::Rds,
                gb * share * p.rds_storage_gb_month,
            )
        }
        Kind::Alb => line(
            c,
            format!("{h} h + {} LCU × {h} h", a.alb_lcu_per_hour),
            0.0,
            Discount::None,
            p.alb_hour * h + a.alb_lcu_per_hour * p.alb_lcu_hour * h,
        ),
        Kind::NatGateway => {
            let nats = t.components_of(Kind::NatGateway).count().max(1) as f64;
            let processed = a.nat_processed_gb_month / nats;
            line(c, format!("{h} h + {processed} GB"), 0.0, Discount::None, p.nat_gateway_hour * h + processed * p.nat_gateway_gb)
        }
        Kind::InternetGateway => line(
            c,
            format!("{} GB data transfer out", a.data_out_gb_month),
            0.0,
            Discount::None,
            a.data_out_gb_month * p.data_transfer_out_gb,
        ),
        Kind::S3 => line(c, format!("{gb_text} GB S3 Standard"), 0.0, Discount::None, gb * p.s3_standard_gb_month),
        Kind::CloudFront => {
            line(c, format!("{} GB to users", a.cloudfront_gb_month), 0.0, Discount::None, a.cloudfront_gb_month * p.cloudfront_gb)
        }
        Kind::EcsFargate => {
            let per_task = c.task_vcpu * p.fargate_vcpu_hour + c.task_memory_gib * p.fargate_gb_hour;
            line(
                c,
                format!("{} × {} vCPU / {} GB × {h} h", c.count, c.task_vcpu, c.task_memory_gib),
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
                format!("{m} M requests × {} ms × {} GB", a.lambda_avg_duration_ms, a.lambda_memory_gb),
                m * p.lambda_request_million + gb_seconds * p.lambda_gb_second,
                Discount::Lambda,
                0.0,
            )
        }
        Kind::ApiGateway => {
            let m = a.serverless_requests_million_month;
            line(c, format!("{m} M requests"), 0.0, Discount::None, m * p.api_gateway_http_million)
        }
        Kind::DynamoDb => {
            // On-demand capacity; assume one write per five requests.
            let m = a.serverless_requests_million_month;
            line(
                c,
                format!("{m} M requests (20% writes) + {gb_text} GB"),
                0.0,
                Discount::None,
                m * (0.2 * p.dynamodb_write_million + 0.8 * p.dynamodb_read_million) + gb * p.dynamodb_storage_gb_month,
            )
        }
        Kind::Sqs => {
            let m = a.serverless_requests_million_month;
            line(c, format!("{m} M requests"), 0.0, Discount::None, m * p.sqs_request_million)
        }
        Kind::HybridLink => line(c, format!("1 VPN connection × {h} h"), 0.0, Discount::None, p.vpn_connection_hour * h),
        Kind::Archive => {
            line(c, format!("{gb_text} GB Glacier Deep Archive"), 0.0, Discount::None, gb * p.s3_glacier_deep_archive_gb_month)
        }
        Kind::Saas => {
            let mut l = line(c, "subscription: quote needed".into(), 0.0, Discount::None, 0.0);
            l.quote_needed = true;
            l
        }
        // Free, usage-based and small, one-off, or not in the cloud.
        Kind::Nacl
        | Kind::IamRole
        | Kind::CloudWatch
        | Kind::CloudTrail
        | Kind::Sns
        | Kind::DataMigration
        | Kind::OnPremServer
        | Kind::Decommission => line(c, String::new(), 0.0, Discount::None, 0.0),
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

/// The cost of `t` under every pricing model against today's cost.
pub fn estimate(t: &TargetArchitecture, estate: &Estate, cat: &Catalogue) -> CostEstimate {
    let currency = if cat.knows_currency(&estate.currency) { estate.currency.to_ascii_uppercase() } else { "USD".into() };
    let rate = cat.rate(&currency);
    let mut lines: Vec<CostLine> = t.components.iter().map(|c| price(c, t, cat)).collect();
    for l in &mut lines {
        l.monthly =
            cat.pricing_models.iter().map(|m| (l.committable_usd * (1.0 - l.discount.pct(m) / 100.0) + l.fixed_usd) * rate).collect();
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
    let models = cat
        .pricing_models
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
        .collect();
    CostEstimate {
        currency,
        rate,
        region: t.region.clone(),
        lines,
        models,
        on_prem_annual: on_prem,
        on_prem_three_year: on_prem * 3.0,
        on_prem_defaulted: defaulted,
        retained_annual: retained,
        notice: cat.meta.notice.clone(),
    }
}

/// Money as people read it: thousands separated; KRW in whole won, others
/// with cents.
pub fn money(v: f64, currency: &str) -> String {
    let decimals: usize = if currency.eq_ignore_ascii_case("KRW") { 0 } else { 2 };
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map(|(i, f)| (i.to_string(), Some(f.to_string()))).unwrap_or((s.clone(), None));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) { "-" } else { "" };
    let symbol = match currency.to_ascii_uppercase().as_str() {
        "USD" => "$",
        "KRW" => "₩",
        _ => "",
    };
    match frac {
        Some(f) => format!("{sign}{symbol}{grouped}.{f}"),
        None => format!("{sign}{symbol}{grouped}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_per_currency() {
        assert_eq!(money(1234567.891, "USD"), "$1,234,567.89");
        assert_eq!(money(1234567.5, "KRW"), "₩1,234,568");
        assert_eq!(money(-950.0, "USD"), "-$950.00");
        assert_eq!(money(0.0, "KRW"), "₩0");
    }
}
