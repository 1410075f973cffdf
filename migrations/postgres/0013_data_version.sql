-- Dataversion per organisation: bumped by triggers whenever anything the portfolio (/oversikt)
-- shows changes, in the same transaction as the change. Every app instance caches an
-- organisation's computed portfolio under this version and checks it (one row) per request,
-- so a write on any instance is seen by the next request on every instance, whichever code
-- path wrote it.
ALTER TABLE organisation ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;

-- One function for every table; its argument says how the row leads to its organisation.
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
    owner   BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_ARGV[0] = 'own' THEN
        owner := changed.organisation_id;
    ELSIF TG_ARGV[0] = 'initiative' THEN
        SELECT organisation_id INTO owner FROM initiative WHERE id = changed.initiative_id;
    ELSE
        SELECT i.organisation_id INTO owner
        FROM measure m JOIN initiative i ON i.id = m.initiative_id WHERE m.id = changed.measure_id;
    END IF;
    UPDATE organisation SET data_version = data_version + 1 WHERE id = owner;
    RETURN NULL;
END;
$$;

CREATE TRIGGER initiative_data_version AFTER INSERT OR UPDATE OR DELETE ON initiative
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('own');

CREATE TRIGGER party_data_version AFTER INSERT OR UPDATE OR DELETE ON party
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('own');

CREATE TRIGGER user_account_data_version AFTER UPDATE OF name ON user_account
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('own');

CREATE TRIGGER initiative_party_data_version AFTER INSERT OR UPDATE OR DELETE ON initiative_party
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('initiative');

CREATE TRIGGER initiative_lead_data_version AFTER INSERT OR UPDATE OR DELETE ON initiative_lead
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('initiative');

CREATE TRIGGER report_period_data_version AFTER INSERT OR UPDATE OR DELETE ON report_period
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('initiative');

CREATE TRIGGER measure_data_version AFTER INSERT OR UPDATE OR DELETE ON measure
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('initiative');

CREATE TRIGGER measure_milestone_data_version AFTER INSERT OR UPDATE OR DELETE ON measure_milestone
    FOR EACH ROW EXECUTE FUNCTION bump_data_version('measure');
