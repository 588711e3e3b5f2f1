/*
 * A DNS lookup of a public name: with no network, getaddrinfo must fail.
 * An answer is a breach.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

int iface_type_seal(iface_type_t *t)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("deb.debian.org", "80", &hints, &res) == 0) {
        freeaddrinfo(res);
        dprintf(1, "ADVERSARIAL-BREACH: deb.debian.org resolved\n");
        return -1;
    }
    return iface_ref_type_seal(t);
}
