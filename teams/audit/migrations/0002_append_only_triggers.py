"""The database itself refuses to change audit entries (the model and its querysets refuse first; this catches
raw SQL and anything that bypasses them). One change is let through: a deleted person's or team's key becoming
NULL (on_delete=SET_NULL). PostgreSQL also refuses DELETE unless the retention job's transaction says
`SET LOCAL audit.prune = 'on'` (AuditQuerySet.prune)."""
from django.db import migrations

UNCHANGED = """NEW.id IS {same} OLD.id AND NEW.at IS {same} OLD.at AND NEW.kind IS {same} OLD.kind
    AND NEW.seq IS {same} OLD.seq AND NEW.address IS {same} OLD.address AND NEW.detail IS {same} OLD.detail
    AND (NEW.actor_id IS {same} OLD.actor_id OR NEW.actor_id IS NULL)
    AND (NEW.subject_id IS {same} OLD.subject_id OR NEW.subject_id IS NULL)
    AND (NEW.team_id IS {same} OLD.team_id OR NEW.team_id IS NULL)"""

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('audit.prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit entries are deleted only by the retention job';
    END IF;
    IF {UNCHANGED.format(same="NOT DISTINCT FROM")} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are never changed';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_append_only();
"""

SQLITE = f"""
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit_auditentry
WHEN NOT ({UNCHANGED.format(same="")})
BEGIN
    SELECT RAISE(ABORT, 'audit entries are never changed');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS audit_append_only;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
