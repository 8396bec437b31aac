#!/usr/bin/env bash
# make-logs.sh: run a throwaway PostgreSQL 15 server (Debian's postgresql-15
# package) on loopback, drive a workload that makes many different errors and
# ordinary log lines, and write the server's logs in every format errtag's
# PostgreSQL rules must read:
#
#   default.log   stderr text, log_error_verbosity=default (no SQLSTATE)
#   default.csv   csvlog of the same run
#   default.json  jsonlog of the same run
#   verbose.log   stderr text, log_error_verbosity=verbose (SQLSTATE after the severity)
#   sqlstate.log  stderr text, default verbosity, %e (the SQLSTATE) in log_line_prefix
#
# Usage: make-logs.sh [--variant main|holdout] OUTDIR
#
# The "main" variant made the logs in testdata/postgresql/; "holdout" runs
# other errors in another order, with other names, for blind scoring (keep its
# logs out of the repository). Each run starts from a fresh cluster (initdb)
# in a temporary directory, on 127.0.0.1 and a Unix socket in that directory,
# as the unprivileged "postgres" user when started as root. Nothing outside the
# temporary directory and OUTDIR is touched; the server is stopped on exit.
#
# Needs: postgresql-15 (apt-get install postgresql-15; installed here when run
# as root and missing). Timestamps, process ids and durations differ from run
# to run; the sequence of statements and errors is fixed.
set -euo pipefail

variant=main
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) variant=$2; shift 2 ;;
	--variant=*) variant=${1#*=}; shift ;;
	-h|--help) sed -n '2,26p' "$0"; exit 0 ;;
	-*) echo "make-logs.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: make-logs.sh [--variant main|holdout] OUTDIR" >&2; exit 2; }
case "$variant" in main|holdout) ;; *) echo "make-logs.sh: --variant main or holdout" >&2; exit 2 ;; esac
mkdir -p "$1"
out=$(cd "$1" && pwd)

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PGPORT_TEST:-55439}
if [ ! -x "$PGBIN/postgres" ]; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 >/dev/null
	else
		echo "make-logs.sh: $PGBIN/postgres not found: apt-get install postgresql-15" >&2
		exit 1
	fi
fi

work=$(mktemp -d /tmp/errtag-pglogs.XXXXXX)
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$work"
	as_server() { runuser -u postgres -- "$@"; }
else
	as_server() { "$@"; }
fi
chmod 755 "$work"
cleanup() {
	if [ -f "$work/data/postmaster.pid" ]; then
		as_server "$PGBIN/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# Names differ between the variants, so that rules cannot learn them.
if [ "$variant" = main ]; then
	DB=shop CUST=customers ORD=orders ACCT=accounts EVT=events ROOM=rooms APP=app READER=reader
else
	DB=inventory CUST=clients ORD=shipments ACCT=ledger EVT=audit_log ROOM=bookings APP=webapp READER=auditor
fi

# psql as the superuser over the socket (trust); errors do not stop a script.
sql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=0 -h "$work" -p "$PORT" -U postgres -d "${1:-$DB}" >>"$work/client.txt" 2>&1 || true; }
# psql over TCP as a role with a password; failures (bad password) expected.
tcp() { # user password db [psql args...]
	local u=$1 p=$2 d=$3; shift 3
	PGPASSWORD=$p PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=0 -h 127.0.0.1 -p "$PORT" -U "$u" -d "$d" "$@" >>"$work/client.txt" 2>&1 || true
}
nap() { sleep "$1"; }

start_server() { # run-name destinations verbosity prefix
	rm -rf "$work/data" "$work/logs"
	as_server mkdir "$work/logs"
	as_server "$PGBIN/initdb" -D "$work/data" -U postgres -E UTF8 --locale=C \
		--auth-local=trust --auth-host=scram-sha-256 >"$work/initdb.txt" 2>&1
	# A database nobody may reach over TCP (pg_hba "reject").
	as_server sh -c "{ printf 'host closed all 127.0.0.1/32 reject\n'; cat '$work/data/pg_hba.conf'; } >'$work/data/pg_hba.new' && mv '$work/data/pg_hba.new' '$work/data/pg_hba.conf'"
	as_server sh -c "cat >>'$work/data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$work'
max_connections = 12
superuser_reserved_connections = 2
fsync = off
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
logging_collector = on
log_directory = '$work/logs'
log_filename = 'pg.log'
log_rotation_age = 0
log_rotation_size = 0
log_destination = '$2'
log_error_verbosity = $3
log_line_prefix = '$4'
log_connections = on
log_disconnections = on
log_checkpoints = on
log_lock_waits = on
deadlock_timeout = '300ms'
log_statement = 'all'
log_min_messages = warning
log_min_error_statement = error
CONF
	as_server "$PGBIN/pg_ctl" -D "$work/data" -w -l "$work/startup.txt" start >/dev/null
}

stop_server() { # run-name
	as_server "$PGBIN/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null
	local f
	for f in log csv json; do
		if [ -f "$work/logs/pg.$f" ]; then
			cp "$work/logs/pg.$f" "$out/$1.$f"
			chmod 644 "$out/$1.$f"
		fi
	done
	return 0
}

# ---- the workload: scenes, each one connection or a few -------------------

scene_setup() {
	sql postgres <<SQL
CREATE ROLE $APP LOGIN PASSWORD '${APP}-secret' CONNECTION LIMIT 1;
CREATE ROLE $READER LOGIN PASSWORD '${READER}-secret';
CREATE ROLE loader LOGIN PASSWORD 'loader-secret';
CREATE DATABASE $DB;
CREATE DATABASE closed;
SQL
	sql <<SQL
CREATE TABLE $CUST (id int PRIMARY KEY, email text UNIQUE NOT NULL, name varchar(20), age int CHECK (age >= 0));
CREATE TABLE $ORD (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES $CUST(id), amount numeric(8,2) CHECK (amount > 0), placed date);
CREATE TABLE $EVT (id serial PRIMARY KEY, error_code int, payload jsonb, note text);
CREATE TABLE $ACCT (id int PRIMARY KEY, balance int NOT NULL);
CREATE TABLE $ROOM (id int, during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE SEQUENCE ticket_seq MAXVALUE 2;
INSERT INTO $CUST VALUES (1, 'ann@example.com', 'Ann', 34), (2, 'bob@example.com', 'Bob', 41), (3, 'cy@example.com', 'Cy', 29);
INSERT INTO $ORD VALUES (100, 1, 25.00, '2024-03-01'), (101, 2, 12.50, '2024-03-02');
INSERT INTO $ACCT VALUES (1, 100), (2, 100), (3, 100), (4, 100);
INSERT INTO $ROOM VALUES (1, '[2024-01-01 10:00, 2024-01-01 11:00)');
GRANT SELECT ON $CUST TO $READER;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO $APP, loader;
CREATE FUNCTION place_order(cid int, amt numeric) RETURNS int LANGUAGE plpgsql AS \$\$
DECLARE n int;
BEGIN
  IF amt > 1000 THEN
    RAISE EXCEPTION 'order amount % exceeds the limit', amt USING ERRCODE = 'P0001', HINT = 'Split the order.';
  END IF;
  IF cid < 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = 'customer ' || cid || ' is already being billed';
  END IF;
  IF cid = 0 THEN
    RAISE SQLSTATE 'AB123' USING MESSAGE = 'billing system refused customer 0';
  END IF;
  IF amt = 0 THEN
    RAISE WARNING 'order for customer % has a zero amount', cid;
  END IF;
  SELECT id INTO STRICT n FROM $CUST WHERE id = cid;
  RETURN n;
END \$\$;
CREATE FUNCTION check_stock(qty int) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
  ASSERT qty >= 0, 'stock cannot be negative';
  RAISE LOG 'stock check passed: error_code=% qty=%', 0, qty;
END \$\$;
CREATE FUNCTION any_customer() RETURNS int LANGUAGE plpgsql AS \$\$
DECLARE n int;
BEGIN
  SELECT id INTO STRICT n FROM $CUST;
  RETURN n;
END \$\$;
SQL
}

# Ordinary statements whose text looks like errors: must stay unannotated.
scene_distractors() {
	sql <<SQL
INSERT INTO $EVT (error_code, note) VALUES (57014, 'statement timeout seen by the client');
UPDATE $EVT SET error_code=57014, note='retry after error_code=57014' WHERE id = 1;
INSERT INTO $EVT (payload) VALUES ('{"errorCode": 23505, "message": "duplicate key value violates unique constraint"}');
INSERT INTO $EVT (payload) VALUES ('{"sqlstate":"40P01","error":"deadlock detected","severity":"ERROR"}');
SELECT 'ERROR:  relation "missing" does not exist' AS sample_text, '42P01' AS sqlstate;
SELECT note FROM $EVT WHERE note LIKE '%error%' OR error_code IN (23505, 40001);
SELECT check_stock(5);
-- a comment that mentions SQLSTATE 23505 and ERROR
SELECT count(*) FROM $CUST;
SQL
}

scene_constraints() {
	sql <<SQL
INSERT INTO $CUST VALUES (1, 'ann2@example.com', 'Ann Two', 30);
INSERT INTO $CUST VALUES (10, 'bob@example.com', 'Robert', 41);
INSERT INTO $ORD VALUES (102, 999, 5.00, '2024-03-03');
INSERT INTO $CUST (id, email) VALUES (11, NULL);
INSERT INTO $CUST VALUES (12, 'dee@example.com', 'Dee', -5);
INSERT INTO $ORD VALUES (103, 1, -1.00, '2024-03-04');
DELETE FROM $CUST WHERE id = 1;
UPDATE $CUST SET id = 3 WHERE id = 2;
INSERT INTO $ROOM VALUES (2, '[2024-01-01 10:30, 2024-01-01 12:00)');
INSERT INTO $CUST VALUES (1, 'ann@example.com', 'Ann', 34) ON CONFLICT DO NOTHING;
SQL
}

scene_undefined() {
	sql <<SQL
SELECT * FROM missing_table;
SELECT nickname FROM $CUST;
SELECT no_such_function(1);
DROP TABLE gone_table;
SELECT * FROM $CUST c JOIN $ORD o ON id = customer_id;
CREATE TABLE nosuchschema.t (id int);
DROP TYPE mood;
SELECT nextval('missing_seq');
EXECUTE missing_plan;
FETCH NEXT FROM missing_cursor;
SQL
}

scene_syntax() {
	sql <<SQL
SELEC 1;
SELECT * FROM;
INSERT INTO $CUST VALUES (20, 'x@example.com',;
SELECT 'unterminated;
SQL
	sql <<SQL
SELECT id,
       name
  FROM $CUST
 WHERE age >> ;
SQL
}

scene_data() {
	sql <<SQL
SELECT 1/0;
SELECT amount / 0 FROM $ORD WHERE id = 100;
SELECT 'abc'::int;
INSERT INTO $CUST VALUES ('x1', 'x1@example.com', 'X', 1);
SELECT '2024-13-45'::date;
SELECT 2147483647 + 1;
SELECT '99999999999'::int;
INSERT INTO $CUST VALUES (21, 'long@example.com', 'A name that is much too long for the column', 1);
SELECT '{"a": '::jsonb;
SELECT (SELECT id FROM $CUST);
SELECT 'x' ~ '(';
SELECT sqrt(-1);
SELECT 'not-a-uuid'::uuid;
SELECT 12345::numeric(3,0);
SELECT convert_from('\\xff'::bytea, 'UTF8');
SQL
}

scene_transactions() {
	sql <<SQL
BEGIN;
INSERT INTO $EVT (note) VALUES ('in a transaction');
SELECT 1/0;
SELECT count(*) FROM $EVT;
ROLLBACK;
COMMIT;
BEGIN READ ONLY;
INSERT INTO $EVT (note) VALUES ('read only');
ROLLBACK;
SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;
UPDATE $ACCT SET balance = 0 WHERE id = 4;
SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;
BEGIN;
SELECT 1;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
ROLLBACK;
SAVEPOINT s1;
BEGIN;
ROLLBACK TO SAVEPOINT nowhere;
ROLLBACK;
BEGIN;
VACUUM $EVT;
ROLLBACK;
SQL
}

scene_permissions() {
	sql <<SQL
SET ROLE $READER;
SELECT * FROM $ORD;
UPDATE $CUST SET name = 'Eve' WHERE id = 1;
CREATE TABLE stolen (id int);
SELECT pg_read_file('postgresql.conf');
RESET ROLE;
SQL
}

scene_plpgsql() {
	sql <<SQL
SELECT place_order(1, 5000);
SELECT place_order(-7, 10);
SELECT place_order(0, 10);
SELECT place_order(1, 0);
SELECT place_order(42, 10);
SELECT any_customer();
SELECT check_stock(-1);
DO \$\$ BEGIN RAISE EXCEPTION 'nightly export failed: % rows', 17 USING ERRCODE = 'XY001'; END \$\$;
SQL
}

scene_copy() {
	sql <<SQL
COPY $CUST (id, email, name, age) FROM STDIN;
30	c30@example.com	Thirty	30
31	c31@example.com	ThirtyOne	notanumber
\.
COPY $CUST (id, email, name, age) FROM STDIN;
32	c32@example.com
\.
COPY $CUST (id, email, name, age) FROM STDIN;
33	c33@example.com	ThirtyThree	33	extra
\.
COPY $CUST FROM '/nonexistent/customers.csv' WITH (FORMAT csv);
SQL
}

scene_ddl() {
	sql <<SQL
CREATE TABLE $CUST (id int);
CREATE ROLE $APP;
DROP TABLE $CUST;
ALTER TABLE $CUST ADD COLUMN email text;
CREATE DATABASE $DB;
DROP DATABASE $DB;
SET work_mem = '-1';
SET no_such_setting = 1;
SET max_connections = 5;
SELECT currval('ticket_seq');
SELECT nextval('ticket_seq'), nextval('ticket_seq'), nextval('ticket_seq');
PREPARE p1 AS SELECT 1;
PREPARE p1 AS SELECT 2;
TRUNCATE $CUST;
SQL
}

scene_deadlock() {
	sql <<SQL &
BEGIN;
UPDATE $ACCT SET balance = balance - 10 WHERE id = 1;
SELECT pg_sleep(1.5);
UPDATE $ACCT SET balance = balance + 10 WHERE id = 2;
COMMIT;
SQL
	nap 0.5
	sql <<SQL
BEGIN;
UPDATE $ACCT SET balance = balance - 10 WHERE id = 2;
UPDATE $ACCT SET balance = balance + 10 WHERE id = 1;
COMMIT;
SQL
	wait
}

scene_serialization() {
	sql <<SQL &
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT balance FROM $ACCT WHERE id = 3;
SELECT pg_sleep(1);
UPDATE $ACCT SET balance = balance + 1 WHERE id = 3;
COMMIT;
SQL
	nap 0.4
	sql <<SQL
UPDATE $ACCT SET balance = balance + 5 WHERE id = 3;
SQL
	wait
}

scene_locks() {
	sql <<SQL &
BEGIN;
LOCK TABLE $ORD IN ACCESS EXCLUSIVE MODE;
SELECT id FROM $CUST WHERE id = 2 FOR UPDATE;
SELECT pg_sleep(1.5);
COMMIT;
SQL
	nap 0.5
	sql <<SQL
SET lock_timeout = '200ms';
SELECT * FROM $ORD;
RESET lock_timeout;
BEGIN;
LOCK TABLE $ORD IN SHARE MODE NOWAIT;
ROLLBACK;
SELECT * FROM $CUST WHERE id = 2 FOR UPDATE NOWAIT;
SQL
	wait
}

scene_timeouts() {
	sql <<SQL
SET statement_timeout = '100ms';
SELECT pg_sleep(1);
RESET statement_timeout;
SQL
	PGAPPNAME=sleeper sql <<SQL &
SELECT pg_sleep(5);
SQL
	nap 0.5
	sql <<SQL
SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'sleeper';
SQL
	wait
	PGAPPNAME=victim sql <<SQL &
SELECT pg_sleep(5);
SQL
	nap 0.5
	sql <<SQL
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim';
SQL
	wait
	sql <<SQL
SET idle_in_transaction_session_timeout = '200ms';
BEGIN;
SELECT 1;
\\! sleep 0.6
SELECT 2;
SQL
}

scene_connections() {
	tcp "$APP" wrong-password "$DB" -c 'SELECT 1'
	tcp ghost whatever "$DB" -c 'SELECT 1'
	tcp "$APP" "${APP}-secret" closed -c 'SELECT 1'
	"$PGBIN/psql" -X -h "$work" -p "$PORT" -U ghost -d "$DB" -c 'SELECT 1' >>"$work/client.txt" 2>&1 || true
	"$PGBIN/psql" -X -h "$work" -p "$PORT" -U postgres -d nosuchdb -c 'SELECT 1' >>"$work/client.txt" 2>&1 || true
	# The role's connection limit is 1: a second session is refused.
	tcp "$APP" "${APP}-secret" "$DB" -c 'SELECT pg_sleep(1.5)' &
	nap 0.5
	tcp "$APP" "${APP}-secret" "$DB" -c 'SELECT 1'
	wait
	# max_connections 12 with 2 reserved: the 11th ordinary session is refused.
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		tcp loader loader-secret "$DB" -c 'SELECT pg_sleep(2)' &
	done
	nap 1
	tcp loader loader-secret "$DB" -c 'SELECT 1'
	wait
}

scene_checkpoint() {
	sql <<SQL
CHECKPOINT;
SQL
}

# Errors only the holdout run makes.
scene_extra() {
	sql <<SQL
CREATE UNIQUE INDEX ON $CUST (age);
INSERT INTO $CUST VALUES (40, 'forty@example.com', 'Forty', 29);
CREATE UNIQUE INDEX ${CUST}_age_key ON $CUST (age);
ALTER TABLE $CUST ADD CONSTRAINT adult CHECK (age >= 30);
ALTER TABLE $CUST ALTER COLUMN name SET NOT NULL;
UPDATE $CUST SET name = NULL WHERE id = 40;
ALTER TABLE $CUST ALTER COLUMN name SET NOT NULL;
SELECT * FROM generate_series(1, 3) LIMIT -1;
SELECT chr(0);
SELECT interval 'soon';
SELECT '1.5.2'::numeric;
SELECT to_date('2024-02-30', 'YYYY-MM-DD')::text || make_date(2024, 2, 30)::text;
SELECT array_fill(1, ARRAY[-1]);
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n::smallint FROM r;
SELECT email FROM $CUST GROUP BY id HAVING name = 'x';
SELECT id FROM $CUST WHERE email = 5;
SQL
	sql <<SQL &
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT sum(balance) FROM $ACCT WHERE id IN (1, 2);
SELECT pg_sleep(1);
UPDATE $ACCT SET balance = balance - 1 WHERE id = 1;
COMMIT;
SQL
	nap 0.3
	sql <<SQL
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT sum(balance) FROM $ACCT WHERE id IN (1, 2);
UPDATE $ACCT SET balance = balance - 1 WHERE id = 2;
SELECT pg_sleep(1.2);
COMMIT;
SQL
	wait
	sql <<SQL
SET idle_session_timeout = '200ms';
SELECT 1;
\\! sleep 0.6
SELECT 2;
SQL
}

workload() {
	if [ "$variant" = main ]; then
		scene_setup; scene_distractors; scene_constraints; scene_undefined; scene_syntax
		scene_data; scene_transactions; scene_permissions; scene_plpgsql; scene_copy
		scene_ddl; scene_deadlock; scene_serialization; scene_locks; scene_timeouts
		scene_connections; scene_checkpoint
	else
		scene_setup; scene_checkpoint; scene_connections; scene_extra; scene_timeouts
		scene_plpgsql; scene_locks; scene_data; scene_distractors; scene_copy; scene_deadlock
		scene_ddl; scene_undefined; scene_transactions; scene_serialization; scene_syntax
		scene_permissions; scene_constraints
	fi
}

run() { # name destinations verbosity prefix
	: >"$work/client.txt"
	start_server "$@"
	workload
	stop_server "$1"
}

run default 'stderr,csvlog,jsonlog' default '%m [%p] %q%u@%d '
run verbose 'stderr' verbose '%m [%p] %q%u@%d '
run sqlstate 'stderr' default '%m [%p] %e %q%u@%d '
"$PGBIN/postgres" --version >"$out/VERSION"
echo "make-logs.sh: $variant logs in $out:" >&2
ls -l "$out" >&2
