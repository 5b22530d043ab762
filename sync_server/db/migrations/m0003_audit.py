"""Migration 3: roles and the audit log.

- `audit_log`: who changed what, when; append-only (triggers refuse UPDATE and DELETE, and
  TRUNCATE on PostgreSQL) so that neither the app nor a casual SQL session can rewrite it;
- user: `active` (an account is switched off, never deleted: its audit entries keep a name);
- alert: `resolved_by`, `resolved_at`.
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, Model, PostgresqlDatabase, TextField

from sync_server.db.migrations.frozen import add_column, create

_REFUSE = "the audit log is append-only"


class _Base(Model):
    class Meta:
        legacy_table_names = False


class AuditLog(_Base):
    id = AutoField()
    at = DateTimeField(index=True)
    actor = CharField(max_length=64)
    role = CharField(max_length=16, null=True)
    action = CharField(max_length=32)
    target = CharField(max_length=128, default="")
    detail = TextField(default="")
    ip = CharField(max_length=64, null=True)


def up(db) -> None:
    create(db, (AuditLog,))
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
                       f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$")
        db.execute_sql('DROP TRIGGER IF EXISTS audit_log_no_change ON "audit_log"')
        db.execute_sql('CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "audit_log" '
                       "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        db.execute_sql('DROP TRIGGER IF EXISTS audit_log_no_truncate ON "audit_log"')
        db.execute_sql('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log" '
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS audit_log_no_{event.lower()} BEFORE {event} '
                           f"ON \"audit_log\" BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END")
    add_column(db, "user", "active", BooleanField(), default_sql="TRUE")
    add_column(db, "alert", "resolved_by", CharField(max_length=64, null=True))
    add_column(db, "alert", "resolved_at", DateTimeField(null=True))
