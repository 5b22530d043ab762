"""Migration 21: a mark that changes with every change to the roster tables (issue 16).

The QR page reads the same roster rows on every request (the code's officer or counter, the
active procedures, the known codes, the reception points). A process may keep what it read as
long as the roster has not changed since; to know that without reading the tables, triggers on
every table those reads come from set the setting `roster_changes` to a new random value in the
same transaction as the change, whoever makes it (a page, the CLI's import, another process, a
restore). Random rather than counted: a database made again from nothing (a restore, a test)
never shows a value a process saw before. The `kiosk` table counts only when a kiosk is added,
removed or renamed (a pull updates its row every few minutes); on both databases a trigger fires
for rows actually changed, so a statement that changes nothing moves nothing. Frozen: no application code.
"""

from __future__ import annotations

from peewee import PostgresqlDatabase

KEY = "roster_changes"
TABLES = ("officer", "procedure", "questionnaire", "field", "unit", "counter", "kiosk_setting",
          "fleet_kiosk", "reception_point", "kiosk_point")


def up(db) -> None:
    if isinstance(db, PostgresqlDatabase):
        new = "md5(random()::text || clock_timestamp()::text)"
        db.execute_sql(f"INSERT INTO \"setting\" (\"key\", \"value\") VALUES ('{KEY}', {new}) "
                       'ON CONFLICT ("key") DO NOTHING')
        db.execute_sql("CREATE OR REPLACE FUNCTION roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN UPDATE \"setting\" SET \"value\" = {new} WHERE \"key\" = '{KEY}'; "
                       "RETURN NULL; END $$")
        # Row by row: a statement that changes nothing (a pull's insert-or-ignore of its kiosk)
        # moves nothing. TRUNCATE has only a statement trigger.
        events = dict.fromkeys(TABLES, "INSERT OR UPDATE OR DELETE")
        events["kiosk"] = 'INSERT OR DELETE OR UPDATE OF "id"'
        for table, on in events.items():
            for name, what, each in (("roster_changed", on, "ROW"),
                                     ("roster_truncated", "TRUNCATE", "STATEMENT")):
                db.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
                db.execute_sql(f'CREATE TRIGGER {name} AFTER {what} ON "{table}" '
                               f"FOR EACH {each} EXECUTE FUNCTION roster_changed()")
        return
    new = "lower(hex(randomblob(16)))"
    db.execute_sql(f"INSERT OR IGNORE INTO \"setting\" (\"key\", \"value\") VALUES ('{KEY}', {new})")
    body = f"BEGIN UPDATE \"setting\" SET \"value\" = {new} WHERE \"key\" = '{KEY}'; END"
    events = {(table, event): event for table in TABLES for event in ("INSERT", "UPDATE", "DELETE")}
    events.update({("kiosk", "INSERT"): "INSERT", ("kiosk", "DELETE"): "DELETE",
                   ("kiosk", "UPDATE"): 'UPDATE OF "id"'})
    for (table, event), on in events.items():
        db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS "roster_changed_{table}_{event.lower()}" '
                       f'AFTER {on} ON "{table}" {body}')
