-- "Inom intervall": a measure whose direction is intervall is on target between a lower and an
-- upper bound (both in the measure's unit); the light measures how far a value lies outside.
-- Other directions leave both empty.
ALTER TABLE measure ADD COLUMN interval_lower DOUBLE PRECISION;
ALTER TABLE measure ADD COLUMN interval_upper DOUBLE PRECISION;
