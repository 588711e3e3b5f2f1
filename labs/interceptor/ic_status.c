/*
 * ic_status.c — gRPC's status codes by name, and the grpc-timeout header.
 *
 * grpc-timeout is TimeoutValue TimeoutUnit: at most 8 ASCII digits, then one
 * of H M S m u n. grpc-go encodes a duration in the finest unit whose count,
 * rounded up (so the server never sees less time than the client has), fits
 * in 8 digits, and clamps hours that overflow int64 when it parses.
 *
 * Interface: ic_code_string, ic_code_parse; ic_timeout_encode,
 * ic_timeout_parse.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "interceptor.h"

#if LAB_SOLUTION

#define IC__STR(c, v, s, n) [v] = s,
static const char *const code_str[] = {IC_CODES(IC__STR)};
#define IC__NAME(c, v, s, n) [v] = n,
static const char *const code_name[] = {IC_CODES(IC__NAME)};
#define NCODES (sizeof code_str / sizeof code_str[0])

size_t ic_code_string(int code, char *buf, size_t cap)
{
    int n = code >= 0 && (size_t)code < NCODES ? snprintf(buf, cap, "%s", code_str[code])
                                               : snprintf(buf, cap, "Code(%d)", code);
    return n < 0 ? 0 : (size_t)n;
}

int ic_code_parse(const char *name)
{
    for (size_t i = 0; name && i < NCODES; i++)
        if (strcmp(code_name[i], name) == 0)
            return (int)i;
    return -EINVAL;
}

#define MAX_TIMEOUT_VALUE 99999999LL

static const struct unit {
    char c;
    int64_t ns;
} units[] = {{'n', 1},
             {'u', 1000},
             {'m', 1000000},
             {'S', 1000000000LL},
             {'M', 60000000000LL},
             {'H', 3600000000000LL}};

int ic_timeout_encode(int64_t ns, char *buf, size_t cap)
{
    int n;
    if (ns <= 0) {
        n = snprintf(buf, cap, "0n");
    } else {
        size_t i = 0;
        int64_t d = 0;
        for (; i < sizeof units / sizeof units[0]; i++) {
            d = ns / units[i].ns + (ns % units[i].ns > 0);
            if (d <= MAX_TIMEOUT_VALUE)
                break;
        }
        if (i == sizeof units / sizeof units[0])
            n = snprintf(buf, cap, "%lldH", MAX_TIMEOUT_VALUE);
        else
            n = snprintf(buf, cap, "%lld%c", (long long)d, units[i].c);
    }
    return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

int ic_timeout_parse(const char *s, int64_t *ns)
{
    size_t len = s ? strlen(s) : 0;
    if (len < 2 || len > 9)
        return -EINVAL;
    const struct unit *u = NULL;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].c == s[len - 1])
            u = &units[i];
    if (!u)
        return -EINVAL;
    int64_t v = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (s[i] - '0');
    }
    if (v > INT64_MAX / u->ns)
        *ns = INT64_MAX; /* only hours can: clamp, as grpc-go does */
    else
        *ns = v * u->ns;
    return 0;
}

#else

size_t ic_code_string(int code, char *buf, size_t cap)
{
    (void)code;
    if (cap)
        buf[0] = '\0';
    return 0;
}

int ic_code_parse(const char *name)
{
    (void)name;
    return -ENOSYS;
}

int ic_timeout_encode(int64_t ns, char *buf, size_t cap)
{
    (void)ns, (void)buf, (void)cap;
    return -ENOSYS;
}

int ic_timeout_parse(const char *s, int64_t *ns)
{
    (void)s, (void)ns;
    return -ENOSYS;
}

#endif
