-- The latest reported value of each measure, kept on the measure by every save, so the
-- portfolio judges 4 000 measures without looking through their values.
ALTER TABLE measure ADD COLUMN latest_period INTEGER;
ALTER TABLE measure ADD COLUMN latest_value REAL;
UPDATE measure SET
    latest_period = (SELECT MAX(v.period) FROM measure_value v
                     WHERE v.measure_id = measure.id AND v.value IS NOT NULL);
UPDATE measure SET
    latest_value = (SELECT v.value FROM measure_value v
                    WHERE v.measure_id = measure.id AND v.period = measure.latest_period);
