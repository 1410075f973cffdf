-- Translations of what a participant reads: English (_en) and Arabic (_ar) versions of a
-- survey's title and intro and of each question's text, help, end labels and options (one
-- per line, in the Swedish order). Empty = the participant sees the Swedish text. Answers
-- stay option numbers, so they are the same whatever language they were given in.
ALTER TABLE survey ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey ADD COLUMN title_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey ADD COLUMN intro_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey ADD COLUMN intro_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN text_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN text_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN help_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN help_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN low_label_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN low_label_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN high_label_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN high_label_ar TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN options_en TEXT NOT NULL DEFAULT '';
ALTER TABLE survey_question ADD COLUMN options_ar TEXT NOT NULL DEFAULT '';
