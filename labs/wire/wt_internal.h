/*
 * wt_internal.h — what the codec's files share: the wire type each field
 * type travels as, and which types may be packed.
 */
#ifndef WT_INTERNAL_H
#define WT_INTERNAL_H

#include "wire.h"

#if LAB_SOLUTION

/* The wire type of one value of type t (a packed field is LEN instead). */
static inline int wt__wire_type(wt_type_t t)
{
    switch (t) {
    case WT_FIXED64:
    case WT_SFIXED64:
    case WT_DOUBLE: return WT_WIRE_I64;
    case WT_FIXED32:
    case WT_SFIXED32:
    case WT_FLOAT: return WT_WIRE_I32;
    case WT_STRING:
    case WT_BYTES:
    case WT_MESSAGE: return WT_WIRE_LEN;
    default: return WT_WIRE_VARINT;
    }
}

/* Numbers (varint and fixed types) may be packed; LEN types may not. */
static inline bool wt__packable(wt_type_t t)
{
    return wt__wire_type(t) != WT_WIRE_LEN;
}

#endif

#endif
