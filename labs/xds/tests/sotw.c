/*
 * sotw.c — State of the World over one ADS stream, message by message:
 * the first push in ADS order, ACKs, no answer at the client's version,
 * NACK and rollback, a stale nonce, stale clusters removed last, a
 * resumed stream, and the push order under a seeded shuffle.
 */
#include "xds_world.h"

static xds_cache_t *cache;
static pump_t p;
static xds_snapshot_t snap;
static int eps;

/* v1 synced on an ADS stream; returns the cluster count. */
static int synced(bool ads, unsigned w1, unsigned w2)
{
    int nc = 2 + (int)ug_rand_below(3);
    seed_port();
    assert_int_equal(0, xds_cache_new(ads, &cache));
    eps = 1 + (int)ug_rand_below(3);
    snap_world(&snap, "v1", 1, nc, eps, w1, w2);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    assert_int_equal(0, pump_open(&p, cache, "n1", false));
    pump_run(&p);
    return nc;
}

static void done(void)
{
    pump_close(&p);
    xds_cache_free(cache);
}

static void names(char *out, size_t len, int nc)
{
    size_t o = 0;
    for (int i = 0; i < nc; i++)
        o += (size_t)snprintf(out + o, len - o, "%sc%d", i ? "," : "", i);
}

static void test_ads_first_push_goes_cds_eds_lds_rds_each_acked(void **state)
{
    (void)state;
    int nc = synced(true, 1, 1);
    char cl[128], want[2048];
    names(cl, sizeof cl, nc);
    snprintf(want, sizeof want,
             "req CDS v= n= names=[]\n"
             "req LDS v= n= names=[]\n"
             "resp CDS v=v1 n=1 res=[%s]\n"
             "req CDS v=v1 n=1 names=[]\n"
             "req EDS v= n= names=[%s]\n"
             "resp EDS v=v1 n=2 res=[%s]\n"
             "req EDS v=v1 n=2 names=[%s]\n"
             "resp LDS v=v1 n=3 res=[ingress]\n"
             "req LDS v=v1 n=3 names=[]\n"
             "req RDS v= n= names=[rc]\n"
             "resp RDS v=v1 n=4 res=[rc]\n"
             "req RDS v=v1 n=4 names=[rc]\n",
             cl, cl, cl, cl);
    assert_string_equal(want, p.log);
    assert_int_equal(4, p.acks);
    uint64_t h = ug_rand_below(1000);
    assert_string_equal(ep(1, 0, (int)(h % (uint64_t)eps)), route(p.cl, "/", h));
    done();
}

static void test_no_response_while_the_client_is_at_the_current_version(void **state)
{
    (void)state;
    synced(true, 1, 1);
    pump_clear(&p);
    /* Setting the same version again changes nothing; a new version is pushed. */
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_run(&p);
    assert_string_equal("", p.log);
    snap_versions(&snap, "v2");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_run(&p);
    assert_int_equal(4, p.responses);
    assert_string_equal("v2", xds_client_version(p.cl, XDS_RDS));
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    done();
}

static void test_nack_keeps_the_old_config_and_a_new_version_rolls_back(void **state)
{
    (void)state;
    unsigned w1 = 1 + (unsigned)ug_rand_below(5), w2 = 1 + (unsigned)ug_rand_below(5);
    synced(true, w1, w2);
    uint64_t h = w1 + ug_rand_below(w2); /* lands in c1 under v1 */
    assert_string_equal(ep(1, 1, 0), route(p.cl, "/api", h));
    pump_clear(&p);
    xds_snapshot_t bad = snap;
    snap_versions(&bad, "v2");
    snprintf(bad.res[XDS_RDS][0].body, XDS_BODY, "/api c0=0,c1=%u;/ c0=1", w2);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &bad));
    pump_run(&p);
    assert_string_equal("resp RDS v=v2 n=8 res=[rc]\n"
                        "req RDS v=v1 n=8 names=[rc] NACK rc: route config: bad route 1\n",
                        strstr(p.log, "resp RDS"));
    assert_int_equal(1, p.nacks);
    assert_string_equal("v1", xds_client_version(p.cl, XDS_RDS));
    assert_string_equal(ep(1, 1, 0), route(p.cl, "/api", h));
    /* The rejected version is not sent again... */
    pump_clear(&p);
    pump_run(&p);
    assert_string_equal("", p.log);
    /* ...and a fixed one is taken. */
    snap_versions(&snap, "v3");
    snprintf(snap.res[XDS_RDS][0].body, XDS_BODY, "/api c0=1;/ c1=1");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_run(&p);
    assert_string_equal("v3", xds_client_version(p.cl, XDS_RDS));
    assert_string_equal(ep(1, 0, (int)(h % (uint64_t)eps)), route(p.cl, "/api", h));
    done();
}

static void test_a_fix_set_before_the_nack_arrives_is_still_sent(void **state)
{
    (void)state;
    synced(true, 1, 1);
    xds_snapshot_t bad = snap;
    snap_versions(&bad, "v2");
    snprintf(bad.res[XDS_RDS][0].body, XDS_BODY, "/api c0=x;/ c0=1");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &bad));
    static xds_response_t r;
    static xds_request_t out[8];
    int n = 0;
    for (int i = 0; i < 4 && xds_sstream_next(p.ss, &r) == 1; i++) {
        n = xds_client_on_response(p.cl, &r, out, 8);
        if (r.type != XDS_RDS)
            pump_requests(&p, out, n);
    }
    /* The fix is set while the NACK of v2 is on its way. */
    unsigned w = 1 + (unsigned)ug_rand_below(5);
    snap_versions(&snap, "v3");
    snprintf(snap.res[XDS_RDS][0].body, XDS_BODY, "/api c1=%u;/ c0=1", w);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_clear(&p);
    pump_requests(&p, out, n);
    pump_run(&p);
    assert_int_equal(1, p.nacks);
    assert_string_equal("resp RDS v=v3 n=12 res=[rc]\nreq RDS v=v3 n=12 names=[rc]\n",
                        strstr(p.log, "resp RDS"));
    assert_string_equal(ep(1, 1, 0),
                        route(p.cl, "/api", (uint64_t)w * (uint64_t)eps * ug_rand_below(9)));
    done();
}

static void test_a_request_with_a_stale_nonce_is_ignored(void **state)
{
    (void)state;
    int nc = synced(true, 1, 1);
    /* An EDS request answering nonce 2 while the server's last EDS nonce is 2: fine;
     * once EDS v2 (nonce 6) went out, a request carrying nonce 2 is stale. */
    snap_versions(&snap, "v2");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    xds_response_t r;
    assert_int_equal(1, xds_sstream_next(p.ss, &r)); /* CDS, nonce 5 */
    assert_int_equal(1, xds_sstream_next(p.ss, &r)); /* EDS, nonce 6 */
    xds_request_t q;
    memset(&q, 0, sizeof q);
    q.type = XDS_EDS;
    snprintf(q.node, XDS_NAME, "n1");
    snprintf(q.version_info, XDS_NAME, "v1");
    snprintf(q.response_nonce, XDS_NAME, "2");
    q.nnames = 1;
    snprintf(q.names[0], XDS_NAME, "c%d", (int)ug_rand_below((unsigned)nc));
    assert_int_equal(XDS_REQ_STALE, xds_sstream_request(p.ss, &q));
    snprintf(q.response_nonce, XDS_NAME, "6");
    snprintf(q.version_info, XDS_NAME, "v2");
    assert_int_equal(XDS_REQ_ACK, xds_sstream_request(p.ss, &q));
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    done();
}

static void test_stale_clusters_are_removed_after_the_rest_of_the_push(void **state)
{
    (void)state;
    synced(true, 1, 1);
    /* v2: the routes move to c1 and c9; every other cluster goes. */
    xds_snapshot_t v2;
    memset(&v2, 0, sizeof v2);
    snap_versions(&v2, "v2");
    snap_add(&v2, XDS_LDS, "ingress", "route=rc");
    snap_add(&v2, XDS_RDS, "rc", "/api c1=1,c9=1;/ c9=1");
    snap_add(&v2, XDS_CDS, "c1", "eds=c1");
    snap_add(&v2, XDS_CDS, "c9", "eds=c9");
    snap_add(&v2, XDS_EDS, "c1", "%s", ep(2, 1, 0));
    snap_add(&v2, XDS_EDS, "c9", "%s", ep(2, 9, 0));
    int nc = 0;
    while (snap.n[XDS_CDS] > nc)
        nc++;
    char stale[128] = "", all[160];
    for (int i = 0; i < nc; i++)
        if (i != 1) {
            size_t o = strlen(stale);
            snprintf(stale + o, sizeof stale - o, ",c%d", i);
        }
    snprintf(all, sizeof all, "c1,c9%s", stale);
    pump_clear(&p);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &v2));
    pump_run(&p);
    char want[2048];
    snprintf(want, sizeof want,
             "resp CDS v=v2 n=5 res=[%s]\n"
             "req CDS v=v2 n=5 names=[]\n"
             "req EDS v=v1 n=2 names=[%s]\n"
             "resp EDS v=v2 n=6 res=[c1,c9]\n"
             "req EDS v=v2 n=6 names=[%s]\n"
             "resp LDS v=v2 n=7 res=[ingress]\n"
             "req LDS v=v2 n=7 names=[]\n"
             "resp RDS v=v2 n=8 res=[rc]\n"
             "req RDS v=v2 n=8 names=[rc]\n"
             "resp CDS v=v2 n=9 res=[c1,c9]\n"
             "req CDS v=v2 n=9 names=[]\n"
             "req EDS v=v2 n=6 names=[c1,c9]\n"
             "resp EDS v=v2 n=10 res=[c1,c9]\n"
             "req EDS v=v2 n=10 names=[c1,c9]\n",
             all, all, all);
    assert_string_equal(want, p.log);
    assert_int_equal(XDS_ABSENT, xds_client_state(p.cl, XDS_CDS, "c0"));
    assert_string_equal(ep(2, 9, 0), route(p.cl, "/", ug_rand()));
    done();
}

static void test_a_resumed_stream_at_the_current_version_gets_nothing_until_a_change(void **state)
{
    (void)state;
    synced(true, 1, 1);
    xds_sstream_close(p.ss);
    assert_int_equal(0, xds_sstream_open(cache, false, &p.ss));
    pump_clear(&p);
    xds_request_t q[8];
    int n = xds_client_reconnect(p.cl, q, 8);
    assert_int_equal(4, n);
    pump_requests(&p, q, n);
    pump_run(&p);
    char cl[128], want[512];
    names(cl, sizeof cl, snap.n[XDS_CDS]);
    snprintf(want, sizeof want,
             "req CDS v=v1 n= names=[]\n"
             "req EDS v=v1 n= names=[%s]\n"
             "req LDS v=v1 n= names=[]\n"
             "req RDS v=v1 n= names=[rc]\n",
             cl);
    assert_string_equal(want, p.log);
    assert_int_equal(0, p.responses);
    snap_versions(&snap, "v2");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_run(&p);
    assert_int_equal(4, p.responses);
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    done();
}

static void test_ads_push_order_holds_under_a_seeded_shuffle_of_requests(void **state)
{
    (void)state;
    synced(true, 1, 1);
    xds_sstream_close(p.ss);
    assert_int_equal(0, xds_sstream_open(cache, false, &p.ss));
    xds_request_t q[8];
    int n = xds_client_reconnect(p.cl, q, 8);
    for (int i = n - 1; i > 0; i--) {
        int j = (int)ug_rand_below((unsigned)i + 1);
        xds_request_t t = q[i];
        q[i] = q[j];
        q[j] = t;
    }
    for (int i = 0; i < n; i++)
        xds_sstream_request(p.ss, &q[i]);
    snap_versions(&snap, "v2");
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    char order[64] = "";
    xds_response_t r;
    while (xds_sstream_next(p.ss, &r) == 1 && strlen(order) < 40) {
        strcat(order, xds_type_short(r.type));
        strcat(order, " ");
    }
    assert_string_equal("CDS EDS LDS RDS ", order);
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    done();
}

/* One stream per type on a non-ADS cache: every stream has nonces of its own. */
static void test_separate_streams_carry_one_type_each_with_their_own_nonces(void **state)
{
    (void)state;
    int nc = 1 + (int)ug_rand_below(4);
    seed_port();
    assert_int_equal(0, xds_cache_new(false, &cache));
    snap_world(&snap, "v1", 1, nc, 1, 1, 1);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    xds_sstream_t *st[XDS_NTYPES];
    for (int t = 0; t < XDS_NTYPES; t++)
        assert_int_equal(0, xds_sstream_open(cache, false, &st[t]));
    xds_client_t *cl;
    assert_int_equal(0, xds_client_new("n1", false, &cl));
    static xds_request_t q[64];
    static xds_response_t r;
    int nq = xds_client_start(cl, q, 8), sent = 0;
    char log[2048] = "";
    for (int k = 0; k < 40; k++) {
        for (; sent < nq; sent++)
            xds_sstream_request(st[q[sent].type], &q[sent]);
        bool any = false;
        for (int t = 0; t < XDS_NTYPES && !any; t++)
            if (xds_sstream_next(st[t], &r) == 1) {
                any = true;
                size_t o = strlen(log);
                snprintf(log + o, sizeof log - o, "%s:%s ", xds_type_short(r.type), r.nonce);
                int n = xds_client_on_response(cl, &r, q + nq, 8);
                nq += n > 0 && nq + n <= 56 ? n : 0;
            }
        if (!any)
            break;
    }
    assert_string_equal("CDS:1 EDS:1 LDS:1 RDS:1 ", log);
    assert_string_equal(ep(1, 0, 0), route(cl, "/", ug_rand()));
    for (int t = 0; t < XDS_NTYPES; t++)
        xds_sstream_close(st[t]);
    xds_client_free(cl);
    xds_cache_free(cache);
}

UG_TEST_GROUP(
    xds_sotw, NULL, NULL, cmocka_unit_test(test_ads_first_push_goes_cds_eds_lds_rds_each_acked),
    cmocka_unit_test(test_no_response_while_the_client_is_at_the_current_version),
    cmocka_unit_test(test_nack_keeps_the_old_config_and_a_new_version_rolls_back),
    cmocka_unit_test(test_a_fix_set_before_the_nack_arrives_is_still_sent),
    cmocka_unit_test(test_a_request_with_a_stale_nonce_is_ignored),
    cmocka_unit_test(test_stale_clusters_are_removed_after_the_rest_of_the_push),
    cmocka_unit_test(test_a_resumed_stream_at_the_current_version_gets_nothing_until_a_change),
    cmocka_unit_test(test_ads_push_order_holds_under_a_seeded_shuffle_of_requests),
    cmocka_unit_test(test_separate_streams_carry_one_type_each_with_their_own_nonces));
