/*
 * order.h — the benchmarks' workload: one Order with eight Items, declared
 * once for reflection, plus the same Order marshalled and unmarshalled by
 * hand with jansson (what code without reflection would write). The
 * anchor in benchmarks/reflect/ and its Go twin (go/main.go there) build the
 * same values.
 *
 * Interface: order_type(); order_build(&o); order_json_jansson(&o, buf);
 * order_from_jansson(text, &o, arena). Header-only: each includer gets its
 * own copy of the static functions.
 */
#ifndef REFLECT_BENCH_ORDER_H
#define REFLECT_BENCH_ORDER_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "reflect.h"

#define ITEM_FIELDS(F, E)                                                                          \
    F(reflect_string_t, SKU, REFLECT_T(STRING), "json:\"sku\"")                                    \
    F(int64_t, Qty, REFLECT_T(INT64), "json:\"qty\"")                                              \
    F(double, Price, REFLECT_T(FLOAT64), "json:\"price\"")
REFLECT_STRUCT_DECLARE(Item, ITEM_FIELDS);
REFLECT_STRUCT_DEFINE(Item, "main.Item", ITEM_FIELDS, REFLECT_NO_METHODS);

#define ORDER_FIELDS(F, E)                                                                         \
    F(int64_t, ID, REFLECT_T(INT64), "json:\"id\"")                                                \
    F(reflect_string_t, Customer, REFLECT_T(STRING), "json:\"customer\"")                          \
    F(reflect_string_t, Email, REFLECT_T(STRING), "json:\"email,omitempty\"")                      \
    F(bool, Paid, REFLECT_T(BOOL), "json:\"paid\"")                                                \
    F(double, Total, REFLECT_T(FLOAT64), "json:\"total\"")                                         \
    F(reflect_slice_t, Items, reflect_slice_of(Item_type()), "json:\"items\"")                     \
    F(reflect_slice_t, Tags, reflect_slice_of(REFLECT_T(STRING)), "json:\"tags\"")                 \
    F(reflect_string_t, Note, REFLECT_T(STRING), "json:\"note,omitempty\"")
REFLECT_STRUCT_DECLARE(Order, ORDER_FIELDS);
REFLECT_STRUCT_DEFINE(Order, "main.Order", ORDER_FIELDS, REFLECT_NO_METHODS);

#define ORDER_NITEMS 8
static Item order_items[ORDER_NITEMS];
static reflect_string_t order_tags[3];
static char order_skus[ORDER_NITEMS][16];

/* The Order every side builds: go/main.go's buildOrder. */
static void order_build(Order *o)
{
    for (int i = 0; i < ORDER_NITEMS; i++) {
        snprintf(order_skus[i], sizeof order_skus[i], "SKU-%04d", 17 * i + 3);
        order_items[i] = (Item){reflect_str(order_skus[i]), i + 1, 1.25 * i + 0.5};
    }
    order_tags[0] = reflect_str("priority");
    order_tags[1] = reflect_str("gift <wrap>");
    order_tags[2] = reflect_str("eu");
    *o = (Order){.ID = 123456789,
                 .Customer = reflect_str("Ada Lovelace"),
                 .Email = reflect_str("ada@example.com"),
                 .Paid = true,
                 .Total = 61.5,
                 .Items = {order_items, ORDER_NITEMS, ORDER_NITEMS},
                 .Tags = {order_tags, 3, 3},
                 .Note = reflect_str("leave at the door")};
}

static json_t *jstr(reflect_string_t s)
{
    return json_stringn(s.ptr, s.len);
}

/* The hand-written marshal: a jansson tree, dumped compact into buf. */
static size_t order_json_jansson(const Order *o, char *buf, size_t cap)
{
    json_t *root = json_object(), *items = json_array(), *tags = json_array();
    json_object_set_new(root, "id", json_integer(o->ID));
    json_object_set_new(root, "customer", jstr(o->Customer));
    if (o->Email.len)
        json_object_set_new(root, "email", jstr(o->Email));
    json_object_set_new(root, "paid", json_boolean(o->Paid));
    json_object_set_new(root, "total", json_real(o->Total));
    for (size_t i = 0; i < o->Items.len; i++) {
        const Item *it = &((const Item *)o->Items.data)[i];
        json_t *j = json_object();
        json_object_set_new(j, "sku", jstr(it->SKU));
        json_object_set_new(j, "qty", json_integer(it->Qty));
        json_object_set_new(j, "price", json_real(it->Price));
        json_array_append_new(items, j);
    }
    json_object_set_new(root, "items", items);
    for (size_t i = 0; i < o->Tags.len; i++)
        json_array_append_new(tags, jstr(((const reflect_string_t *)o->Tags.data)[i]));
    json_object_set_new(root, "tags", tags);
    if (o->Note.len)
        json_object_set_new(root, "note", jstr(o->Note));
    size_t n = json_dumpb(root, buf, cap, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    return n;
}

static reflect_string_t jget_str(reflect_arena_t *a, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? reflect_arena_string(a, json_string_value(v), json_string_length(v))
                             : (reflect_string_t){0};
}

/* The hand-written unmarshal: jansson parses, the code picks the fields. */
static int order_from_jansson(const char *text, size_t len, Order *o, reflect_arena_t *a)
{
    json_t *root = json_loadb(text, len, 0, NULL);
    if (!root)
        return -1;
    memset(o, 0, sizeof *o);
    o->ID = json_integer_value(json_object_get(root, "id"));
    o->Customer = jget_str(a, root, "customer");
    o->Email = jget_str(a, root, "email");
    o->Paid = json_is_true(json_object_get(root, "paid"));
    o->Total = json_number_value(json_object_get(root, "total"));
    json_t *items = json_object_get(root, "items");
    size_t n = json_array_size(items);
    reflect_slice_make(a, Item_type(), n, n, &o->Items);
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_array_get(items, i);
        Item *it = &((Item *)o->Items.data)[i];
        it->SKU = jget_str(a, j, "sku");
        it->Qty = json_integer_value(json_object_get(j, "qty"));
        it->Price = json_number_value(json_object_get(j, "price"));
    }
    json_t *tags = json_object_get(root, "tags");
    n = json_array_size(tags);
    reflect_slice_make(a, REFLECT_T(STRING), n, n, &o->Tags);
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(tags, i);
        ((reflect_string_t *)o->Tags.data)[i] = reflect_arena_string(a, json_string_value(t),
                                                                     json_string_length(t));
    }
    o->Note = jget_str(a, root, "note");
    json_decref(root);
    return 0;
}

#endif
