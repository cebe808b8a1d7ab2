/* store_schema.c: the database's schema, and the migrations that bring
 * an older one to it. */
#include "store.h"

#include <stdlib.h>

#include <sqlite3.h>

#include "store_db.h"

/*
 * Migrations, applied in order; migration i brings the schema from
 * version i to i + 1.  Never edit a released entry: add a new one.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the partner book */
	"CREATE TABLE partners ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  owner_email TEXT NOT NULL,"
	"  owner_name TEXT,"
	"  sponsor_email TEXT,"
	"  cadence TEXT NOT NULL,"
	"  start_date TEXT NOT NULL,"
	"  timezone TEXT,"
	"  tier TEXT,"
	"  notes TEXT,"
	"  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER NOT NULL"
	"    REFERENCES partners(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  role TEXT,"
	"  invite INTEGER NOT NULL DEFAULT 0 CHECK (invite IN (0, 1)),"
	"  UNIQUE (partner_id, email));"
	"CREATE TABLE checkins ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER NOT NULL"
	"    REFERENCES partners(id) ON DELETE CASCADE,"
	"  date TEXT NOT NULL,"
	"  note TEXT,"
	"  by_email TEXT,"
	"  created_at TEXT NOT NULL);"
	"CREATE INDEX checkins_by_partner ON checkins (partner_id, date);",

	/* 1 -> 2: scheduling and delivery */
	"ALTER TABLE partners ADD COLUMN next_due TEXT;"
	"CREATE INDEX partners_by_next_due ON partners (next_due)"
	"  WHERE archived = 0;"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'invitation',"
	"    'overdue', 'escalation', 'cancel', 'update', 'digest')),"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"    'sending', 'sent', 'deferred', 'failed', 'skipped')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  uid TEXT,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  last_error TEXT,"
	"  reply TEXT,"
	"  created_at TEXT NOT NULL,"
	"  sent_at TEXT,"
	"  UNIQUE (partner_key, kind, occurrence, recipient));"
	"CREATE INDEX outbox_by_state ON outbox (state, next_attempt);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  pid INTEGER,"
	"  planned INTEGER NOT NULL DEFAULT 0,"
	"  sent INTEGER NOT NULL DEFAULT 0,"
	"  deferred INTEGER NOT NULL DEFAULT 0,"
	"  failed INTEGER NOT NULL DEFAULT 0,"
	"  exit_code INTEGER);",

	/* 2 -> 3: invite updates and cancels.  The outbox's unique key takes
	 * the SEQUENCE (one update or cancel per step of an invite), and
	 * invite rows record the meeting they carry. */
	"CREATE TABLE outbox_v3 ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'invitation',"
	"    'overdue', 'escalation', 'cancel', 'update', 'digest')),"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"    'sending', 'sent', 'deferred', 'failed', 'skipped')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  uid TEXT,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  last_error TEXT,"
	"  reply TEXT,"
	"  created_at TEXT NOT NULL,"
	"  sent_at TEXT,"
	"  meeting_date TEXT,"
	"  meeting_time TEXT,"
	"  meeting_tz TEXT,"
	"  UNIQUE (partner_key, kind, occurrence, recipient, sequence));"
	"INSERT INTO outbox_v3 (id, partner_id, partner_key, kind, occurrence,"
	"  recipient, state, message_id, uid, sequence, attendees, attempts,"
	"  next_attempt, last_error, reply, created_at, sent_at, meeting_date)"
	"  SELECT id, partner_id, partner_key, kind, occurrence, recipient,"
	"  state, message_id, uid, sequence, attendees, attempts, next_attempt,"
	"  last_error, reply, created_at, sent_at,"
	"  CASE WHEN uid IS NULL THEN NULL ELSE occurrence END FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_v3 RENAME TO outbox;"
	"CREATE INDEX outbox_by_state ON outbox (state, next_attempt);"
	"CREATE INDEX outbox_by_uid ON outbox (uid, recipient)"
	"  WHERE uid IS NOT NULL;"
	"CREATE INDEX outbox_by_partner ON outbox (partner_id);"
	"CREATE TABLE invites ("
	"  uid TEXT PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  partner_name TEXT NOT NULL,"
	"  owner_name TEXT,"
	"  owner_email TEXT NOT NULL,"
	"  occurrence TEXT NOT NULL,"
	"  meeting_date TEXT NOT NULL,"
	"  meeting_time TEXT NOT NULL,"
	"  meeting_tz TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT NOT NULL,"
	"  checkin_id INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (status IN ('open', 'closed')),"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE INDEX invites_open ON invites (partner_id) WHERE status = 'open';"
	/* Named values the program keeps, such as the business-day
	 * calendar next_due was last computed under. */
	"CREATE TABLE settings ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	/* Invites sent before this version: open while their partner has
	 * logged no check-in since; the next run settles them. */
	"INSERT OR IGNORE INTO invites (uid, partner_id, partner_key,"
	"  partner_name, owner_name, owner_email, occurrence, meeting_date,"
	"  meeting_time, meeting_tz, sequence, attendees, checkin_id, status,"
	"  created_at, updated_at)"
	"  SELECT o.uid, p.id, p.key, p.name, p.owner_name, p.owner_email,"
	"  o.occurrence, o.occurrence, '', '', max(o.sequence),"
	"  coalesce(o.attendees, '[]'),"
	"  coalesce((SELECT max(c.id) FROM checkins c WHERE c.partner_id = p.id"
	"    AND c.created_at <= min(o.created_at)), 0),"
	"  CASE WHEN p.archived = 0 AND p.next_due = o.occurrence"
	"    THEN 'open' ELSE 'closed' END,"
	"  min(o.created_at), min(o.created_at)"
	"  FROM outbox o JOIN partners p ON p.id = o.partner_id"
	"  WHERE o.uid IS NOT NULL AND o.state IN ('sent', 'sending')"
	"  GROUP BY o.uid;",
	/* 3 -> 4: the outbox hears back.  New kinds (declined, counter,
	 * confirmation) and the bounced state; queued_at: when a message was
	 * last queued (planned, or retried by hand), which retry_max_hours
	 * counts from; detail: what a confirmation or a notice to the owner
	 * says.  Calendar answers per attendee, inbound messages seen once,
	 * snoozes, bounced contacts, and the key of the reply tokens. */
	"CREATE TABLE outbox_v4 ("
	"  id INTEGER PRIMARY KEY,"
	"  partner_id INTEGER REFERENCES partners(id) ON DELETE SET NULL,"
	"  partner_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'invitation',"
	"    'overdue', 'escalation', 'cancel', 'update', 'digest',"
	"    'declined', 'counter', 'confirmation')),"
	"  occurrence TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending',"
	"    'sending', 'sent', 'deferred', 'failed', 'skipped', 'bounced')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  uid TEXT,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  attendees TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  last_error TEXT,"
	"  reply TEXT,"
	"  created_at TEXT NOT NULL,"
	"  sent_at TEXT,"
	"  meeting_date TEXT,"
	"  meeting_time TEXT,"
	"  meeting_tz TEXT,"
	"  queued_at TEXT,"
	"  detail TEXT,"
	"  UNIQUE (partner_key, kind, occurrence, recipient, sequence));"
	"INSERT INTO outbox_v4 (id, partner_id, partner_key, kind, occurrence,"
	"  recipient, state, message_id, uid, sequence, attendees, attempts,"
	"  next_attempt, last_error, reply, created_at, sent_at, meeting_date,"
	"  meeting_time, meeting_tz)"
	"  SELECT id, partner_id, partner_key, kind, occurrence, recipient,"
	"  state, message_id, uid, sequence, attendees, attempts, next_attempt,"
	"  last_error, reply, created_at, sent_at, meeting_date, meeting_time,"
	"  meeting_tz FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_v4 RENAME TO outbox;"
	"CREATE INDEX outbox_by_state ON outbox (state, next_attempt);"
	"CREATE INDEX outbox_by_uid ON outbox (uid, recipient)"
	"  WHERE uid IS NOT NULL;"
	"CREATE INDEX outbox_by_partner ON outbox (partner_id);"
	"CREATE TABLE replies ("
	"  uid TEXT NOT NULL,"
	"  attendee TEXT NOT NULL COLLATE NOCASE,"
	"  partstat TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL,"
	"  dtstamp TEXT,"
	"  comment TEXT,"
	"  received_at TEXT NOT NULL,"
	"  PRIMARY KEY (uid, attendee));"
	"CREATE TABLE inbound ("
	"  key TEXT PRIMARY KEY,"
	"  received_at TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  sender TEXT,"
	"  partner_key TEXT,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT);"
	"ALTER TABLE partners ADD COLUMN snooze_until TEXT;"
	"ALTER TABLE contacts ADD COLUMN bounced_at TEXT;"
	"ALTER TABLE contacts ADD COLUMN bounce_reason TEXT;"
	"INSERT OR IGNORE INTO settings (name, value)"
	"  VALUES ('reply_key', lower(hex(randomblob(32))));",
	/* 4 -> 5: what each envelope recipient of a message with a Cc
	 * answered, so that a Cc refused while the To took the message is
	 * retried alone (4xx) or shown as failed (5xx).  queued_at: when
	 * the recipient was last queued, which retry_max_hours counts
	 * from. */
	"CREATE TABLE outbox_rcpt ("
	"  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('to', 'cc')),"
	"  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent',"
	"    'deferred', 'failed', 'skipped', 'bounced')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  reply TEXT,"
	"  queued_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (outbox_id, address));"
	"CREATE INDEX outbox_rcpt_by_state ON outbox_rcpt (state, next_attempt);",
	/* 5 -> 6: the sponsor's display name, as the owner's. */
	"ALTER TABLE partners ADD COLUMN sponsor_name TEXT;",
	/* 6 -> 7: an owner's active partners found without reading the
	 * book, in key order (owners' digests, composed and planned per
	 * owner). */
	"CREATE INDEX partners_by_owner ON partners"
	"  (owner_email COLLATE NOCASE, key)"
	"  WHERE archived = 0;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(NMIGRATIONS == STORE_SCHEMA_VERSION,
    "one migration per schema version");


int
store_schema_version(struct store *s, int *version, char **err)
{
	sqlite3_stmt *st;
	int rc;

	*version = 0;
	if (sdb_prepare(s, "PRAGMA user_version", &st, err) != 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return sdb_err(s, err, "reading the schema version");
	return 0;
}

int
store_migrate_to(struct store *s, int version, char **err)
{
	int current;

	if (store_schema_version(s, &current, err) != 0)
		return -1;
	if (version > NMIGRATIONS) {
		s->fault = FAULT_INTERNAL;
		return set_err(err, "no schema version %d", version);
	}
	while (current < version) {
		char *sql;

		if (store_begin(s, err) != 0)
			return -1;
		sql = xasprintf("%s PRAGMA user_version = %d;",
		    migrations[current], current + 1);
		if (sdb_exec(s, sql, "upgrading the schema", err) != 0) {
			free(sql);
			store_rollback(s);
			return -1;
		}
		free(sql);
		if (store_commit(s, err) != 0)
			return -1;
		current++;
	}
	return 0;
}
