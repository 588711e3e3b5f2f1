/*
 * conn.c — what happens around a pick: the connection counters and the
 * overload thresholds (set at u_threshold total connections, cleared
 * below l_threshold, or below 3/4 of u_threshold when none is set), and
 * persistence templates on the virtual clock.
 *
 * Interface: lvs_dest_thresholds → lvs_connect → lvs_conn_inactive →
 * lvs_conn_close; lvs_service_persistent → lvs_templates.
 */
#include "lvs_test.h"

static bool overloaded(lvs_service_t *svc, int id)
{
    lvs_dest_info_t in;
    assert_int_equal(0, lvs_dest_info(svc, id, &in));
    return in.overloaded;
}

/* A dest is overloaded once active + inactive reaches u_threshold; closing
 * connections clears it below 3/4 of u_threshold, or below l_threshold
 * when one is set. Inactive connections count. */
static void
test_upper_threshold_overloads_and_the_lower_one_or_three_quarters_releases(void **state)
{
    (void)state;
    int u = 4 + (int)ug_rand_below(5), l = 1 + (int)ug_rand_below((uint32_t)u - 1);
    lvs_service_t *svc = lvs_service_new(LVS_RR);
    assert_non_null(svc);
    assert_int_equal(0, lvs_dest_add(svc, IP4(192, 168, 1, 10), 80, 1));
    assert_int_equal(0, lvs_dest_thresholds(svc, 0, u, 0));
    lvs_flow_t f = flow_to(IP4(1, 2, 3, 4), VIP);
    lvs_conn_t c[8];
    char seen[2][20], want[2][20];
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            assert_int_equal(0, lvs_dest_thresholds(svc, 0, u, l));
        int k = 0;
        for (int i = 0; i < u; i++) {
            assert_int_equal(0, lvs_connect(svc, &f, 0, &c[i]));
            seen[round][k++] = overloaded(svc, 0) ? 'O' : '.';
        }
        seen[round][k++] = lvs_schedule(svc, &f, 0) == -ENOENT ? 'x' : '?';
        for (int i = 0; i < u; i++)
            if (i % 2) /* half of them leave ESTABLISHED first */
                assert_int_equal(0, lvs_conn_inactive(svc, &c[i]));
        seen[round][k++] = overloaded(svc, 0) ? 'O' : '.';
        for (int i = 0; i < u; i++) {
            assert_int_equal(0, lvs_conn_close(svc, &c[i], 0));
            seen[round][k++] = overloaded(svc, 0) ? 'O' : '.';
        }
        seen[round][k] = 0;
        /* the expectation: overloaded from the u-th connection on, until
         * the total falls below the release point */
        k = 0;
        for (int i = 1; i <= u; i++)
            want[round][k++] = i >= u ? 'O' : '.';
        want[round][k++] = 'x';
        want[round][k++] = 'O';
        for (int left = u - 1; left >= 0; left--) {
            bool released = round ? left < l : left * 4 < u * 3;
            /* once cleared it stays cleared */
            bool before = k > u + 2 && want[round][k - 1] == '.';
            want[round][k++] = released || before ? '.' : 'O';
        }
        want[round][k] = 0;
    }
    assert_string_equal(want[0], seen[0]);
    assert_string_equal(want[1], seen[1]);
    lvs_dest_info_t in;
    assert_int_equal(0, lvs_dest_info(svc, 0, &in));
    assert_int_equal(0, in.active + in.inactive);
    lvs_service_free(svc);
}

/* Clients of one netmask share a template: they go back to the dest of
 * the template until timeout after its last use, even to a quiesced dest;
 * a template with an open connection never expires. */
static void test_persistence_template_holds_a_client_net_until_timeout_after_last_use(void **state)
{
    (void)state;
    int pos[3];
    lvs_service_t *svc = svc_list(LVS_RR, (int[]){1, 1, 1}, 3, pos);
    uint32_t t = 1000 + ug_rand_below(9000);
    assert_int_equal(0, lvs_service_persistent(svc, t, 0xffffff00u));
    uint32_t net1 = IP4(1, 2, 3, 0), net2 = IP4(1, 2, 4, 0);
    lvs_flow_t c1 = flow_to(net1 + 1 + ug_rand_below(100), VIP);
    lvs_flow_t c2 = flow_to(net1 + 101 + ug_rand_below(100), VIP);
    lvs_flow_t c3 = flow_to(net2 + 1 + ug_rand_below(200), VIP);
    lvs_conn_t k;
    int got[7], tm[4];
    got[0] = where(pos, 3, lvs_connect(svc, &c1, 0, &k));
    assert_int_equal(0, lvs_conn_close(svc, &k, 5));
    got[1] = where(pos, 3, lvs_connect(svc, &c2, t - 1, &k)); /* same /24, rr would say B */
    assert_int_equal(0, lvs_conn_close(svc, &k, t - 1));
    got[2] = where(pos, 3, lvs_connect(svc, &c3, t - 1, &k));
    assert_int_equal(0, lvs_conn_close(svc, &k, t - 1));
    tm[0] = lvs_templates(svc, t - 1);
    assert_int_equal(0, lvs_dest_edit(svc, pos[0], 0)); /* A quiesced */
    got[3] = where(pos, 3, lvs_connect(svc, &c1, t, &k));
    assert_int_equal(0, lvs_conn_close(svc, &k, t));
    lvs_dest_info_t in;
    assert_int_equal(0, lvs_dest_info(svc, pos[0], &in));
    tm[1] = in.persist;
    tm[2] = lvs_templates(svc, 2 * (uint64_t)t); /* both expired */
    got[4] = where(pos, 3, lvs_connect(svc, &c1, 2 * (uint64_t)t, &k));
    assert_int_equal(0, lvs_conn_close(svc, &k, 2 * (uint64_t)t));
    lvs_conn_t open;
    got[5] = where(pos, 3, lvs_connect(svc, &c3, 2 * (uint64_t)t, &open));
    tm[3] = lvs_templates(svc, 8 * (uint64_t)t); /* c1's gone, c3's held open */
    got[6] = where(pos, 3, lvs_connect(svc, &c3, 8 * (uint64_t)t, &k));
    assert_memory_equal(((int[]){0, 0, 1, 0, 2, 1, 1}), got, sizeof(got));
    assert_memory_equal(((int[]){2, 1, 0, 1}), tm, sizeof(tm));
    /* m clients of m other nets: one template each, beside c3's */
    int m = 1 + (int)ug_rand_below(5);
    for (int i = 0; i < m; i++) {
        lvs_flow_t c = flow_to(IP4(1, 3, i, 1 + ug_rand_below(200)), VIP);
        assert_true(lvs_connect(svc, &c, 8 * (uint64_t)t, &k) >= 0);
    }
    assert_int_equal(1 + m, lvs_templates(svc, 8 * (uint64_t)t));
    lvs_service_free(svc);
}

UG_TEST_GROUP(
    lvs_conn, NULL, NULL,
    cmocka_unit_test(test_upper_threshold_overloads_and_the_lower_one_or_three_quarters_releases),
    cmocka_unit_test(test_persistence_template_holds_a_client_net_until_timeout_after_last_use));
