/*
 * xds_internal.h — what the lab's sources share: the cache's nodes and a
 * server stream's per-type state. Editable: the data structures are yours.
 */
#ifndef XDS_INTERNAL_H
#define XDS_INTERNAL_H

#include "xds.h"

typedef struct xds_node {
    char name[XDS_NAME];
    xds_snapshot_t snap;
} xds_node_t;

struct xds_cache {
    bool ads;
    int nnodes, cap;
    xds_node_t **nodes;
};

/* The node's snapshot, or NULL. */
const xds_snapshot_t *xds__cache_lookup(const xds_cache_t *c, const char *node);
/* The index of name in a snapshot's resources of type t, or -1. */
int xds__snap_find(const xds_snapshot_t *s, xds_type_t t, const char *name);

/* One type on a server stream. */
typedef struct xds_tstate {
    bool seen;          /* a request of this type arrived */
    bool pending;       /* SotW: a request waits for its response */
    bool wildcard;      /* LDS/CDS subscribed with no names */
    bool names_changed; /* SotW: the subscription changed since the last response */
    int nnames;
    char names[XDS_MAX_RES][XDS_NAME];
    char req_version[XDS_NAME];  /* SotW: version_info of the pending request */
    char nonce[XDS_NAME];        /* the last nonce sent */
    char sent_version[XDS_NAME]; /* the version of that response */
    char nacked[XDS_NAME];       /* the version the client rejected, "" if none */
    bool removal_pending;        /* ADS: stale clusters still to remove */
    int nsent;                   /* SotW CDS: what the client holds */
    xds_resource_t sent[XDS_MAX_RES];
    bool awaiting_ack; /* delta: a response not yet ACKed or NACKed */
    int nknown;        /* delta: name + version the client holds */
    xds_resource_t known[XDS_MAX_RES];
} xds_tstate_t;

struct xds_sstream {
    xds_cache_t *cache;
    bool delta;
    char node[XDS_NAME];
    uint64_t nonces;
    xds_tstate_t t[XDS_NTYPES];
};

#endif
