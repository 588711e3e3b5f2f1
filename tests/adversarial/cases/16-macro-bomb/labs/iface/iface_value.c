/*
 * Exponential macro expansion: each level doubles its argument ten times,
 * four levels deep, 2^40 tokens. Macro arguments are expanded in memory
 * before substitution, so the compiler runs out of memory (or time): a
 * build error, and the grader goes on.
 */
#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

#define D(x) x x
#define K(x) D(D(D(D(D(D(D(D(D(D(x))))))))))
#define L1 K(1+)
#define L2 K(L1)
#define L3 K(L2)
#define L4 K(L3)

int iface_type_seal(iface_type_t *t)
{
    return iface_ref_type_seal(t) + (L4 0) * 0;
}
