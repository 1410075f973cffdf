-- A satsning's series (every rule, chart and the deviation sweep read measure, month and value
-- for 40 measures × 60 months) from the index alone: without it each value is one more table
-- page, read in the order the values were saved.
CREATE INDEX measure_value_series ON measure_value (measure_id, period, value);
