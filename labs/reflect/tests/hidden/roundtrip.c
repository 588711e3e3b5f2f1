/*
 * roundtrip.c — hidden tests: random Records beyond Go's corpus reach a
 * fixed point after one trip through Unmarshal and Marshal, and the JSON
 * field list of Record is Go's.
 *
 * Interface: UG_TEST_GROUP(reflect_hidden).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undergo/labtest.h>

#include "reflect.h"
#include "../zoo.h"

/* m1 = Marshal(v); m2 = Marshal(Unmarshal(m1)); m3 = Marshal(Unmarshal(m2)):
 * m2 == m3, and m1 == m2 unless m1 held a \ufffd (which comes back as the
 * character itself). */
static void test_random_records_reach_a_fixed_point_after_one_round_trip(void **state)
{
    (void)state;
    int mismatches = 0, failures = 0, replaced = 0, same = 0, records = 20 + (int)ug_rand_below(60);
    for (int n = 0; n < records; n++) {
        reflect_arena_t *a = reflect_arena_new();
        Record r = zoo_record(a, 1000 + ug_rand());
        char *m1 = strdup(zoo_marshal(Record_type(), &r));
        Record back = {0}, again = {0};
        failures += reflect_json_unmarshal(m1, strlen(m1), Record_type(), &back, a, NULL) != 0;
        char *m2 = strdup(zoo_marshal(Record_type(), &back));
        failures += reflect_json_unmarshal(m2, strlen(m2), Record_type(), &again, a, NULL) != 0;
        mismatches += strcmp(m2, zoo_marshal(Record_type(), &again)) != 0;
        if (strstr(m1, "\\ufffd"))
            replaced++;
        else
            same += strcmp(m1, m2) == 0;
        free(m1);
        free(m2);
        reflect_arena_free(a);
    }
    assert_int_equal(0, failures);
    assert_int_equal(0, mismatches);
    assert_int_equal(records, replaced + same); /* m1 == m2 for every record without \ufffd */
}

/* Record's JSON fields, in the order Marshal writes them. */
static void test_record_json_fields_are_go_typefields(void **state)
{
    (void)state;
    const reflect_json_field_t *fs;
    size_t n = 0;
    assert_int_equal(0, reflect_json_fields(Record_type(), &fs, &n));
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        char one[48];
        snprintf(one, sizeof one, "%s%s%s%s ", fs[i].name, fs[i].tagged ? "*" : "",
                 fs[i].omitempty ? "?" : "", fs[i].quoted ? "$" : "");
        strcat(got, one);
    }
    assert_string_equal("id* created*? note* level* name* alias*? -* count*$ ratio* small*? "
                        "flag*? u8* I16 Big? tags* scores*? blob* attrs* ranks*? next* any* kids* ",
                        got);
    static const char *const names[] = {"id",    "created", "note",  "level",  "name", "alias",
                                        "-",     "count",   "ratio", "small",  "flag", "u8",
                                        "I16",   "Big",     "tags",  "scores", "blob", "attrs",
                                        "ranks", "next",    "any",   "kids"};
    for (int i = 0; i < 4; i++) {
        size_t k = ug_rand_below(22);
        char one[48];
        snprintf(one, sizeof one, "%s %zu", k < n ? fs[k].name : "?", k < n ? fs[k].depth : 0);
        char want[48];
        snprintf(want, sizeof want, "%s %d", names[k], k < 4 ? 2 : 1);
        assert_string_equal(want, one);
    }
}

UG_TEST_GROUP(reflect_hidden, NULL, NULL,
              cmocka_unit_test(test_random_records_reach_a_fixed_point_after_one_round_trip),
              cmocka_unit_test(test_record_json_fields_are_go_typefields));
