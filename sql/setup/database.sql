-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The roles and a database of Concerto, as the PostgreSQL superuser, once
-- per cluster and database; safe to run again.  psql variable db names the
-- database:
--   psql -X -v ON_ERROR_STOP=1 -v db=concerto -d postgres -f sql/setup/database.sql
-- The development stack runs it at every start (tools/stack/postgres.sh);
-- docs/operations.md runs it in production, where pg_hba.conf lets the two
-- roles in by peer authentication only.
--
-- concerto_owner owns the schema and runs the migrations; concerto_app, the
-- workers' role, reads and writes rows and runs the functions, and can
-- change no table, no function and no grant.  Neither is a superuser, and
-- neither can create a role or a database.

SELECT 'CREATE ROLE concerto_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'concerto_owner') \gexec
SELECT 'CREATE ROLE concerto_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'concerto_app') \gexec
SELECT format('CREATE DATABASE %I OWNER concerto_owner TEMPLATE template0 ENCODING ''UTF8''', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO concerto_app;

\connect :"db"
ALTER SCHEMA public OWNER TO concerto_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO concerto_app;
ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO concerto_app;
ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO concerto_app;
ALTER DEFAULT PRIVILEGES FOR ROLE concerto_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO concerto_app;
-- What the workers' statements cost, for the operator (the owner role);
-- the numbers need shared_preload_libraries = 'pg_stat_statements'.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
GRANT pg_read_all_stats TO concerto_owner;
GRANT EXECUTE ON FUNCTION pg_stat_statements_reset(oid, oid, bigint)
    TO concerto_owner;
