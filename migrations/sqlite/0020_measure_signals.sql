-- Statistiska signaler per mått (the deviation rules' thresholds per measure): a measure can
-- have its statistical signals turned off (a cumulative count, say, where a trend is the
-- point), and its own run length for skift and trend; NULL keeps the configured default
-- (UTFALL_DEVIATION_SHIFT_LENGTH / _TREND_LENGTH).
ALTER TABLE measure ADD COLUMN signals_off INTEGER NOT NULL DEFAULT 0 CHECK (signals_off IN (0, 1));
ALTER TABLE measure ADD COLUMN signal_run_length INTEGER CHECK (signal_run_length BETWEEN 5 AND 15);
