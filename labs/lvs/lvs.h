/*
 * lvs.h — the API of the lvs lab: a Linux Virtual Server director.
 *
 * A service (a virtual address and port) holds real servers ("dests") and
 * one of the ten IPVS schedulers. lvs_schedule picks a dest for a new flow
 * by the kernel's rules; lvs_connect does what the kernel does for a new
 * connection (persistence template, pick, bind, overload thresholds). The
 * forwarding functions rewrite an Ethernet + IPv4 + TCP frame in place the
 * way each of the four modes sends it on.
 *
 * Time is virtual: every call that needs it takes `now` in milliseconds.
 * Addresses and ports are in host byte order in this API; in frames they
 * are in network byte order, as on the wire.
 *
 * Interface: lvs_service_new → lvs_dest_add → lvs_schedule / lvs_connect →
 * lvs_conn_close → lvs_service_free; lvs_nat_in / lvs_nat_out / lvs_dr /
 * lvs_tun / lvs_fullnat_in / lvs_fullnat_out on frames built by lvs_pkt_build.
 */
#ifndef LVS_H
#define LVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- services, dests and schedulers (lvs_service.c, lvs_sched.c, lvs_lblc.c) ---- */

typedef enum {
    LVS_RR,    /* round robin */
    LVS_WRR,   /* weighted round robin: gcd-stepped current weight */
    LVS_LC,    /* least connections */
    LVS_WLC,   /* weighted least connections */
    LVS_SED,   /* shortest expected delay */
    LVS_NQ,    /* never queue */
    LVS_LBLC,  /* locality-based least connections */
    LVS_LBLCR, /* locality-based least connections with replication */
    LVS_DH,    /* destination hashing */
    LVS_SH,    /* source hashing */
} lvs_sched_kind_t;

#define LVS_MAX_DESTS 4096
#define LVS_HASH_BUCKETS 256                       /* dh and sh tables */
#define LVS_LBLC_EXPIRATION_MS (24u * 3600 * 1000) /* the kernel's default */

typedef struct lvs_service lvs_service_t;

/* A new flow as the director sees its first packet. */
typedef struct {
    uint32_t caddr; /* client address */
    uint16_t cport;
    uint32_t daddr; /* destination address (the VIP, or the origin for lblc/lblcr/dh) */
    uint16_t dport;
} lvs_flow_t;

/* A dest as the service holds it. */
typedef struct {
    uint32_t addr;
    uint16_t port;
    int weight;
    int active;      /* activeconns */
    int inactive;    /* inactconns */
    int persist;     /* persistence templates pointing here */
    int u_threshold; /* 0: none */
    int l_threshold; /* 0: none */
    bool overloaded; /* IP_VS_DEST_F_OVERLOAD */
} lvs_dest_info_t;

/* A connection bound to a dest by lvs_connect. */
typedef struct {
    int dest;    /* dest id */
    int tmpl;    /* the persistence template controlling it, -1 if none */
    bool active; /* counted in active (true) or inactive (false) */
    bool bound;
} lvs_conn_t;

/* A new service using scheduler `kind`; NULL on a bad kind or no memory. */
lvs_service_t *lvs_service_new(lvs_sched_kind_t kind);
void lvs_service_free(lvs_service_t *svc);

/* Adds a real server. Like ipvsadm -a, the new dest goes to the head of the
 * service's list. Returns its id (0, 1, 2, ... in the order of the calls),
 * -EINVAL for a negative weight, -ENOSPC past LVS_MAX_DESTS. */
int lvs_dest_add(lvs_service_t *svc, uint32_t addr, uint16_t port, int weight);
/* Changes a dest's weight (ipvsadm -e); 0 quiesces it. 0 or -errno. */
int lvs_dest_edit(lvs_service_t *svc, int id, int weight);
/* Sets the overload thresholds (ipvsadm -x / -y); 0 means none. */
int lvs_dest_thresholds(lvs_service_t *svc, int id, int u_threshold, int l_threshold);
/* Loads a dest's connection counters directly (a fixed connection table). */
int lvs_dest_set_conns(lvs_service_t *svc, int id, int active, int inactive);
int lvs_dest_info(const lvs_service_t *svc, int id, lvs_dest_info_t *out);
/* The dest ids in the service's list order; returns how many. */
int lvs_dest_order(const lvs_service_t *svc, int *ids, int cap);

/* Picks a dest for a new flow: its id, or -ENOENT when none is available. */
int lvs_schedule(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now);

/* Persistence (ipvsadm -p timeout -M netmask): clients whose address masked
 * by `netmask` matches share a template for `timeout_ms` after its last use.
 * timeout_ms 0 turns persistence off. */
int lvs_service_persistent(lvs_service_t *svc, uint32_t timeout_ms, uint32_t netmask);
/* lblc/lblcr entry expiration (default LVS_LBLC_EXPIRATION_MS). */
int lvs_service_lblc_expiration(lvs_service_t *svc, uint32_t ms);
/* sh: fall back to the next bucket when the hashed dest is unavailable. */
int lvs_service_sh_fallback(lvs_service_t *svc, bool on);

/* A new connection: persistence template, then the scheduler; binds it as
 * active. Returns the dest id or -ENOENT. */
int lvs_connect(lvs_service_t *svc, const lvs_flow_t *flow, uint64_t now, lvs_conn_t *conn);
/* The connection leaves ESTABLISHED: active -> inactive. */
int lvs_conn_inactive(lvs_service_t *svc, lvs_conn_t *conn);
/* The connection ends: unbinds it from its dest and its template. */
int lvs_conn_close(lvs_service_t *svc, lvs_conn_t *conn, uint64_t now);
/* Live persistence templates at `now` (expired ones are dropped). */
int lvs_templates(lvs_service_t *svc, uint64_t now);

/* dh and sh: the dest id in each of the LVS_HASH_BUCKETS buckets (-1: none). */
int lvs_hash_table(const lvs_service_t *svc, int *buckets);
/* The bucket a flow hashes to under dh or sh. */
unsigned lvs_hash_bucket(const lvs_service_t *svc, const lvs_flow_t *flow);
/* lblcr: the dest ids in the set for destination address `daddr`, in set order. */
int lvs_lblcr_set(const lvs_service_t *svc, uint32_t daddr, int *ids, int cap);

/* ---- forwarding (lvs_xmit.c): frames are Ethernet + IPv4 + TCP ---- */

/* NAT, client to server: daddr VIP -> rip, dport -> rport; both checksums
 * updated incrementally (RFC 1624). 0 or -EINVAL on a frame that is not
 * IPv4 + TCP or is too short. */
int lvs_nat_in(uint8_t *frame, size_t len, uint32_t rip, uint16_t rport);
/* NAT, server to client: saddr -> vip, sport -> vport. */
int lvs_nat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport);
/* DR: only the MAC addresses change. */
int lvs_dr(uint8_t *frame, size_t len, const uint8_t dst_mac[6], const uint8_t src_mac[6]);
/* TUN: an outer IPv4 header (dip -> rip, protocol 4) goes between the
 * Ethernet header and the packet. Returns the new length, -ENOSPC if cap
 * is too small, -EINVAL. */
int lvs_tun(uint8_t *frame, size_t len, size_t cap, uint32_t dip, uint32_t rip);
/* FULLNAT, client to server: saddr:sport -> lip:lport, daddr:dport ->
 * rip:rport; a SYN also gets the TOA option (kind 254, length 8: the
 * client's port and address) appended to its TCP options, if they have room.
 * Returns the new length, -ENOSPC, -EINVAL. */
int lvs_fullnat_in(uint8_t *frame, size_t len, size_t cap, uint32_t lip, uint16_t lport,
                   uint32_t rip, uint16_t rport);
/* FULLNAT, server to client: saddr:sport -> vip:vport, daddr:dport -> cip:cport. */
int lvs_fullnat_out(uint8_t *frame, size_t len, uint32_t vip, uint16_t vport, uint32_t cip,
                    uint16_t cport);

/* ---- frames (support/lvs_packet.c, pristine) ---- */

#define LVS_ETH_HLEN 14
#define LVS_TCP_SYN 0x02
#define LVS_TCP_ACK 0x10
#define LVS_TOA_KIND 254
#define LVS_TOA_LEN 8

typedef struct {
    uint8_t dst_mac[6], src_mac[6];
    uint32_t saddr, daddr;
    uint16_t sport, dport;
    uint8_t ttl, tos;
    uint16_t ip_id;
    bool df;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *options; /* TCP options, a multiple of 4 bytes, at most 40 */
    size_t options_len;
    const uint8_t *payload;
    size_t payload_len;
} lvs_pkt_spec_t;

/* A frame with both checksums computed from scratch; its length or -ENOSPC. */
int lvs_pkt_build(uint8_t *frame, size_t cap, const lvs_pkt_spec_t *spec);

/* What a frame holds, read back (for an IP-in-IP frame: the outer header,
 * and inner_* the inner one). */
typedef struct {
    uint8_t dst_mac[6], src_mac[6];
    uint32_t saddr, daddr;
    uint8_t protocol, ttl, ihl;
    uint16_t tot_len, ip_id, ip_check;
    bool df;
    uint16_t sport, dport, tcp_check;
    uint8_t flags, doff; /* doff in bytes */
    uint32_t seq;
    size_t options_off; /* frame offset of the TCP options */
    size_t payload_off, payload_len;
    bool tunnelled;
    uint32_t inner_saddr, inner_daddr;
    size_t inner_off; /* frame offset of the inner IPv4 header */
} lvs_pkt_view_t;

int lvs_pkt_parse(const uint8_t *frame, size_t len, lvs_pkt_view_t *v);
/* The Internet checksum of an IPv4 header at frame + off computed from
 * scratch, and whether the stored one is right. */
uint16_t lvs_csum_ip(const uint8_t *frame, size_t off);
bool lvs_csum_ip_ok(const uint8_t *frame, size_t off);
/* The TCP checksum (pseudo-header included) of the IPv4 + TCP packet at
 * frame + off computed from scratch, and whether the stored one is right. */
uint16_t lvs_csum_tcp(const uint8_t *frame, size_t off);
bool lvs_csum_tcp_ok(const uint8_t *frame, size_t off);

#endif
