#!/usr/bin/env bash
# make-messages.sh: run a throwaway PostgreSQL 15 server (Debian's
# postgresql-15) with log_error_verbosity = verbose and drive statements that
# raise the errors the example's message templates name, one or more each,
# so that a test can check every template against the SQLSTATE the server
# itself printed for that message.
#
#   messages.log   stderr text, verbose: "ERROR:  23505: duplicate key ..."
#
# Usage: make-messages.sh OUTDIR   (as root, or as a user who can run initdb)
#
# Like make-logs.sh (same directory): a fresh cluster in a temporary
# directory on 127.0.0.1 and a Unix socket there, stopped on exit; nothing
# outside the temporary directory and OUTDIR is touched.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: make-messages.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PGPORT_TEST:-55440}
[ -x "$PGBIN/postgres" ] || { echo "make-messages.sh: $PGBIN/postgres not found: apt-get install postgresql-15" >&2; exit 1; }

work=$(mktemp -d /tmp/errtag-pgmsg.XXXXXX)
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

as_server mkdir "$work/logs"
as_server "$PGBIN/initdb" -D "$work/data" -U postgres -E UTF8 --locale=C \
	--auth-local=trust --auth-host=scram-sha-256 >"$work/initdb.txt" 2>&1
as_server sh -c "{ printf 'host closed all 127.0.0.1/32 reject\n'; cat '$work/data/pg_hba.conf'; } >'$work/data/pg_hba.new' && mv '$work/data/pg_hba.new' '$work/data/pg_hba.conf'"
as_server sh -c "cat >>'$work/data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$work'
max_connections = 8
superuser_reserved_connections = 2
fsync = off
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
logging_collector = on
log_directory = '$work/logs'
log_filename = 'pg.log'
log_destination = 'stderr'
log_error_verbosity = verbose
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
log_min_error_statement = panic
deadlock_timeout = '200ms'
CONF
as_server "$PGBIN/pg_ctl" -D "$work/data" -w -l "$work/startup.txt" start >/dev/null

# One statement per psql -c, so that each error stands alone.
q() { "$PGBIN/psql" -X -q -h "$work" -p "$PORT" -U postgres -d "${DB:-msg}" -c "$1" >>"$work/client.txt" 2>&1 || true; }
script() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=0 -h "$work" -p "$PORT" -U postgres -d "${DB:-msg}" >>"$work/client.txt" 2>&1 || true; }
tcp() { PGPASSWORD=$2 PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$1" -d "$3" -c "${4:-SELECT 1}" >>"$work/client.txt" 2>&1 || true; }

DB=postgres q "CREATE DATABASE msg"
DB=postgres q "CREATE DATABASE closed"
DB=postgres q "CREATE ROLE weak LOGIN PASSWORD 'weak-secret' CONNECTION LIMIT 1"
DB=postgres q "CREATE ROLE nologin PASSWORD 'x'"
script <<'SQL'
CREATE TABLE t (id int PRIMARY KEY, email text UNIQUE NOT NULL, name varchar(8), code char(2), age int CHECK (age >= 0), born date);
CREATE TABLE child (id int PRIMARY KEY, t_id int REFERENCES t(id));
CREATE TABLE r (during tsrange, EXCLUDE USING gist (during WITH &&));
CREATE VIEW v AS SELECT id, age FROM t WHERE age > 10 WITH CHECK OPTION;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE SEQUENCE s MAXVALUE 2;
CREATE SEQUENCE sdown INCREMENT -1 MINVALUE -1 MAXVALUE 0 START 0;
CREATE TABLE nn (id int, name text);
CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION f(bigint) RETURNS int LANGUAGE sql AS 'SELECT 2';
CREATE FUNCTION noreturn() RETURNS int LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE FUNCTION notnullvar() RETURNS int LANGUAGE plpgsql AS $$ DECLARE x int NOT NULL := 1; BEGIN x := NULL; RETURN x; END $$;
CREATE FUNCTION recurse(n int) RETURNS int LANGUAGE sql AS 'SELECT recurse(n + 1)';
CREATE FUNCTION noparam() RETURNS int LANGUAGE plpgsql AS $$ DECLARE n int; BEGIN SELECT 1 INTO STRICT n WHERE false; RETURN n; END $$;
CREATE FUNCTION many() RETURNS int LANGUAGE plpgsql AS $$ DECLARE n int; BEGIN SELECT g INTO STRICT n FROM generate_series(1,2) g; RETURN n; END $$;
CREATE FUNCTION asserts() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ASSERT false; END $$;
INSERT INTO t VALUES (1, 'a@x', 'A', 'aa', 30, '2000-01-01'), (2, 'b@x', 'B', 'bb', 40, NULL);
INSERT INTO child VALUES (10, 1);
INSERT INTO r VALUES ('[2024-01-01 10:00, 2024-01-01 11:00)');
INSERT INTO nn VALUES (1, NULL), (2, 'x'), (3, 'x');
CREATE ROLE reader LOGIN;
GRANT SELECT ON t TO reader;
SQL

# Class 23: integrity
q "INSERT INTO t VALUES (1, 'c@x', 'C', 'cc', 1)"
q "CREATE UNIQUE INDEX ON nn (name)"
q "INSERT INTO child VALUES (11, 99)"
q "DELETE FROM t WHERE id = 1"
q "INSERT INTO t (id, email) VALUES (3, NULL)"
q "ALTER TABLE nn ALTER COLUMN name SET NOT NULL"
q "INSERT INTO t VALUES (4, 'd@x', 'D', 'dd', -1)"
q "ALTER TABLE nn ADD CONSTRAINT big CHECK (id > 2)"
q "INSERT INTO r VALUES ('[2024-01-01 10:30, 2024-01-01 12:00)')"
q "INSERT INTO v VALUES (5, 1)"
# Class 42: syntax and names
q "SELEC 1"
q "SELECT * FROM"
q "SELECT 'unterminated"
q 'SELECT $x$ unterminated'
q 'SELECT "unterminated'
q 'SELECT "" FROM t'
q "SELECT * FROM missing"
q "DROP TABLE missing"
q "SELECT missing.id FROM t"
q "DROP VIEW missing_view"
q "DROP SEQUENCE missing_seq"
q "SELECT nickname FROM t"
q "SELECT t.nickname FROM t"
q "ALTER TABLE t DROP COLUMN nickname"
q "SELECT nosuch(1)"
q "CALL nosuchproc()"
q "SELECT 'a'::text + 1"
q "SELECT f(1::smallint)"
q "SELECT 1::mood2"
q "SET nosuch = 1"
q "SET ROLE ghost"
q "DROP INDEX missing_idx"
q "ALTER TABLE t DROP CONSTRAINT nosuch"
q "DROP EXTENSION nosuch"
q "SELECT id FROM t JOIN child ON t.id = child.t_id WHERE id = 1"
q "ALTER TABLE t ADD COLUMN email text"
q "INSERT INTO t (id, id) VALUES (1, 1)"
q "CREATE TABLE t (id int)"
q "CREATE DATABASE msg"
q "CREATE ROLE reader"
q "CREATE SCHEMA public"
q "CREATE EXTENSION plpgsql"
q "PREPARE p AS SELECT 1; PREPARE p AS SELECT 2"
q "BEGIN; DECLARE c CURSOR FOR SELECT 1; DECLARE c CURSOR FOR SELECT 2; COMMIT"
q "SET ROLE reader; SELECT * FROM child"
q "SET ROLE reader; CREATE TABLE x (id int)"
q "SET ROLE reader; SELECT pg_read_file('x')"
"$PGBIN/psql" -X -q -h "$work" -p "$PORT" -U reader -d msg -c "CREATE DATABASE x" >>"$work/client.txt" 2>&1 || true
q "CREATE TABLE pol (id int); ALTER TABLE pol ENABLE ROW LEVEL SECURITY; ALTER TABLE pol FORCE ROW LEVEL SECURITY; GRANT ALL ON pol TO reader"
"$PGBIN/psql" -X -q -h "$work" -p "$PORT" -U reader -d msg -c "INSERT INTO pol VALUES (1)" >>"$work/client.txt" 2>&1 || true
q "CREATE TABLE vt (id int, age int); CREATE VIEW vv AS SELECT id, age FROM vt WHERE age > 10 WITH CHECK OPTION"
q "INSERT INTO vv VALUES (1, 1)"
q "SET ROLE reader; DROP TABLE t"
q "SELECT email FROM t GROUP BY name"
q "SELECT t.email FROM t GROUP BY t.name"
q "SELECT 1 FROM t WHERE count(*) > 1"
q "INSERT INTO t (id, email, age) VALUES (7, 'e@x', 'x'::text)"
q "SELECT 1 WHERE 1"
q "SELECT 1::point::int"
q "PREPARE q2 AS SELECT \$1"
q "SELECT \$1"
q "INSERT INTO nn VALUES (1, 'a') ON CONFLICT (id) DO NOTHING"
q "CREATE TABLE y (a int REFERENCES nn(id))"
q "TRUNCATE v"
# Class 3x and 2x
q "CREATE TABLE nosuchschema.t (id int)"
q "SET search_path = ''; CREATE TABLE z (id int)"
q "DROP DATABASE nosuchdb"
q "BEGIN; ROLLBACK TO SAVEPOINT nowhere; COMMIT"
q "FETCH NEXT FROM nosuchcursor"
q "EXECUTE nosuchplan"
q "SAVEPOINT sp"
q "BEGIN; SELECT 1/0; SELECT 1; COMMIT"
q "BEGIN READ ONLY; INSERT INTO nn VALUES (9, 'z'); COMMIT"
q "BEGIN; VACUUM nn; COMMIT"
q "BEGIN; SELECT 1; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; COMMIT"
q "DROP TABLE t"
# Class 22: data
q "SELECT 1/0"
q "SELECT 'abc'::int"
q "SELECT '1.5.2'::numeric"
q "SELECT 'maybe'::boolean"
q "SELECT 'x'::uuid"
q "SELECT '{'::json"
q "SELECT 'x'::mood"
q "SELECT 'soon'::date"
q "SELECT 'soon'::timestamp"
q "SELECT 'soon'::timestamptz"
q "SELECT 'soon'::time"
q "SELECT 'soon'::interval"
q "SELECT '2024-13-45'::date"
q "SELECT make_date(2024, 2, 30)"
q "SELECT to_date('2024-02-30', 'YYYY-MM-DD')"
q "SELECT 'infinity'::timestamp + interval '1 day' - 'infinity'::timestamp"
q "SELECT '294277-01-01'::timestamp"
q "SELECT 2147483647 + 1"
q "SELECT 9223372036854775807::bigint + 1"
q "SELECT 32767::smallint + 1::smallint"
q "SELECT 12345::numeric(3,0)"
q "SELECT '99999999999'::int"
q "SELECT 1e308::float8 * 10"
q "INSERT INTO nn (id, name) SELECT 1, 'x' FROM t WHERE false; UPDATE t SET name = 'much too long' WHERE id = 1"
q "UPDATE t SET code = 'abc' WHERE id = 1"
q "SELECT (SELECT id FROM t)"
q "SELECT 'x' ~ '('"
q "SELECT sqrt(-1)"
q "SELECT ln(-1)"
q "SELECT ln(0)"
q "SELECT convert_from('\\xff'::bytea, 'UTF8')"
q "SELECT nextval('s'), nextval('s'), nextval('s')"
q "SELECT nextval('sdown'), nextval('sdown'), nextval('sdown')"
q "SET work_mem = '-1'"
q "SET client_min_messages = 'loud'"
q "SELECT * FROM generate_series(1, 3) LIMIT -1"
q "SELECT * FROM generate_series(1, 3) OFFSET -1"
q "SELECT chr(0)"
q "SELECT substr('abc', 1, -1)"
q "SELECT 'a' LIKE 'a' ESCAPE 'xy'"
q "SELECT array_fill(1, ARRAY[-1])"
q "SELECT array_fill(1, ARRAY[100000, 100000])"
q "SET max_stack_depth = '100kB'; SELECT recurse(1)"
q "SELECT noreturn()"
q "SELECT notnullvar()"
q "SELECT noparam()"
q "SELECT many()"
q "SELECT asserts()"
q "SELECT U&'\\D800'"
# COPY and files
printf '1\tx\n2\n3\ty\tz\n' >"$work/copy.txt"
chmod 644 "$work/copy.txt"
q "COPY nn FROM '$work/copy.txt'"
printf '1\tx\tz\n' >"$work/copy2.txt"
chmod 644 "$work/copy2.txt"
q "COPY nn FROM '$work/copy2.txt'"
q "SELECT 'soon'::timetz"
q "SELECT 'infinity'::timestamp::date + 1"
q "SELECT to_timestamp(1e20)"
q "PREPARE q3 AS SELECT \$1 IS NULL"
q "COPY nn FROM '/nonexistent/file.csv'"
q "SELECT pg_read_file('/nonexistent/file')"
q "COPY nn FROM '$work/data/postgresql.conf' WITH (FORMAT csv)"
# Class 55 and 0A
q "SET max_connections = 5"
q "SELECT currval('sdown')"
q "SELECT lastval()"
q "TRUNCATE t"
DB=postgres q "DROP DATABASE postgres"
# Locks, deadlock, serialization, timeouts
script <<'SQL' &
BEGIN;
LOCK TABLE nn IN ACCESS EXCLUSIVE MODE;
SELECT pg_sleep(1.2);
COMMIT;
SQL
sleep 0.4
q "BEGIN; LOCK TABLE nn IN SHARE MODE NOWAIT; COMMIT"
q "SET lock_timeout = '100ms'; SELECT * FROM nn"
wait
script <<'SQL' &
BEGIN;
SELECT * FROM child WHERE id = 10 FOR UPDATE;
SELECT pg_sleep(1);
COMMIT;
SQL
sleep 0.4
q "SELECT * FROM child WHERE id = 10 FOR UPDATE NOWAIT"
wait
script <<'SQL' &
BEGIN;
UPDATE nn SET name = 'a' WHERE id = 2;
SELECT pg_sleep(0.8);
UPDATE nn SET name = 'b' WHERE id = 3;
COMMIT;
SQL
sleep 0.3
script <<'SQL'
BEGIN;
UPDATE nn SET name = 'c' WHERE id = 3;
UPDATE nn SET name = 'd' WHERE id = 2;
COMMIT;
SQL
wait
script <<'SQL' &
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM nn WHERE id = 1;
SELECT pg_sleep(0.8);
UPDATE nn SET name = 'rr' WHERE id = 1;
COMMIT;
SQL
sleep 0.3
q "UPDATE nn SET name = 'other' WHERE id = 1"
wait
script <<'SQL' &
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT * FROM nn WHERE id = 2;
SELECT pg_sleep(0.8);
UPDATE nn SET name = 'rr' WHERE id = 2;
COMMIT;
SQL
sleep 0.3
q "DELETE FROM nn WHERE id = 2"
wait
script <<'SQL' &
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT count(*) FROM nn;
SELECT pg_sleep(0.6);
INSERT INTO nn VALUES (100, 'p');
COMMIT;
SQL
sleep 0.2
script <<'SQL'
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT count(*) FROM nn;
INSERT INTO nn VALUES (101, 'q');
SELECT pg_sleep(0.8);
COMMIT;
SQL
wait
q "SET statement_timeout = '100ms'; SELECT pg_sleep(1)"
PGAPPNAME=sleeper q "SELECT pg_sleep(3)" &
sleep 0.5
q "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'sleeper'"
wait
PGAPPNAME=victim q "SELECT pg_sleep(3)" &
sleep 0.5
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'"
wait
script <<'SQL'
SET idle_in_transaction_session_timeout = '100ms';
BEGIN;
SELECT 1;
\! sleep 0.4
SELECT 2;
SQL
script <<'SQL'
SET idle_session_timeout = '100ms';
SELECT 1;
\! sleep 0.4
SELECT 2;
SQL
# Connections (FATAL)
q "ALTER ROLE postgres PASSWORD 'pg-secret'"
tcp postgres wrong msg
tcp ghost whatever msg
tcp weak weak-secret closed
tcp nologin x msg
"$PGBIN/psql" -X -h "$work" -p "$PORT" -U ghost -d msg -c 'SELECT 1' >>"$work/client.txt" 2>&1 || true
"$PGBIN/psql" -X -h "$work" -p "$PORT" -U postgres -d nosuchdb -c 'SELECT 1' >>"$work/client.txt" 2>&1 || true
tcp weak weak-secret msg "SELECT pg_sleep(1.2)" &
sleep 0.4
tcp weak weak-secret msg
wait
DB=postgres q "CREATE ROLE many LOGIN PASSWORD 'many-secret'"
# 8 connections, 2 reserved for superusers: the 7th ordinary one is refused,
# and with all 8 taken, a superuser too.
for i in 1 2 3 4 5 6; do tcp many many-secret msg "SELECT pg_sleep(1.5)" & done
sleep 0.6
tcp many many-secret msg
for i in 1 2; do DB=postgres q "SELECT pg_sleep(1.2)" & done
sleep 0.3
DB=postgres q "SELECT 1"
wait
DB=postgres q "ALTER DATABASE msg CONNECTION LIMIT 0"
tcp many many-secret msg
DB=postgres q "ALTER DATABASE msg CONNECTION LIMIT -1"
q "SELECT pg_sleep(6.5)" &
sleep 0.8
DB=postgres q "DROP DATABASE msg"
wait

as_server "$PGBIN/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null
cp "$work/logs/pg.log" "$out/messages.log"
chmod 644 "$out/messages.log"
echo "make-messages.sh: $out/messages.log" >&2
