-- Dataversion per organisation: bumped by triggers whenever anything the portfolio (/oversikt)
-- shows changes, in the same transaction as the change. Every app instance caches an
-- organisation's computed portfolio under this version and checks it (one row) per request,
-- so a write on any instance is seen by the next request on every instance, whichever code
-- path wrote it.
ALTER TABLE organisation ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER initiative_insert_data_version AFTER INSERT ON initiative BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER initiative_update_data_version AFTER UPDATE ON initiative BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER initiative_delete_data_version AFTER DELETE ON initiative BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = OLD.organisation_id;
END;

CREATE TRIGGER party_insert_data_version AFTER INSERT ON party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER party_update_data_version AFTER UPDATE ON party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER party_delete_data_version AFTER DELETE ON party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = OLD.organisation_id;
END;

CREATE TRIGGER user_account_update_data_version AFTER UPDATE OF name ON user_account BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = NEW.organisation_id;
END;

CREATE TRIGGER initiative_party_insert_data_version AFTER INSERT ON initiative_party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER initiative_party_update_data_version AFTER UPDATE ON initiative_party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER initiative_party_delete_data_version AFTER DELETE ON initiative_party BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = OLD.initiative_id);
END;

CREATE TRIGGER initiative_lead_insert_data_version AFTER INSERT ON initiative_lead BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER initiative_lead_update_data_version AFTER UPDATE ON initiative_lead BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER initiative_lead_delete_data_version AFTER DELETE ON initiative_lead BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = OLD.initiative_id);
END;

CREATE TRIGGER report_period_insert_data_version AFTER INSERT ON report_period BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER report_period_update_data_version AFTER UPDATE ON report_period BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER report_period_delete_data_version AFTER DELETE ON report_period BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = OLD.initiative_id);
END;

CREATE TRIGGER measure_insert_data_version AFTER INSERT ON measure BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER measure_update_data_version AFTER UPDATE ON measure BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = NEW.initiative_id);
END;

CREATE TRIGGER measure_delete_data_version AFTER DELETE ON measure BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT organisation_id FROM initiative WHERE id = OLD.initiative_id);
END;

CREATE TRIGGER measure_milestone_insert_data_version AFTER INSERT ON measure_milestone BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT i.organisation_id FROM measure m JOIN initiative i ON i.id = m.initiative_id WHERE m.id = NEW.measure_id);
END;

CREATE TRIGGER measure_milestone_update_data_version AFTER UPDATE ON measure_milestone BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT i.organisation_id FROM measure m JOIN initiative i ON i.id = m.initiative_id WHERE m.id = NEW.measure_id);
END;

CREATE TRIGGER measure_milestone_delete_data_version AFTER DELETE ON measure_milestone BEGIN
    UPDATE organisation SET data_version = data_version + 1
    WHERE id = (SELECT i.organisation_id FROM measure m JOIN initiative i ON i.id = m.initiative_id WHERE m.id = OLD.measure_id);
END;
