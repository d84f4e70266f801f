-- The workloads table and the dashboard page by key (after the last row
-- shown) instead of counting every row before a deep page; ties in a sort
-- go by name, unique in an engagement. With the name in the filter and sort
-- indexes, "role = db by name" or "by role, then name" is an index walk
-- from the key, with no sort of the matching rows.
DROP INDEX workloads_by_application;
DROP INDEX workloads_by_hostname;
DROP INDEX workloads_by_environment;
DROP INDEX workloads_by_role;
DROP INDEX workloads_by_os;
CREATE INDEX workloads_by_application ON workloads (engagement_id, application_id, name);
CREATE INDEX workloads_by_hostname ON workloads (engagement_id, hostname, name);
CREATE INDEX workloads_by_environment ON workloads (engagement_id, environment, name);
CREATE INDEX workloads_by_role ON workloads (engagement_id, role, name);
CREATE INDEX workloads_by_os ON workloads (engagement_id, os, name);
