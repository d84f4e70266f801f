-- Average and 95th-percentile utilisation beside the peak, where the
-- inventory has them (MPA average columns, RVTools vCPU / vMemory sheets,
-- the template's optional columns): the engagement chooses which one sizing
-- reads (peak, 95th percentile or average).
ALTER TABLE workloads ADD COLUMN cpu_util_p95_pct REAL;
ALTER TABLE workloads ADD COLUMN ram_util_p95_pct REAL;
ALTER TABLE workloads ADD COLUMN cpu_util_avg_pct REAL;
ALTER TABLE workloads ADD COLUMN ram_util_avg_pct REAL;
