/*
 * delta.c — incremental xDS over ADS: only what changed is sent, removals
 * by name (stale clusters last), a resumed stream that declares what it
 * holds gets nothing it has, and a NACK is not answered with the same
 * resource again.
 */
#include "xds_world.h"

static xds_cache_t *cache;
static pump_t p;
static xds_snapshot_t snap;
static int nc, eps;

static void synced(void)
{
    nc = 3 + (int)ug_rand_below(2);
    eps = 1 + (int)ug_rand_below(3);
    seed_port();
    assert_int_equal(0, xds_cache_new(true, &cache));
    snap_world(&snap, "v1", 1, nc, eps, 1, 1);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    assert_int_equal(0, pump_open(&p, cache, "n1", true));
    pump_run(&p);
}

static void done(void)
{
    pump_close(&p);
    xds_cache_free(cache);
}

static void test_delta_first_push_sends_each_resource_once_in_ads_order(void **state)
{
    (void)state;
    synced();
    char cl[128] = "", want[2048];
    for (int i = 0; i < nc; i++) {
        size_t o = strlen(cl);
        snprintf(cl + o, sizeof cl - o, "%sc%d", i ? "," : "", i);
    }
    snprintf(want, sizeof want,
             "req CDS n= sub=[] unsub=[] initial=0\n"
             "req LDS n= sub=[] unsub=[] initial=0\n"
             "resp CDS n=1 res=[%s] removed=[]\n"
             "req CDS n=1 sub=[] unsub=[] initial=0\n"
             "req EDS n= sub=[%s] unsub=[] initial=0\n"
             "resp EDS n=2 res=[%s] removed=[]\n"
             "req EDS n=2 sub=[] unsub=[] initial=0\n"
             "resp LDS n=3 res=[ingress] removed=[]\n"
             "req LDS n=3 sub=[] unsub=[] initial=0\n"
             "req RDS n= sub=[rc] unsub=[] initial=0\n"
             "resp RDS n=4 res=[rc] removed=[]\n"
             "req RDS n=4 sub=[] unsub=[] initial=0\n",
             cl, cl, cl);
    assert_string_equal(want, p.log);
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    done();
}

/* v2: c1's endpoints change, clusters from c2 on go. */
static void v2(xds_snapshot_t *s, const char *c1_body)
{
    *s = snap;
    snap_versions(s, "v2");
    s->n[XDS_CDS] = s->n[XDS_EDS] = 2;
    snprintf(s->res[XDS_EDS][1].body, XDS_BODY, "%s", c1_body);
}

static void test_delta_sends_only_changes_and_removes_stale_clusters_last(void **state)
{
    (void)state;
    synced();
    pump_clear(&p);
    xds_snapshot_t s2;
    v2(&s2, ep(2, 1, 0));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s2));
    pump_run(&p);
    char rm[64] = "", want[1024];
    for (int i = 2; i < nc; i++) {
        size_t o = strlen(rm);
        snprintf(rm + o, sizeof rm - o, "%sc%d", i > 2 ? "," : "", i);
    }
    snprintf(want, sizeof want,
             "resp EDS n=5 res=[c1] removed=[]\n"
             "req EDS n=5 sub=[] unsub=[] initial=0\n"
             "resp CDS n=6 res=[] removed=[%s]\n"
             "req CDS n=6 sub=[] unsub=[] initial=0\n"
             "req EDS n= sub=[] unsub=[%s] initial=0\n",
             rm, rm);
    assert_string_equal(want, p.log);
    assert_int_equal(XDS_ABSENT, xds_client_state(p.cl, XDS_CDS, "c2"));
    uint64_t h = 1 + 2 * ug_rand_below(100); /* odd: c1 under "/api c0=1,c1=1" */
    assert_string_equal(ep(2, 1, 0), route(p.cl, "/api", h));
    done();
}

static void test_delta_resume_declares_what_it_holds_and_gets_only_changes(void **state)
{
    (void)state;
    synced();
    xds_sstream_close(p.ss);
    assert_int_equal(0, xds_sstream_open(cache, true, &p.ss));
    pump_clear(&p);
    xds_request_t q[8];
    int n = xds_client_reconnect(p.cl, q, 8);
    assert_int_equal(4, n);
    pump_requests(&p, q, n);
    pump_run(&p);
    char want[512];
    snprintf(want, sizeof want,
             "req CDS n= sub=[] unsub=[] initial=%d\n"
             "req EDS n= sub=%s unsub=[] initial=%d\n"
             "req LDS n= sub=[] unsub=[] initial=1\n"
             "req RDS n= sub=[rc] unsub=[] initial=1\n",
             nc, nc == 3 ? "[c0,c1,c2]" : "[c0,c1,c2,c3]", nc);
    assert_string_equal(want, p.log);
    assert_int_equal(0, p.responses);
    /* One assignment changes while the stream is new: only it is sent. */
    snap_versions(&snap, "v2");
    int k = (int)ug_rand_below((unsigned)nc);
    snprintf(snap.res[XDS_EDS][k].body, XDS_BODY, "%s", ep(3, k, 0));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &snap));
    pump_clear(&p);
    pump_run(&p);
    snprintf(want, sizeof want,
             "resp EDS n=1 res=[c%d] removed=[]\nreq EDS n=1 sub=[] unsub=[] initial=0\n", k);
    assert_string_equal(want, p.log);
    assert_string_equal(k == 0 ? ep(3, 0, 0) : ep(1, 0, 0), route(p.cl, "/", 0));
    done();
}

static void test_delta_nack_rejects_the_whole_response_and_is_not_resent(void **state)
{
    (void)state;
    synced();
    pump_clear(&p);
    xds_snapshot_t s2;
    v2(&s2, "10.2.1.0:http");
    s2.n[XDS_CDS] = s2.n[XDS_EDS] = nc;                             /* nothing removed */
    snprintf(s2.res[XDS_EDS][0].body, XDS_BODY, "%s", ep(2, 0, 0)); /* valid, same response */
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s2));
    pump_run(&p);
    assert_string_equal("resp EDS n=5 res=[c0,c1] removed=[]\n"
                        "req EDS n=5 sub=[] unsub=[] initial=0 NACK c1: assignment: bad endpoint "
                        "10.2.1.0:http\n",
                        p.log);
    uint64_t h = 1 + 2 * ug_rand_below(100);
    assert_string_equal(ep(1, 1, (int)((h / 2) % (uint64_t)eps)), route(p.cl, "/api", h));
    assert_string_equal(ep(1, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(100)));
    pump_clear(&p);
    pump_run(&p);
    assert_int_equal(0, p.responses);
    done();
}

UG_TEST_GROUP(xds_delta, NULL, NULL,
              cmocka_unit_test(test_delta_first_push_sends_each_resource_once_in_ads_order),
              cmocka_unit_test(test_delta_sends_only_changes_and_removes_stale_clusters_last),
              cmocka_unit_test(test_delta_resume_declares_what_it_holds_and_gets_only_changes),
              cmocka_unit_test(test_delta_nack_rejects_the_whole_response_and_is_not_resent));
