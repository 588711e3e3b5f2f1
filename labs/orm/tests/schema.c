/*
 * schema.c — names, AutoMigrate, quoting, and schemas the ORM must refuse.
 *
 * What the ORM built is read back through SQLite's own catalogue
 * (pragma_table_info, pragma_index_list, PRAGMA schema_version), never
 * through the ORM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "orm_test.h"

/* ---- naming ---------------------------------------------------------------------- */

static void test_column_names_follow_the_naming_convention(void **state)
{
    (void)state;
    static const struct {
        const char *field, *column;
    } fixed[] = {
        {"ID", "id"},
        {"UserID", "user_id"},
        {"Name", "name"},
        {"CreatedAt", "created_at"},
        {"HTTPServer", "http_server"},
        {"APIKey", "api_key"},
        {"Line2Text", "line2_text"},
        {"IPv4", "i_pv4"},
        {"already_snake", "already_snake"},
    };
    char buf[64] = "";
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        int n = orm_column_name(fixed[i].field, buf, sizeof buf);
        assert_int_equal((int)strlen(fixed[i].column), n);
        assert_string_equal(fixed[i].column, buf);
    }
    /* Seeded names from pieces: words and acronyms, never two acronyms in a
     * row (where the rule cannot tell where one ends). */
    static const char *const words[] = {"User",  "Order", "Item", "Created",
                                        "Count", "Total", "Line"};
    static const char *const acronyms[] = {"ID", "HTTP", "URL", "API", "V2"};
    for (int k = 0; k < 6; k++) {
        char field[64] = "", want[64] = "";
        int pieces = 2 + (int)ug_rand_below(3);
        bool last_acronym = false;
        for (int p = 0; p < pieces; p++) {
            bool acr = !last_acronym && ug_rand_below(3) == 0;
            const char *piece = acr ? acronyms[ug_rand_below(5)] : words[ug_rand_below(7)];
            strcat(field, piece);
            if (p)
                strcat(want, "_");
            for (const char *c = piece; *c; c++) {
                size_t len = strlen(want);
                want[len] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
                want[len + 1] = '\0';
            }
            last_acronym = acr;
        }
        assert_int_equal((int)strlen(want), orm_column_name(field, buf, sizeof buf));
        assert_string_equal(want, buf);
    }
    assert_int_equal(-ENAMETOOLONG, orm_column_name("UserID", buf, 7));
    assert_int_equal(7, orm_column_name("UserID", buf, 8));
}

/* ---- a model of the test's own ---------------------------------------------------- */

typedef struct item {
    int64_t id;
    char sku[16];
    int64_t qty;
    double price;
    bool hidden;
} item_t;

static const orm_field_t item_fields[] = {
    ORM_FIELD(item_t, id, "ID", ORM_INT, ORM_PK),
    ORM_FIELD(item_t, sku, "SKU", ORM_TEXT, ORM_UNIQUE | ORM_NOT_NULL),
    ORM_FIELD(item_t, qty, "Qty", ORM_INT, ORM_NOT_NULL),
    ORM_FIELD(item_t, price, "Price", ORM_REAL, ORM_INDEX),
    ORM_FIELD(item_t, hidden, "Hidden", ORM_BOOL, 0),
};

/* A model over item_fields[0..n) with a seeded table name prefix_<word>. */
static orm_model_t item_model(char *table, size_t size, const char *prefix, size_t n)
{
    char w[16];
    rand_word(w);
    snprintf(table, size, "%s_%s", prefix, w);
    return (
        orm_model_t){.table = table, .size = sizeof(item_t), .fields = item_fields, .nfields = n};
}

/* group_concat of one expression over a pragma table, in a given order. */
static void catalogue(sqlite3 *raw, const char *expr, const char *pragma, const char *table,
                      const char *order, char *out, size_t size)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(x, ',') FROM (SELECT %s AS x FROM %s('%s') ORDER BY %s)", expr,
             pragma, table, order);
    raw_text(raw, sql, out, size);
}

static void columns_of(sqlite3 *raw, const char *table, char *out, size_t size)
{
    catalogue(raw, "name", "pragma_table_info", table, "cid", out, size);
}

static void test_migrate_creates_typed_columns_a_primary_key_and_indexes(void **state)
{
    fix_t *f = fix(state);
    char table[32], got[512], want[512];
    orm_model_t m = item_model(table, sizeof table, "items", 5);
    assert_int_equal(0, orm_migrate(f->db, &m));

    catalogue(f->raw,
              "name || ':' || type || ':' || \"notnull\" || ':' || coalesce(dflt_value, '-') || "
              "':' || pk",
              "pragma_table_info", table, "cid", got, sizeof got);
    assert_string_equal("id:INTEGER:0:-:1,sku:TEXT:1:'':0,qty:INTEGER:1:0:0,price:REAL:0:-:0,"
                        "hidden:NUMERIC:0:-:0",
                        got);
    catalogue(f->raw, "name || ':' || \"unique\"", "pragma_index_list", table, "name", got,
              sizeof got);
    snprintf(want, sizeof want, "idx_%s_price:0,idx_%s_sku:1", table, table);
    assert_string_equal(want, got);

    /* The unique index holds: a second row with the same SKU is refused. */
    item_t a = {0}, b = {0};
    rand_word(a.sku);
    a.qty = 1 + (int64_t)ug_rand_below(100);
    b = a;
    assert_int_equal(0, orm_create(f->db, &m, &a));
    assert_int_equal(-ORM_ECONSTRAINT, orm_create(f->db, &m, &b));
    snprintf(want, sizeof want, "SELECT count(*) * 1000 + sum(qty) FROM \"%s\"", table);
    assert_int_equal(1000 + a.qty, raw_int(f->raw, want));
}

static void test_migrate_adds_missing_columns_and_keeps_rows_and_other_columns(void **state)
{
    fix_t *f = fix(state);
    char table[32], sql[256], got[512];
    orm_model_t m = item_model(table, sizeof table, "stock", 5);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (id INTEGER PRIMARY KEY, sku TEXT, legacy TEXT)",
             table);
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    int n = 2 + (int)ug_rand_below(10);
    for (int i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (sku, legacy) VALUES ('s%d', 'old%d')", table,
                 i, i);
        assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    }

    assert_int_equal(0, orm_migrate(f->db, &m));
    columns_of(f->raw, table, got, sizeof got);
    assert_string_equal("id,sku,legacy,qty,price,hidden", got);

    /* Old rows read the new columns as zero; the extra column keeps its data. */
    orm_slice_t rows = {0};
    assert_int_equal(n, orm_find(orm_order(orm_q(f->db, &m), "ID", false), &rows));
    int64_t qty = 0, hidden = 0;
    char skus[256] = "";
    for (size_t i = 0; i < rows.len; i++) {
        item_t *it = (item_t *)rows.items + i;
        qty += it->qty;
        hidden += it->hidden;
        strcat(skus, it->sku);
    }
    orm_slice_free(&m, &rows);
    assert_int_equal(0, qty);
    assert_int_equal(0, hidden);
    char want[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "s%d", i);
    assert_string_equal(want, skus);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE legacy LIKE 'old%%'", table);
    assert_int_equal(n, raw_int(f->raw, sql));

    item_t it = {.qty = 1 + (int64_t)ug_rand_below(50), .price = 2.5};
    rand_word(it.sku);
    assert_int_equal(0, orm_create(f->db, &m, &it));
    assert_int_equal(n + 1, it.id);
}

static void test_migrating_again_changes_nothing(void **state)
{
    fix_t *f = fix(state);
    user_t rows[64];
    int n = 1 + (int)ug_rand_below(20);
    seed_users(f, rows, n);
    int64_t version = raw_int(f->raw, "PRAGMA schema_version");
    int again = 1 + (int)ug_rand_below(3);
    int failed = 0;
    for (int i = 0; i < again; i++)
        failed += orm_migrate(f->db, &user_model) != 0 || orm_migrate(f->db, &order_model) != 0;
    assert_int_equal(0, failed);
    assert_int_equal(version, raw_int(f->raw, "PRAGMA schema_version"));
    assert_int_equal(n, raw_int(f->raw, "SELECT count(*) FROM users"));
}

static void test_a_failed_migration_leaves_the_schema_as_it_was(void **state)
{
    fix_t *f = fix(state);
    char table[32], sql[256], got[256];
    orm_model_t m = item_model(table, sizeof table, "parts", 5);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (id INTEGER PRIMARY KEY, sku TEXT)", table);
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    int n = 2 + (int)ug_rand_below(8);
    int dup = (int)ug_rand_below((uint64_t)n - 1);
    for (int i = 0; i < n; i++) {
        /* Row n-1 repeats the SKU of row dup: no unique index can be built. */
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (sku) VALUES ('p%d')", table,
                 i == n - 1 ? dup : i);
        assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    }
    int64_t version = raw_int(f->raw, "PRAGMA schema_version");

    assert_int_equal(-ORM_ECONSTRAINT, orm_migrate(f->db, &m));
    columns_of(f->raw, table, got, sizeof got);
    assert_string_equal("id,sku", got);
    assert_int_equal(version, raw_int(f->raw, "PRAGMA schema_version"));
    assert_int_equal(1, sqlite3_get_autocommit(f->raw));

    snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE id = %d", table, n);
    assert_int_equal(SQLITE_OK, raw_exec(f->raw, sql));
    assert_int_equal(0, orm_migrate(f->db, &m));
    columns_of(f->raw, table, got, sizeof got);
    assert_string_equal("id,sku,qty,price,hidden", got);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    assert_int_equal(n - 1, raw_int(f->raw, sql));
}

/* ---- quoting ---------------------------------------------------------------------- */

typedef struct odd {
    int64_t id;
    int64_t group;
    char weird[24];
    bool select;
} odd_t;

static const orm_field_t odd_fields[] = {
    ORM_FIELD(odd_t, id, "ID", ORM_INT, ORM_PK),
    ORM_COLUMN(odd_t, group, "Group", "group", ORM_INT, ORM_INDEX),
    ORM_COLUMN(odd_t, weird, "Weird", "we\"ird col", ORM_TEXT, 0),
    ORM_COLUMN(odd_t, select, "Select", "select", ORM_BOOL, 0),
};

static void test_keywords_and_quotes_in_names_are_quoted(void **state)
{
    fix_t *f = fix(state);
    char table[48], w[16], sql[256], got[256];
    rand_word(w);
    snprintf(table, sizeof table, "order \"%s\"", w); /* a keyword, a space, quotes */
    orm_model_t m = {.table = table, .size = sizeof(odd_t), .fields = odd_fields, .nfields = 4};
    assert_int_equal(0, orm_migrate(f->db, &m));

    int n = 3 + (int)ug_rand_below(8);
    int64_t group_sum = 0;
    odd_t pick = {0};
    for (int i = 0; i < n; i++) {
        odd_t o = {.group = (int64_t)ug_rand_below(5), .select = i % 2};
        snprintf(o.weird, sizeof o.weird, "v\"%d'", i);
        assert_int_equal(0, orm_create(f->db, &m, &o));
        group_sum += o.group;
        if (i == n / 2)
            pick = o;
    }
    odd_t got_row = {0};
    assert_int_equal(0, orm_first(orm_where_eq(orm_q(f->db, &m), "Weird", ORM_S(pick.weird)),
                                  &got_row));
    assert_int_equal(pick.id, got_row.id);
    assert_string_equal(pick.weird, got_row.weird);
    assert_int_equal(pick.group, got_row.group);

    /* SQLite's own view: the table and columns have exactly these names. */
    snprintf(sql, sizeof sql, "SELECT sum(\"group\") FROM \"order \"\"%s\"\"\"", w);
    assert_int_equal(group_sum, raw_int(f->raw, sql));
    snprintf(sql, sizeof sql, "order \"%s\"", w);
    char q[512];
    snprintf(q, sizeof q, "SELECT group_concat(name, ',') FROM pragma_table_info('%s')", sql);
    raw_text(f->raw, q, got, sizeof got);
    assert_string_equal("id,group,we\"ird col,select", got);
}

/* ---- schemas to refuse -------------------------------------------------------------- */

typedef struct bad {
    int64_t id;
    int32_t small;
    char text[8];
    int64_t other;
} bad_t;

static void test_bad_schemas_are_refused_and_create_nothing(void **state)
{
    fix_t *f = fix(state);
    static const orm_field_t no_pk[] = {ORM_FIELD(bad_t, other, "Other", ORM_INT, 0)};
    static const orm_field_t two_pks[] = {ORM_FIELD(bad_t, id, "ID", ORM_INT, ORM_PK),
                                          ORM_FIELD(bad_t, other, "Other", ORM_INT, ORM_PK)};
    static const orm_field_t small_int[] = {ORM_FIELD(bad_t, id, "ID", ORM_INT, ORM_PK),
                                            ORM_FIELD(bad_t, small, "Small", ORM_INT, 0)};
    static const orm_field_t text_pk[] = {ORM_FIELD(bad_t, text, "Text", ORM_TEXT, ORM_PK)};
    static const orm_field_t text_stamp[] = {ORM_FIELD(bad_t, id, "ID", ORM_INT, ORM_PK),
                                             ORM_FIELD(bad_t, text, "Text", ORM_TEXT,
                                                       ORM_DELETED_AT)};
    static const orm_field_t same_column[] = {ORM_FIELD(bad_t, id, "ID", ORM_INT, ORM_PK),
                                              ORM_COLUMN(bad_t, other, "Other", "id", ORM_INT, 0)};
    static const orm_field_t good[] = {ORM_FIELD(bad_t, id, "ID", ORM_INT, ORM_PK),
                                       ORM_FIELD(bad_t, other, "Other", ORM_INT, 0)};
    static const orm_has_many_t bad_fk[] = {{"Users", &user_model, "Nope", 0}};
    const struct {
        const orm_field_t *fields;
        size_t n;
        const orm_has_many_t *rel;
    } cases[] = {
        {no_pk, 1, NULL},      {two_pks, 2, NULL},     {small_int, 2, NULL}, {text_pk, 1, NULL},
        {text_stamp, 2, NULL}, {same_column, 2, NULL}, {good, 2, bad_fk},
    };
    char w[16], table[32];
    rand_word(w);
    snprintf(table, sizeof table, "bad_%s", w);
    int refused = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        orm_model_t m = {.table = table,
                         .size = sizeof(bad_t),
                         .fields = cases[i].fields,
                         .nfields = cases[i].n,
                         .has_many = cases[i].rel,
                         .nhas_many = cases[i].rel ? 1 : 0};
        refused += orm_migrate(f->db, &m) == -EINVAL;
    }
    assert_int_equal(7, refused);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE name = '%s'", table);
    assert_int_equal(0, raw_int(f->raw, sql));

    orm_model_t ok = {.table = table, .size = sizeof(bad_t), .fields = good, .nfields = 2};
    assert_int_equal(0, orm_migrate(f->db, &ok));
    bad_t b = {.other = (int64_t)ug_rand_below(1000)};
    assert_int_equal(0, orm_create(f->db, &ok, &b));
    snprintf(sql, sizeof sql, "SELECT other FROM \"%s\"", table);
    assert_int_equal(b.other, raw_int(f->raw, sql));
}

UG_TEST_GROUP(orm_schema, NULL, NULL, T_MEM(test_column_names_follow_the_naming_convention),
              T_MEM(test_migrate_creates_typed_columns_a_primary_key_and_indexes),
              T_MEM(test_migrate_adds_missing_columns_and_keeps_rows_and_other_columns),
              T_MEM(test_migrating_again_changes_nothing),
              T_MEM(test_a_failed_migration_leaves_the_schema_as_it_was),
              T_MEM(test_keywords_and_quotes_in_names_are_quoted),
              T_MEM(test_bad_schemas_are_refused_and_create_nothing));
