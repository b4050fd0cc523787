-- A version's key figures, computed once when it is saved (like its quality review), so the
-- dashboard reads small columns instead of re-reading and re-reviewing every stored document.
-- NULL for versions saved before this column existed: those are computed when read.
ALTER TABLE blueprint_versions ADD COLUMN kpis TEXT CHECK (kpis IS NULL OR json_valid(kpis));
