/*
 * net.c — the protocol over the simulated network: a management server on
 * host "cp", an agent on host "e1" (one ADS stream, or a stream per type),
 * a lost connection that resumes where it was, on the virtual clock.
 */
#include <undergo/runtime.h>
#include <undergo/simnet.h>

#include "xds_world.h"

#define MS 1000000LL

typedef struct netw {
    bool ads, delta;
    int64_t latency;
    xds_cache_t *cache;
    xds_server_t *srv;
    xds_client_t *cl;
    xds_agent_t *agent;
    simnet_t *net;
    xds_snapshot_t snap;
    int acks[XDS_NTYPES];
    char rds_version[XDS_NAME];
    uint64_t conns;
    char before[XDS_NAME], after[XDS_NAME], during[XDS_NAME];
} netw_t;

static netw_t W;

static void on_ack(void *ud, xds_type_t t, const char *v)
{
    netw_t *w = ud;
    w->acks[t]++;
    if (t == XDS_RDS)
        xds_name_copy(w->rds_version, v);
}

static void start_server(void *arg)
{
    netw_t *w = arg;
    xds_server_start(w->cache, 18000, &w->srv);
}

static void start_agent(void *arg)
{
    netw_t *w = arg;
    xds_agent_start(w->cl, "cp:18000", w->ads, on_ack, w, &w->agent);
}

static void at(netw_t *w, const char *path, char *out)
{
    xds_agent_lock(w->agent);
    if (xds_client_route(w->cl, "ingress", path, 0, out, XDS_NAME))
        xds_name_copy(out, "-");
    xds_agent_unlock(w->agent);
}

static void scenario(void *arg)
{
    netw_t *w = arg;
    simlink_t l = {.latency = w->latency};
    simhost_t *cp, *e1;
    if (simnet_new(&l, &w->net) || simnet_host_add(w->net, "cp", &cp) ||
        simnet_host_add(w->net, "e1", &e1))
        return;
    simhost_spawn(cp, start_server, w, NULL);
    clock_sleep(w->latency);
    simhost_spawn(e1, start_agent, w, NULL);
    clock_sleep(20 * w->latency);
    if (!w->srv || !w->agent)
        return;
    at(w, "/", w->before);
    /* The stream is lost; v2 is set while the agent waits to dial again. */
    xds_agent_drop(w->agent);
    clock_sleep(w->latency);
    snap_world(&w->snap, "v2", 2, 2, 1, 1, 1);
    xds_server_set_snapshot(w->srv, "n1", &w->snap);
    at(w, "/", w->during);
    clock_sleep(100 * MS + 20 * w->latency);
    at(w, "/", w->after);
    simnet_stats_t st;
    simnet_stats(w->net, "e1", "cp", &st);
    w->conns = st.conns;
    xds_agent_stop(w->agent);
    xds_server_stop(w->srv);
    simnet_free(w->net);
}

static void run(bool ads, bool delta)
{
    memset(&W, 0, sizeof W);
    W.ads = ads;
    W.delta = delta;
    W.latency = (1 + (int64_t)ug_rand_below(20)) * MS;
    seed_port();
    assert_int_equal(0, xds_cache_new(ads, &W.cache));
    assert_int_equal(0, xds_client_new("n1", delta, &W.cl));
    snap_world(&W.snap, "v1", 1, 2, 1, 1, 1);
    assert_int_equal(0, xds_cache_set_snapshot(W.cache, "n1", &W.snap));
    rt_config_t cfg = {.sched = RT_SCHED_RANDOM, .seed = ug_rand()};
    assert_int_equal(0, rt_run(&cfg, scenario, &W));
    xds_client_free(W.cl);
    xds_cache_free(W.cache);
}

static void test_a_lost_ads_stream_resumes_and_takes_the_newer_snapshot(void **state)
{
    (void)state;
    run(true, false);
    assert_string_equal(ep(1, 0, 0), W.before);
    assert_string_equal(ep(1, 0, 0), W.during); /* the old config serves meanwhile */
    assert_string_equal(ep(2, 0, 0), W.after);
    assert_string_equal("v2", W.rds_version);
    assert_int_equal(2, (int)W.conns);
    assert_int_equal(2, W.acks[XDS_RDS]);
    assert_int_equal(2, W.acks[XDS_LDS]);
}

static void test_separate_streams_per_type_reach_the_same_config(void **state)
{
    (void)state;
    run(false, false);
    assert_string_equal(ep(1, 0, 0), W.before);
    assert_string_equal(ep(2, 0, 0), W.after);
    assert_int_equal(8, (int)W.conns); /* CDS, EDS, LDS, RDS, twice */
    assert_int_equal(2, W.acks[XDS_CDS]);
}

static void test_a_lost_delta_stream_resumes_and_gets_only_the_changed_assignments(void **state)
{
    (void)state;
    run(true, true);
    assert_string_equal(ep(1, 0, 0), W.before);
    assert_string_equal(ep(2, 0, 0), W.after);
    assert_int_equal(2, (int)W.conns);
    assert_int_equal(2, W.acks[XDS_EDS]); /* v1, then v2's new endpoints */
    assert_int_equal(1, W.acks[XDS_CDS]); /* the resumed stream resends no cluster */
    assert_int_equal(1, W.acks[XDS_LDS]);
    assert_int_equal(1, W.acks[XDS_RDS]);
}

static void test_separate_delta_streams_resume_each_type_on_its_own(void **state)
{
    (void)state;
    run(false, true);
    assert_string_equal(ep(2, 0, 0), W.after);
    assert_int_equal(8, (int)W.conns);
    assert_int_equal(2, W.acks[XDS_EDS]);
    assert_int_equal(1, W.acks[XDS_CDS]);
    assert_int_equal(1, W.acks[XDS_RDS]);
}

UG_TEST_GROUP(
    xds_net, NULL, NULL,
    cmocka_unit_test(test_a_lost_ads_stream_resumes_and_takes_the_newer_snapshot),
    cmocka_unit_test(test_separate_streams_per_type_reach_the_same_config),
    cmocka_unit_test(test_a_lost_delta_stream_resumes_and_gets_only_the_changed_assignments),
    cmocka_unit_test(test_separate_delta_streams_resume_each_type_on_its_own));
