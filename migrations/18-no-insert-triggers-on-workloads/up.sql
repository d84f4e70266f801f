-- A workload's INSERT fires no trigger. With any trigger on INSERT, SQLite
-- must be able to undo the statement alone (the trigger may fail after the
-- row is in), so it copies every page the insert changes into a statement
-- journal first: the table's page and one page of each of its thirteen
-- indexes, about 65 KB a row, spilled to a temporary file beyond 64 KB.
-- A 100,000-row import wrote 6.7 GB there. The two triggers' work is done
-- by the one statement that inserts workloads (db::workloads::insert_row):
-- it writes the application's name with the row and removes the
-- engagement's page marks (db::workloads::marks::forget).
DROP TRIGGER workloads_application_name_insert;
DROP TRIGGER sort_marks_workload_added;
