-- The demo's site tables in PostgreSQL (colon and infert, three sites each), with the read-only role a node
-- connects as. Run by load-demo-tables.sh, which copies the rows from deploy/demo/data/*.csv.
-- Each table has a row_id column: the stable row id a node's jdbc.row-id names (0, 1, ... in file order).

SET client_min_messages = warning;

DO $$
DECLARE site int;
BEGIN
  FOR site IN 1..3 LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I', 'colon_site' || site);
    EXECUTE format('CREATE TABLE %I (row_id integer GENERATED ALWAYS AS IDENTITY (START WITH 0 MINVALUE 0) '
      'PRIMARY KEY, id integer, rx text, sex integer, age integer, obstruct integer, perfor integer, '
      'adhere integer, nodes integer, differ integer, extent integer, surg integer, node4 integer, '
      '"time" numeric, status integer)', 'colon_site' || site);
    EXECUTE format('DROP TABLE IF EXISTS %I', 'infert_site' || site);
    EXECUTE format('CREATE TABLE %I (row_id integer GENERATED ALWAYS AS IDENTITY (START WITH 0 MINVALUE 0) '
      'PRIMARY KEY, education text, age integer, parity integer, induced integer, "case" integer, '
      'spontaneous integer, stratum integer, "pooled.stratum" integer)', 'infert_site' || site);
  END LOOP;
END $$;

-- The node's role: it may log in, read these tables and nothing else; every transaction it opens is read-only.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fedstats_node') THEN
    CREATE ROLE fedstats_node LOGIN;
  END IF;
END $$;
ALTER ROLE fedstats_node SET default_transaction_read_only = on;
ALTER ROLE fedstats_node SET statement_timeout = '60s';
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO fedstats_node;
GRANT SELECT ON colon_site1, colon_site2, colon_site3, infert_site1, infert_site2, infert_site3 TO fedstats_node;
