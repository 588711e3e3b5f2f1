/*
 * wt_schema.c — tests/conformance.proto as descriptor tables: the schema
 * the tests, the benchmark and the demos share (wire.h: wt_schema_all,
 * wt_schema_inner). Rows are in field-number order, as protoc-c orders
 * its descriptors, so both encoders emit fields in the same order.
 */
#include "wire.h"

static const wt_field_desc_t wt__inner_fields[] = {
    {1, "a", WT_INT32, WT_SINGULAR, false, NULL},
    {2, "s", WT_STRING, WT_SINGULAR, false, NULL},
    {3, "zs", WT_SINT64, WT_REPEATED, true, NULL},
};

const wt_desc_t wt_schema_inner = {"wtc.Inner", wt__inner_fields, 3};

static const wt_field_desc_t wt__all_fields[] = {
    {1, "i32", WT_INT32, WT_SINGULAR, false, NULL},
    {2, "i64", WT_INT64, WT_SINGULAR, false, NULL},
    {3, "u32", WT_UINT32, WT_SINGULAR, false, NULL},
    {4, "u64", WT_UINT64, WT_SINGULAR, false, NULL},
    {5, "s32", WT_SINT32, WT_SINGULAR, false, NULL},
    {6, "s64", WT_SINT64, WT_SINGULAR, false, NULL},
    {7, "b", WT_BOOL, WT_SINGULAR, false, NULL},
    {8, "e", WT_ENUM, WT_SINGULAR, false, NULL},
    {9, "f32", WT_FIXED32, WT_SINGULAR, false, NULL},
    {10, "f64", WT_FIXED64, WT_SINGULAR, false, NULL},
    {11, "sf32", WT_SFIXED32, WT_SINGULAR, false, NULL},
    {12, "sf64", WT_SFIXED64, WT_SINGULAR, false, NULL},
    {13, "fl", WT_FLOAT, WT_SINGULAR, false, NULL},
    {14, "db", WT_DOUBLE, WT_SINGULAR, false, NULL},
    {15, "str", WT_STRING, WT_SINGULAR, false, NULL},
    {16, "by", WT_BYTES, WT_SINGULAR, false, NULL},
    {17, "inner", WT_MESSAGE, WT_SINGULAR, false, &wt_schema_inner},
    {18, "r_i32", WT_INT32, WT_REPEATED, true, NULL},
    {19, "r_s32", WT_SINT32, WT_REPEATED, false, NULL},
    {20, "r_f64", WT_FIXED64, WT_REPEATED, true, NULL},
    {21, "r_db", WT_DOUBLE, WT_REPEATED, false, NULL},
    {22, "r_str", WT_STRING, WT_REPEATED, false, NULL},
    {23, "r_inner", WT_MESSAGE, WT_REPEATED, false, &wt_schema_inner},
    {24, "r_b", WT_BOOL, WT_REPEATED, true, NULL},
    {2000, "r_u64", WT_UINT64, WT_REPEATED, true, NULL},
};

const wt_desc_t wt_schema_all = {"wtc.All", wt__all_fields, 25};
