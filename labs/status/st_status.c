/*
 * st_status.c — the answer: the status a request earns (RFC 9110 §15),
 * whether the connection may carry another request (RFC 9112 §9.3), and
 * the reason phrases.
 *
 * A request that failed to parse has the status its first bad byte earned;
 * a complete one has the handler's: 0 is 200, a status code is itself, and
 * anything else is the handler failing, 500.
 *
 * Interface: st_status, st_keep_alive, st_reason.
 */
#include <errno.h>

#include "st_internal.h"

#if LAB_SOLUTION

int st_status(const st_parser_t *p, int handler_rc)
{
    if (p->state == ST_ERROR)
        return p->status;
    if (p->state != ST_DONE)
        return -EAGAIN;
    if (handler_rc == 0)
        return 200;
    return handler_rc >= 100 && handler_rc <= 599 ? handler_rc : 500;
}

bool st_keep_alive(const st_parser_t *p)
{
    if (p->state != ST_DONE || p->conn_close)
        return false;
    return p->minor >= 1 || p->conn_keep_alive;
}

const char *st_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    }
    return "";
}

#else

int st_status(const st_parser_t *p, int handler_rc)
{
    (void)p, (void)handler_rc;
    return -ENOSYS;
}

bool st_keep_alive(const st_parser_t *p)
{
    (void)p;
    return false;
}

const char *st_reason(int status)
{
    (void)status;
    return "";
}

#endif
