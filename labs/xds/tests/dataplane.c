/*
 * dataplane.c — the client and the cache on their own: SotW removal
 * (LDS/CDS by absence, RDS/EDS not), warming, routing by weight, wildcard
 * and named subscriptions, consistent and per-node snapshots.
 */
#include "xds_world.h"

static xds_response_t resp;
static xds_request_t out[8];

static void resp_init(xds_type_t t, const char *v, const char *nonce)
{
    memset(&resp, 0, sizeof resp);
    resp.type = t;
    xds_name_copy(resp.version_info, v);
    xds_name_copy(resp.nonce, nonce);
}

static void resp_add(const char *name, const char *body)
{
    xds_resource_t *r = &resp.res[resp.nres++];
    xds_name_copy(r->name, name);
    snprintf(r->body, XDS_BODY, "%s", body);
}

static void test_sotw_absence_deletes_clusters_but_not_assignments(void **state)
{
    (void)state;
    xds_client_t *c;
    assert_int_equal(0, xds_client_new("n1", false, &c));
    assert_int_equal(2, xds_client_start(c, out, 8));
    int keep = (int)ug_rand_below(2);
    resp_init(XDS_CDS, "1", "1");
    resp_add("a", "eds=a");
    resp_add("b", "eds=b");
    int extra = (int)ug_rand_below(14); /* 2 + extra fit in a response */
    for (int i = 0; i < extra; i++) {
        char name[16], body[24];
        snprintf(name, sizeof name, "x%d", i);
        snprintf(body, sizeof body, "eds=x%d", i);
        resp_add(name, body);
    }
    assert_int_equal(2, xds_client_on_response(c, &resp, out, 8)); /* ACK + EDS [a,b,x...] */
    assert_int_equal(2 + extra, out[1].nnames);
    resp_init(XDS_EDS, "1", "2");
    resp_add("a", "10.0.0.1:80");
    resp_add("b", "10.0.0.2:80");
    assert_int_equal(1, xds_client_on_response(c, &resp, out, 8));
    /* EDS at a second version names only one: the other assignment stays. */
    char v2[24], n3[24];
    snprintf(v2, sizeof v2, "v%llu", (unsigned long long)ug_rand_below(1000000000));
    snprintf(n3, sizeof n3, "n%llu", (unsigned long long)ug_rand_below(1000000000));
    resp_init(XDS_EDS, v2, n3);
    resp_add(keep ? "a" : "b", keep ? "10.0.0.3:80" : "10.0.0.4:80");
    assert_int_equal(1, xds_client_on_response(c, &resp, out, 8));
    assert_int_equal(XDS_ACTIVE, xds_client_state(c, XDS_EDS, "a"));
    assert_int_equal(XDS_ACTIVE, xds_client_state(c, XDS_EDS, "b"));
    /* CDS at version 2 without b: b is deleted, and so is its subscription. */
    resp_init(XDS_CDS, "2", "4");
    resp_add("a", "eds=a");
    for (int i = 0; i < extra; i++) {
        char name[16], body[24];
        snprintf(name, sizeof name, "x%d", i);
        snprintf(body, sizeof body, "eds=x%d", i);
        resp_add(name, body);
    }
    assert_int_equal(2, xds_client_on_response(c, &resp, out, 8));
    assert_int_equal(XDS_ABSENT, xds_client_state(c, XDS_CDS, "b"));
    assert_int_equal(XDS_ACTIVE, xds_client_state(c, XDS_CDS, "a"));
    assert_int_equal(1 + extra, out[1].nnames);
    assert_string_equal(v2, out[1].version_info);
    assert_string_equal(n3, out[1].response_nonce);
    xds_client_free(c);
}

static void test_listener_and_cluster_warm_until_what_they_need_arrives(void **state)
{
    (void)state;
    xds_client_t *c;
    assert_int_equal(0, xds_client_new("n1", false, &c));
    xds_client_start(c, out, 8);
    char ep[32];
    snprintf(ep, sizeof ep, "10.9.0.%u:80", 1 + (unsigned)ug_rand_below(200));
    resp_init(XDS_LDS, "1", "1");
    resp_add("ingress", "route=rc secret=tls");
    assert_int_equal(3, xds_client_on_response(c, &resp, out, 8)); /* ACK, RDS, SDS */
    assert_int_equal(XDS_RDS, out[1].type);
    assert_int_equal(XDS_SDS, out[2].type);
    assert_int_equal(XDS_WARMING, xds_client_state(c, XDS_LDS, "ingress"));
    resp_init(XDS_RDS, "1", "2");
    resp_add("rc", "/ web=1");
    xds_client_on_response(c, &resp, out, 8);
    assert_int_equal(XDS_WARMING, xds_client_state(c, XDS_LDS, "ingress"));
    resp_init(XDS_SDS, "1", "3");
    resp_add("tls", "cert=abc");
    xds_client_on_response(c, &resp, out, 8);
    assert_int_equal(XDS_ACTIVE, xds_client_state(c, XDS_LDS, "ingress"));
    resp_init(XDS_CDS, "1", "4");
    resp_add("web", "eds=web-eds");
    xds_client_on_response(c, &resp, out, 8);
    assert_int_equal(XDS_WARMING, xds_client_state(c, XDS_CDS, "web"));
    assert_string_equal("-", route(c, "/", ug_rand()));
    resp_init(XDS_EDS, "1", "5");
    resp_add("web-eds", ep);
    xds_client_on_response(c, &resp, out, 8);
    assert_int_equal(XDS_ACTIVE, xds_client_state(c, XDS_CDS, "web"));
    assert_string_equal(ep, route(c, "/", ug_rand()));
    xds_client_free(c);
}

static void test_routes_pick_the_first_prefix_then_weight_then_endpoint(void **state)
{
    (void)state;
    xds_cache_t *cache;
    pump_t p;
    unsigned w1 = 1 + (unsigned)ug_rand_below(9), w2 = 1 + (unsigned)ug_rand_below(9);
    int eps = 1 + (int)ug_rand_below(4);
    seed_port();
    xds_snapshot_t s;
    snap_world(&s, "v1", 7, 2, eps, w1, w2);
    assert_int_equal(0, xds_cache_new(false, &cache));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s));
    assert_int_equal(0, pump_open(&p, cache, "n1", false));
    pump_run(&p);
    /* Over total * eps consecutive hashes: c0 gets w1 of each total, c1 w2. */
    unsigned total = w1 + w2, to_c1 = 0, to_last = 0;
    for (unsigned h = 0; h < total * (unsigned)eps; h++) {
        const char *e = route(p.cl, "/api/v1", h);
        to_c1 += strncmp(e, "10.7.1.", 7) == 0;
        to_last += strcmp(e, ep(7, h % total < w1 ? 0 : 1, eps - 1)) == 0;
    }
    assert_int_equal(w2 * (unsigned)eps, to_c1);
    assert_int_equal(total, to_last);
    assert_string_equal(ep(7, 0, 0), route(p.cl, "/", (uint64_t)eps * ug_rand_below(50)));
    assert_string_equal("-", route(p.cl, "api", 0));
    pump_close(&p);
    xds_cache_free(cache);
}

static void test_wildcard_gets_every_cluster_and_names_get_only_theirs(void **state)
{
    (void)state;
    xds_cache_t *cache;
    xds_sstream_t *ss;
    xds_snapshot_t s;
    int nc = 2 + (int)ug_rand_below(4);
    snap_world(&s, "v1", 1, nc, 1, 1, 1);
    assert_int_equal(0, xds_cache_new(false, &cache));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s));
    assert_int_equal(0, xds_sstream_open(cache, false, &ss));
    xds_request_t q;
    memset(&q, 0, sizeof q);
    q.type = XDS_CDS;
    xds_name_copy(q.node, "n1");
    assert_int_equal(XDS_REQ_OK, xds_sstream_request(ss, &q));
    xds_response_t r;
    assert_int_equal(1, xds_sstream_next(ss, &r));
    assert_int_equal(nc, r.nres);
    /* EDS is never a wildcard: names only, and a missing one is simply absent
     * (this cache is not ADS, so it answers at once). */
    q.type = XDS_EDS;
    q.nnames = 2;
    xds_name_copy(q.names[0], "c1");
    xds_name_copy(q.names[1], "c99");
    assert_int_equal(XDS_REQ_OK, xds_sstream_request(ss, &q));
    assert_int_equal(1, xds_sstream_next(ss, &r));
    assert_int_equal(1, r.nres);
    assert_string_equal("c1", r.res[0].name);
    assert_int_equal(0, xds_sstream_next(ss, &r));
    xds_sstream_close(ss);
    /* On ADS the same request waits until it names every assignment of the
     * snapshot; then it gets them (and nothing for the unknown name). */
    xds_cache_free(cache);
    assert_int_equal(0, xds_cache_new(true, &cache));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s));
    assert_int_equal(0, xds_sstream_open(cache, false, &ss));
    assert_int_equal(XDS_REQ_OK, xds_sstream_request(ss, &q));
    assert_int_equal(0, xds_sstream_next(ss, &r));
    q.nnames = nc + 1;
    for (int i = 0; i < nc; i++)
        snprintf(q.names[i + 1], XDS_NAME, "c%d", i);
    xds_name_copy(q.names[0], "c99");
    assert_int_equal(XDS_REQ_OK, xds_sstream_request(ss, &q));
    assert_int_equal(1, xds_sstream_next(ss, &r));
    assert_int_equal(nc, r.nres);
    xds_sstream_close(ss);
    xds_cache_free(cache);
}

static void test_cache_takes_only_consistent_snapshots_one_per_node(void **state)
{
    (void)state;
    xds_cache_t *cache;
    xds_snapshot_t a, b, bad, got;
    seed_port();
    snap_world(&a, "a1", 1, 2, 1, 1, 1);
    snap_world(&b, "b1", 2, 2, 1 + (int)ug_rand_below(3), 1, 1);
    assert_int_equal(0, xds_cache_new(false, &cache));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "node-a", &a));
    assert_int_equal(0, xds_cache_set_snapshot(cache, "node-b", &b));
    bad = a;
    snap_versions(&bad, "a2");
    bad.n[XDS_EDS] = 1; /* cluster c1 names an assignment not in the snapshot */
    assert_int_equal(-EINVAL, xds_cache_set_snapshot(cache, "node-a", &bad));
    bad = a;
    snprintf(bad.res[XDS_LDS][0].body, XDS_BODY, "route=missing");
    assert_int_equal(-EINVAL, xds_cache_set_snapshot(cache, "node-a", &bad));
    assert_int_equal(0, xds_cache_get_snapshot(cache, "node-a", &got));
    assert_string_equal("a1", got.version[XDS_LDS]);
    assert_int_equal(-ENOENT, xds_cache_get_snapshot(cache, "node-c", &got));
    pump_t p;
    assert_int_equal(0, pump_open(&p, cache, "node-b", false));
    pump_run(&p);
    assert_string_equal("b1", xds_client_version(p.cl, XDS_EDS));
    assert_string_equal(ep(2, 0, 0), route(p.cl, "/", 0));
    pump_close(&p);
    xds_cache_free(cache);
}

static void test_a_listener_with_a_secret_is_served_by_sds_after_its_routes(void **state)
{
    (void)state;
    xds_cache_t *cache;
    pump_t p;
    xds_snapshot_t s;
    seed_port();
    snap_world(&s, "v1", 4, 1, 1, 1, 1);
    snprintf(s.res[XDS_LDS][0].body, XDS_BODY, "route=rc secret=tls");
    snprintf(s.res[XDS_RDS][0].body, XDS_BODY, "/ c0=1");
    assert_int_equal(0, xds_cache_new(true, &cache));
    assert_int_equal(-EINVAL, xds_cache_set_snapshot(cache, "n1", &s)); /* tls is missing */
    char cert[32];
    snprintf(cert, sizeof cert, "cert=%08x", (unsigned)ug_rand());
    snap_add(&s, XDS_SDS, "tls", "%s", cert);
    assert_int_equal(0, xds_cache_set_snapshot(cache, "n1", &s));
    assert_int_equal(0, pump_open(&p, cache, "n1", false));
    pump_run(&p);
    assert_string_equal("resp LDS v=v1 n=3 res=[ingress]\n"
                        "req LDS v=v1 n=3 names=[]\n"
                        "req RDS v= n= names=[rc]\n"
                        "req SDS v= n= names=[tls]\n"
                        "resp RDS v=v1 n=4 res=[rc]\n"
                        "req RDS v=v1 n=4 names=[rc]\n"
                        "resp SDS v=v1 n=5 res=[tls]\n"
                        "req SDS v=v1 n=5 names=[tls]\n",
                        strstr(p.log, "resp LDS"));
    assert_int_equal(XDS_ACTIVE, xds_client_state(p.cl, XDS_LDS, "ingress"));
    assert_string_equal(ep(4, 0, 0), route(p.cl, "/", ug_rand()));
    pump_close(&p);
    xds_cache_free(cache);
}

UG_TEST_GROUP(xds_dataplane, NULL, NULL,
              cmocka_unit_test(test_sotw_absence_deletes_clusters_but_not_assignments),
              cmocka_unit_test(test_listener_and_cluster_warm_until_what_they_need_arrives),
              cmocka_unit_test(test_routes_pick_the_first_prefix_then_weight_then_endpoint),
              cmocka_unit_test(test_wildcard_gets_every_cluster_and_names_get_only_theirs),
              cmocka_unit_test(test_cache_takes_only_consistent_snapshots_one_per_node),
              cmocka_unit_test(test_a_listener_with_a_secret_is_served_by_sds_after_its_routes));
