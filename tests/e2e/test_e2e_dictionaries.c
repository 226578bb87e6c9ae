/* test_e2e_dictionaries.c — seed 002's dictionaries on the live PostgreSQL
 * of the e2e stack.
 *
 * sql/experiments/05_dictionaries.sql names no host and no password: it reads
 * the named collection experiments_pg.  Here the test plays the server's
 * administrator and defines that collection from the stack's settings
 * (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE); then it applies
 * sql/experiments as written (Kafka swapped for Null: messages are inserted,
 * the Kafka path is test_e2e_pipeline's) into experiments_analytics, fills
 * the PostgreSQL tables experiments, variants and users
 * (tests/e2e/schema.sql), feeds outbox events and checks that the reports
 * show PostgreSQL's names through dictGet, and that a change in PostgreSQL
 * shows once the dictionary reloads (SYSTEM RELOAD DICTIONARY stands for the
 * LIFETIME's reload, which this test does not wait for). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "itest.h"
#include "pipeline.h"

#define DICT_DB "experiments_analytics"

static chs_session *dict_s;

/* Each user's assignment, exposure and conversion (worth 12.50) in experiment 9100. */
static void dict_events(itest_rows *rows) {
    static const struct { uint32_t variant; const char *key, *user; } arms[] = {
        {9101, "control", "pg-user-1"}, {9102, "treatment", "pg-user-2"}, {9102, "treatment", "pg-user-3"}};
    itest_buf msg = {0};
    for (size_t i = 0; i < sizeof(arms) / sizeof(arms[0]); i++) {
        static const char *const types[] = {"assignment", "exposure", "conversion"};
        for (int step = 0; step < 3; step++) {
            int conversion = step == 2;
            itest_outbox o;
            memset(&o, 0, sizeof(o));
            o.op = 'c';
            o.lsn = 500000 + i * 3 + (unsigned)step;
            o.tx_id = o.lsn;
            o.source_ts_ms = o.ts_ms = 1714557600000;
            o.aggregate_id = 9000 + (unsigned)i;
            o.experiment_id = 9100;
            o.variant_id = arms[i].variant;
            snprintf(o.id, sizeof(o.id), "pg-%zu-%d", i, step);
            snprintf(o.user_id, sizeof(o.user_id), "%s", arms[i].user);
            snprintf(o.variant_key, sizeof(o.variant_key), "%s", arms[i].key);
            snprintf(o.event_type, sizeof(o.event_type), "%s", types[step]);
            snprintf(o.session_id, sizeof(o.session_id), "pg-session-%zu", i);
            snprintf(o.timestamp, sizeof(o.timestamp), "2024-05-01T10:0%zu:%02d.000Z", i, step * 20);
            snprintf(o.assignment_at, sizeof(o.assignment_at), "2024-05-01T10:0%zu:00.000Z", i);
            snprintf(o.properties, sizeof(o.properties), "{\"page\":\"/p\",\"value\":%s}", conversion ? "12.50" : "0");
            itest_buf_clear(&msg);
            itest_outbox_write(NULL, &o, &msg);
            itest_rows_add(rows, msg.p, msg.n);
        }
    }
    itest_buf_free(&msg);
}

static void test_dictionaries_read_postgresql(void **state) {
    (void)state;
    chs_session *s = dict_s;
    /* the administrator's part: the connection, outside the pipeline's DDL */
    const char *host = e2e_env("PGHOST"), *port = e2e_env("PGPORT"), *user = e2e_env("PGUSER"),
               *password = e2e_env("PGPASSWORD"), *db = e2e_env("PGDATABASE");
    assert_true(host && port && user && password && db);
    itest_exec(s, "CREATE NAMED COLLECTION experiments_pg AS host = '%s', port = %s, user = '%s', password = '%s', "
                  "database = '%s'", host, port, user, password, db);
    free(e2e_psql("DELETE FROM variants; DELETE FROM experiments; DELETE FROM users;"
                  "INSERT INTO experiments VALUES (9100, 'Checkout button', 'running');"
                  "INSERT INTO variants VALUES (9101, 9100, 'control', 'Grey button', 0.5),"
                  " (9102, 9100, 'treatment', 'Green button', 0.5);"
                  "INSERT INTO users VALUES ('pg-user-1', 'Ada', 'GB'), ('pg-user-2', 'Grace', 'US'),"
                  " ('pg-user-3', 'Edsger', 'NL');"));
    pipeline_apply(s, "experiments", DICT_DB);
    itest_rows rows = {0};
    dict_events(&rows);
    itest_insert_strings(s, "raw_events_kafka", "message", &rows);
    itest_rows_free(&rows);
    /* the DDL holds no credentials */
    itest_assert_scalar(s, 0, "SELECT countIf(create_table_query LIKE '%%%s%%') FROM system.tables "
                              "WHERE database = '" DICT_DB "' AND name LIKE '%%_dict'", password);
    itest_assert_query(s,
        "9100\tCheckout button\t9101\tcontrol\tGrey button\t1\t1\t12.5\n"
        "9100\tCheckout button\t9102\ttreatment\tGreen button\t2\t2\t12.5\n",
        "SELECT experiment_id, experiment_name, variant_id, variant_key, variant_name, users, conversions, "
        "revenue_per_conversion FROM experiment_dashboard JOIN revenue_per_conversion USING (experiment_id, variant_id) "
        "ORDER BY variant_id");
    itest_assert_query(s, "9101\tGrey button\t1\t0.3333\t0.5\t-0.1667\n9102\tGreen button\t2\t0.6667\t0.5\t0.1667\n",
                       "SELECT variant_id, variant_name, assigned, assigned_share, intended_share, share_difference "
                       "FROM traffic_allocation");
    itest_assert_query(s, "pg-user-1\tAda\npg-user-2\tGrace\npg-user-3\tEdsger\n",
                       "SELECT user_id, user_name FROM session_engagement ORDER BY user_id");
    itest_assert_query(s, "experiments_dict\tLOADED\t60\t300\nusers_dict\tLOADED\t60\t300\nvariants_dict\tLOADED\t60\t300\n",
                       "SELECT name, status, lifetime_min, lifetime_max FROM system.dictionaries "
                       "WHERE database = '" DICT_DB "' ORDER BY name");
    /* a rename in PostgreSQL reaches the reports at the next load */
    free(e2e_psql("UPDATE experiments SET name = 'Checkout button v2' WHERE id = 9100;"));
    itest_exec(s, "SYSTEM RELOAD DICTIONARY " DICT_DB ".experiments_dict");
    itest_assert_query(s, "Checkout button v2\n", "SELECT DISTINCT experiment_name FROM experiment_dashboard");
}

static int dict_setup(void **state) {
    (void)state;
    const char *run = e2e_env("CDC_E2E_RUN_DIR");
    if (!run) return -1;
    char *data = e2e_fmt("%s/ch-dictionaries", run);
    dict_s = e2e_ch_open(data);
    free(data);
    return dict_s ? 0 : -1;
}

static int dict_teardown(void **state) {
    (void)state;
    chs_close(dict_s);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dictionaries_read_postgresql),
    };
    return cmocka_run_group_tests(tests, dict_setup, dict_teardown);
}
