/*
 * xds.h — Envoy's xDS protocol: a snapshot cache on the management server,
 * the server side of a discovery stream (State of the World and delta, one
 * ADS stream or one stream per type), and the data plane that applies what
 * it receives and routes requests with it.
 *
 * The protocol core is pure: a server stream takes requests
 * (xds_sstream_request) and says what it would send now (xds_sstream_next);
 * a client takes responses (xds_client_on_response) and says which requests
 * it sends back. support/xds_net.c carries both over the runtime's
 * simulated network; tests drive the core directly to check exact message
 * sequences, and the network for a lost connection and 1000 clients.
 *
 * Interface: xds_cache_new → xds_cache_set_snapshot → xds_sstream_open →
 * (xds_sstream_request / xds_sstream_next)* → xds_sstream_close →
 * xds_cache_free; xds_client_new → xds_client_start →
 * (xds_client_on_response / xds_client_reconnect / xds_client_route)* →
 * xds_client_free.
 */
#ifndef XDS_H
#define XDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XDS_NAME 48    /* names, versions, nonces: NUL-terminated, shorter than this */
#define XDS_BODY 160   /* a resource's body (the encoding below) */
#define XDS_MAX_RES 16 /* resources of one type in a snapshot or a response */
#define XDS_ERR 128    /* error_detail */

/* Copies a name, version or nonce, cut to fit XDS_NAME. */
static inline void xds_name_copy(char *dst, const char *src)
{
    size_t n = 0;
    while (n < XDS_NAME - 1 && src[n])
        n++;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
    dst[n] = '\0';
}

/* The five resource types, in ADS's push order (CDS → EDS → LDS → RDS),
 * secrets last. */
typedef enum xds_type {
    XDS_CDS, /* envoy.config.cluster.v3.Cluster */
    XDS_EDS, /* envoy.config.endpoint.v3.ClusterLoadAssignment */
    XDS_LDS, /* envoy.config.listener.v3.Listener */
    XDS_RDS, /* envoy.config.route.v3.RouteConfiguration */
    XDS_SDS, /* envoy.extensions.transport_sockets.tls.v3.Secret */
    XDS_NTYPES
} xds_type_t;

/* "type.googleapis.com/envoy.config.cluster.v3.Cluster", ...; NULL out of range. */
const char *xds_type_url(xds_type_t t);
/* "CDS", "EDS", ...; xds_type_from_url: the type of a URL, or -1. */
const char *xds_type_short(xds_type_t t);
int xds_type_from_url(const char *url);

/* A resource: its name and its body, a line of text (no protobuf here):
 *   Listener            "route=<route config name>[ secret=<secret name>]"
 *   RouteConfiguration  "<prefix> <cluster>=<weight>[,<cluster>=<weight>...][;<next route>...]"
 *   Cluster             "eds=<cluster load assignment name>"
 *   ClusterLoadAssignment "<host:port>[,<host:port>...]"
 *   Secret              "cert=<text>"
 * support/xds_resource.c parses and validates bodies (xds_resource_check).
 * `version` is the resource's own version in delta xDS (a hash of the body,
 * xds_resource_hash), empty in State of the World. */
typedef struct xds_resource {
    char name[XDS_NAME];
    char version[XDS_NAME];
    char body[XDS_BODY];
} xds_resource_t;

/* DiscoveryRequest (delta = false) or DeltaDiscoveryRequest (delta = true).
 * SotW: version_info, resource_names (empty for a wildcard LDS/CDS
 * subscription), response_nonce, error_detail (non-empty: a NACK).
 * Delta: names = resource_names_subscribe, unsub = resource_names_unsubscribe,
 * initial (name + version) = initial_resource_versions on a new stream,
 * response_nonce and error_detail as above. */
typedef struct xds_request {
    bool delta;
    xds_type_t type;
    char node[XDS_NAME];
    char version_info[XDS_NAME];
    char response_nonce[XDS_NAME];
    char error_detail[XDS_ERR];
    int nnames;
    char names[XDS_MAX_RES][XDS_NAME];
    int nunsub;
    char unsub[XDS_MAX_RES][XDS_NAME];
    int ninitial;
    xds_resource_t initial[XDS_MAX_RES]; /* name and version only */
} xds_request_t;

/* DiscoveryResponse / DeltaDiscoveryResponse: version_info (delta:
 * system_version_info), the resources, the nonce, and for delta the names
 * removed. */
typedef struct xds_response {
    bool delta;
    xds_type_t type;
    char version_info[XDS_NAME];
    char nonce[XDS_NAME];
    int nres;
    xds_resource_t res[XDS_MAX_RES];
    int nremoved;
    char removed[XDS_MAX_RES][XDS_NAME];
} xds_response_t;

/* ---- the server: a snapshot cache ---- */

/* One node's configuration: a version per type and the resources. */
typedef struct xds_snapshot {
    char version[XDS_NTYPES][XDS_NAME];
    int n[XDS_NTYPES];
    xds_resource_t res[XDS_NTYPES][XDS_MAX_RES]; /* name and body */
} xds_snapshot_t;

typedef struct xds_cache xds_cache_t;
typedef struct xds_sstream xds_sstream_t;

/* ads: streams of this cache are ADS (answer only what they can answer
 * whole, push in ADS order, remove stale clusters last). */
int xds_cache_new(bool ads, xds_cache_t **out);
void xds_cache_free(xds_cache_t *c);

/* Replaces the snapshot of `node`. A snapshot must be consistent: every
 * route config a listener names, every assignment a cluster names, every
 * secret a listener names is in it, and names are unique; otherwise
 * -EINVAL (bodies are not validated here: the data plane NACKs) and the cache is unchanged. Returns 0, -EINVAL, -ENOMEM. */
int xds_cache_set_snapshot(xds_cache_t *c, const char *node, const xds_snapshot_t *s);
/* Copies node's snapshot to *out: 0, or -ENOENT. */
int xds_cache_get_snapshot(const xds_cache_t *c, const char *node, xds_snapshot_t *out);

/* A stream of the cache. delta: incremental xDS. The stream serves the
 * node named by its first request. */
int xds_sstream_open(xds_cache_t *c, bool delta, xds_sstream_t **out);
void xds_sstream_close(xds_sstream_t *s);

/* What a request did. */
enum { XDS_REQ_OK = 0, XDS_REQ_ACK = 1, XDS_REQ_NACK = 2, XDS_REQ_STALE = 3 };

/* Takes one request from the client. Returns XDS_REQ_OK (a first request or
 * a change of subscription), _ACK, _NACK, _STALE (a nonce that is not the
 * last one sent for that type: ignored), or -EINVAL (wrong kind). */
int xds_sstream_request(xds_sstream_t *s, const xds_request_t *req);

/* The next response the stream sends now: 1 and *out, or 0 when there is
 * nothing to send (no pending request, the client already has the
 * snapshot's version, or, on ADS, an EDS/RDS/SDS request does not name
 * every resource of its type in the snapshot). */
int xds_sstream_next(xds_sstream_t *s, xds_response_t *out);

/* ---- the data plane ---- */

typedef struct xds_client xds_client_t;

/* A client for `node`; delta: incremental xDS. */
int xds_client_new(const char *node, bool delta, xds_client_t **out);
void xds_client_free(xds_client_t *c);

/* The first requests: wildcard LDS and CDS. Returns how many it wrote to
 * out (at most max). */
int xds_client_start(xds_client_t *c, xds_request_t *out, int max);

/* Applies a response or rejects it whole (then the old config stays), and
 * writes the requests to send back: the ACK or NACK of this response first,
 * then new subscriptions it implies (EDS for new clusters, RDS and SDS for
 * new listeners). Returns their count, or -EINVAL for a response the client
 * cannot take (a bad type). */
int xds_client_on_response(xds_client_t *c, const xds_response_t *r, xds_request_t *out, int max);

/* After a lost connection: the requests that resume every subscription on
 * a new stream (SotW: the last accepted version and no nonce; delta: the
 * versions held, as initial_resource_versions). Returns their count. */
int xds_client_reconnect(xds_client_t *c, xds_request_t *out, int max);

/* A resource's state on the client. */
enum { XDS_ABSENT = 0, XDS_WARMING = 1, XDS_ACTIVE = 2 };
/* Listeners and clusters warm until what they need arrived (a listener its
 * route config and secret, a cluster its assignment); other types are
 * ACTIVE as soon as held. */
int xds_client_state(const xds_client_t *c, xds_type_t t, const char *name);
/* The version this client last accepted for t (SotW), "" before any. */
const char *xds_client_version(const xds_client_t *c, xds_type_t t);

/* Routes a request: listener → its route config → the first route whose
 * prefix starts `path` → a cluster picked by weight with `hash % total
 * weight` (in the order listed) → an endpoint, `hash / total % n`, of the
 * cluster's assignment. Only ACTIVE listeners and clusters route. Writes
 * the endpoint ("host:port") and returns 0; -ENOENT when nothing routes. */
int xds_client_route(const xds_client_t *c, const char *listener, const char *path, uint64_t hash,
                     char *endpoint, size_t len);

/* ---- support: bodies (support/xds_resource.c) ---- */

/* 0 if `body` is a valid body of type t, else -EINVAL and a reason in err. */
int xds_resource_check(xds_type_t t, const char *body, char *err, size_t errlen);
/* The names a body refers to: a cluster's assignment (EDS), a listener's
 * route config (RDS) and secret (SDS). Writes the name or "" and returns 0
 * or -EINVAL. */
int xds_resource_ref(xds_type_t t, const char *body, xds_type_t ref, char *name, size_t len);
/* The delta version of a body: 16 hex digits of its FNV-1a hash. */
void xds_resource_hash(const char *body, char out[XDS_NAME]);
/* Routing helpers on valid bodies: the route of `path` (its clusters and
 * weights, at most max) — returns the count, 0 for no match; and the i-th
 * endpoint of an assignment and the count. */
int xds_route_lookup(const char *rc_body, const char *path, char clusters[][XDS_NAME],
                     uint32_t *weights, int max);
int xds_endpoints(const char *cla_body, int i, char *ep, size_t len);

/* One line for a request or a response, as tests and demos print them:
 *   "ADS req CDS v=1 n=N3 names=[a,b] err=..." */
void xds_request_str(const xds_request_t *r, char *out, size_t len);
void xds_response_str(const xds_response_t *r, char *out, size_t len);

/* ---- support: the network (support/xds_net.c) ---- */

typedef struct xds_server xds_server_t;
typedef struct xds_agent xds_agent_t;

/* A management server listening on ":port" of the current task's simulated
 * host, serving `cache` (streams are ADS or per type, as the client
 * dials). Frames on the wire: a 1-byte kind ('Q' request, 'R' response)
 * then the struct's bytes (both ends are the same build). */
int xds_server_start(xds_cache_t *cache, int port, xds_server_t **out);
/* Sets a snapshot and wakes every stream. */
int xds_server_set_snapshot(xds_server_t *s, const char *node, const xds_snapshot_t *snap);
void xds_server_stop(xds_server_t *s);

/* A data-plane agent on the current task's host: dials addr ("cp:18000"),
 * one ADS stream (ads) or one stream per type, runs `client`. Every
 * request the client sends is counted; `on_ack(ud, type, version)` runs
 * after each ACK it sends. A lost stream is dialed again after 100 ms
 * (virtual) and resumed with xds_client_reconnect. */
int xds_agent_start(xds_client_t *client, const char *addr, bool ads,
                    void (*on_ack)(void *ud, xds_type_t t, const char *version), void *ud,
                    xds_agent_t **out);
/* Closes the agent's streams (as a lost connection): it dials again. */
void xds_agent_drop(xds_agent_t *a);
/* Locks the agent's client for a caller outside its tasks (route, state). */
void xds_agent_lock(xds_agent_t *a);
void xds_agent_unlock(xds_agent_t *a);
void xds_agent_stop(xds_agent_t *a);

#endif
