/*
 * crd_internal.h — what the crd lab's sources share: the server's objects
 * and event log, the work queue's sets and the rate limiter's state, the
 * controller's cache.
 *
 * Sets are small arrays searched linearly: a lab's controller holds tens of
 * keys, and a reader sees every rule in a few lines.
 *
 * Interface: crd_server.c, crd_queue.c, crd_ctrl.c.
 */
#ifndef CRD_INTERNAL_H
#define CRD_INTERNAL_H

#include "crd.h"

#define CRD_MAX_OBJS 256
#define CRD_MAX_VERSIONS 8
#define CRD_LOG_MAX 1024
#define CRD_QMAX 256

typedef struct crd_version {
    char name[32];
    bool served, storage, status; /* status: the status subresource is on */
    const crd_val_t *schema;      /* inside crd_server.crd */
} crd_version_t;

struct crd_server {
    const int64_t *clock;
    crd_val_t *crd; /* the installed definition (a copy), or NULL */
    char group[128], kind[64];
    crd_version_t ver[CRD_MAX_VERSIONS];
    size_t nver;
    crd_val_t *obj[CRD_MAX_OBJS]; /* stored objects, at the storage version */
    size_t nobj;
    uint64_t rv;       /* the last resourceVersion handed out */
    uint64_t log_from; /* the log holds every event with rv > log_from */
    crd_event_t log[CRD_LOG_MAX];
    crd_val_t *log_obj[CRD_LOG_MAX]; /* the objects the events point at */
    size_t nlog;
};

/* One delayed key: ready at `at`. */
typedef struct crd_waiting {
    char key[CRD_KEY_MAX];
    int64_t at;
} crd_waiting_t;

typedef struct crd_failures {
    char key[CRD_KEY_MAX];
    int n;
} crd_failures_t;

struct crd_queue {
    const int64_t *clock;
    char queue[CRD_QMAX][CRD_KEY_MAX]; /* FIFO of ready keys */
    size_t qlen;
    char dirty[CRD_QMAX][CRD_KEY_MAX]; /* keys that need processing */
    size_t ndirty;
    char processing[CRD_QMAX][CRD_KEY_MAX];
    size_t nprocessing;
    crd_waiting_t waiting[CRD_QMAX];
    size_t nwaiting;
    crd_failures_t failures[CRD_QMAX]; /* the exponential limiter */
    size_t nfailures;
    double tokens; /* the bucket limiter: 10 per second, burst 100 */
    int64_t last;  /* when tokens was last brought up to date */
};

struct crd_ctrl {
    crd_server_t *s;
    int64_t *clock;
    crd_queue_t *q;
    crd_val_t *cache[CRD_MAX_OBJS];
    size_t ncache;
    uint64_t rv; /* the informer's resourceVersion; 0: list first */
};

#endif
