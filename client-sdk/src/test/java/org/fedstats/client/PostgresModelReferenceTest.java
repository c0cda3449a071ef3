package org.fedstats.client;

import org.fedstats.node.testing.SharedData;

/**
 * {@link ModelReferenceTest}'s tests, against the same values from R, with each node reading its site's table in PostgreSQL
 * instead of its file. Skipped without a PostgreSQL server (FEDSTATS_PG_URL; .ci/run starts one).
 */
class PostgresModelReferenceTest extends ModelReferenceTest {
  @Override
  SharedData.Storage storage() {
    return SharedData.Storage.POSTGRES;
  }
}
