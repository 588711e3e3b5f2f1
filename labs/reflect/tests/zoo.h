/*
 * zoo.h — the structs the tests reflect on, each declared once with the
 * lab's macros. Record, Promo, Quoted and Node have Go twins in
 * tests/gen/types.go, field for field, so Go's json.Marshal of the same
 * value is the fixture the C encoder must equal (go_fixtures.h).
 *
 * Interface: <Name>_type() for each struct; zoo_record(seed) builds the
 * seeded Record Go's record(seed) builds (corpus.c); zoo_* helpers make maps
 * and slices in an arena.
 */
#ifndef REFLECT_TESTS_ZOO_H
#define REFLECT_TESTS_ZOO_H

#include "reflect.h"

#define T_STRING REFLECT_T(STRING)
#define T_ANY REFLECT_T(INTERFACE)

/* ---- the JSON twins -------------------------------------------------------------- */

#define BASE_FIELDS(F, E)                                                                          \
    F(int64_t, ID, REFLECT_T(INT64), "json:\"id\"")                                                \
    F(reflect_string_t, Created, T_STRING, "json:\"created,omitempty\"")
REFLECT_STRUCT_DECLARE(Base, BASE_FIELDS);

#define EXTRA_FIELDS(F, E)                                                                         \
    F(reflect_string_t, Note, T_STRING, "json:\"note\"")                                           \
    F(int8_t, Level, REFLECT_T(INT8), "json:\"level\"")
REFLECT_STRUCT_DECLARE(Extra, EXTRA_FIELDS);

#define CHILD_FIELDS(F, E)                                                                         \
    F(reflect_string_t, Label, T_STRING, "json:\"label\"")                                         \
    F(double, Weight, REFLECT_T(FLOAT64), "json:\"w,string\"")                                     \
    F(bool *, Ok, reflect_ptr_to(REFLECT_T(BOOL)), "json:\"ok,omitempty\"")
REFLECT_STRUCT_DECLARE(Child, CHILD_FIELDS);

#define RECORD_FIELDS(F, E)                                                                        \
    E(Base, Base, Base_type(), "")                                                                 \
    E(Extra *, Extra, reflect_ptr_to(Extra_type()), "")                                            \
    F(reflect_string_t, Name, T_STRING, "json:\"name\"")                                           \
    F(reflect_string_t, Alias, T_STRING, "json:\"alias,omitempty\"")                               \
    F(reflect_string_t, Secret, T_STRING, "json:\"-\"")                                            \
    F(int32_t, Dash, REFLECT_T(INT32), "json:\"-,\"")                                              \
    F(int32_t, Count, REFLECT_T(INT32), "json:\"count,string\"")                                   \
    F(double, Ratio, REFLECT_T(FLOAT64), "json:\"ratio\"")                                         \
    F(float, Small, REFLECT_T(FLOAT32), "json:\"small,omitempty\"")                                \
    F(bool, Flag, REFLECT_T(BOOL), "json:\"flag,omitempty\"")                                      \
    F(uint8_t, U8, REFLECT_T(UINT8), "json:\"u8\"")                                                \
    F(int16_t, I16, REFLECT_T(INT16), "")                                                          \
    F(uint64_t, Big, REFLECT_T(UINT64), "json:\",omitempty\"")                                     \
    F(reflect_slice_t, Tags, reflect_slice_of(T_STRING), "json:\"tags\"")                          \
    F(reflect_slice_t, Scores, reflect_slice_of(REFLECT_T(INT64)), "json:\"scores,omitempty\"")    \
    F(reflect_slice_t, Blob, reflect_slice_of(REFLECT_T(UINT8)), "json:\"blob\"")                  \
    F(reflect_map_t *, Attrs, reflect_map_of(T_STRING, T_STRING), "json:\"attrs\"")                \
    F(reflect_map_t *, Ranks, reflect_map_of(REFLECT_T(INT64), REFLECT_T(FLOAT64)),                \
      "json:\"ranks,omitempty\"")                                                                  \
    F(Child *, Next, reflect_ptr_to(Child_type()), "json:\"next\"")                                \
    F(reflect_any_t, Any, T_ANY, "json:\"any\"")                                                   \
    F(reflect_slice_t, Kids, reflect_slice_of(Child_type()), "json:\"kids\"")                      \
    F(int64_t, hidden, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Record, RECORD_FIELDS);

#define PA_FIELDS(F, E)                                                                            \
    F(int64_t, X, REFLECT_T(INT64), "json:\"x\"") F(int64_t, Y, REFLECT_T(INT64), "")
#define PB_FIELDS(F, E)                                                                            \
    F(int64_t, X, REFLECT_T(INT64), "json:\"x\"") F(int64_t, Z, REFLECT_T(INT64), "")
#define PC_FIELDS(F, E)                                                                            \
    F(int64_t, Y, REFLECT_T(INT64), "json:\"Y\"") F(int64_t, V, REFLECT_T(INT64), "")
#define PD_FIELDS(F, E) F(int64_t, W, REFLECT_T(INT64), "") F(int64_t, Q, REFLECT_T(INT64), "")
#define PE_FIELDS(F, E) F(int64_t, E1, REFLECT_T(INT64), "json:\"e1\"")
#define PF_FIELDS(F, E) F(int64_t, F1, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(PA, PA_FIELDS);
REFLECT_STRUCT_DECLARE(PB, PB_FIELDS);
REFLECT_STRUCT_DECLARE(PC, PC_FIELDS);
REFLECT_STRUCT_DECLARE(PD, PD_FIELDS);
REFLECT_STRUCT_DECLARE(pe, PE_FIELDS);
REFLECT_STRUCT_DECLARE(pf, PF_FIELDS);

#define PROMO_FIELDS(F, E)                                                                         \
    E(PA, PA, PA_type(), "")                                                                       \
    E(PB, PB, PB_type(), "")                                                                       \
    E(PC *, PC, reflect_ptr_to(PC_type()), "")                                                     \
    E(PD, PD, PD_type(), "json:\"pd\"")                                                            \
    E(pe, pe, pe_type(), "")                                                                       \
    E(pf *, pf, reflect_ptr_to(pf_type()), "")                                                     \
    F(int64_t, W, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Promo, PROMO_FIELDS);

#define QUOTED_FIELDS(F_, E_)                                                                      \
    F_(bool, B, REFLECT_T(BOOL), "json:\"b,string\"")                                              \
    F_(int64_t, I, REFLECT_T(INT64), "json:\"i,string\"")                                          \
    F_(uint16_t, U, REFLECT_T(UINT16), "json:\"u,string\"")                                        \
    F_(double, F, REFLECT_T(FLOAT64), "json:\"f,string\"")                                         \
    F_(reflect_string_t, S, T_STRING, "json:\"s,string\"")                                         \
    F_(int64_t *, P, reflect_ptr_to(REFLECT_T(INT64)), "json:\"p,string\"")                        \
    F_(int64_t *, N, reflect_ptr_to(REFLECT_T(INT64)), "json:\"n,string\"")                        \
    F_(reflect_slice_t, L, reflect_slice_of(REFLECT_T(INT64)), "json:\"l,string\"")                \
    F_(float, F4, REFLECT_T(FLOAT32), "json:\"f4,string,omitempty\"")
REFLECT_STRUCT_DECLARE(Quoted, QUOTED_FIELDS);

#define NODE_FIELDS(F, E)                                                                          \
    F(int64_t, Val, REFLECT_T(INT64), "json:\"val\"")                                              \
    F(struct Node *, Next, reflect_ptr_to(Node_type()), "json:\"next,omitempty\"")
REFLECT_STRUCT_DECLARE(Node, NODE_FIELDS);

/* ---- types for reflection itself ---------------------------------------------------- */

/* A struct with methods of every parameter shape libffi must place. */
#define POINT_FIELDS(F, E)                                                                         \
    F(int32_t, X, REFLECT_T(INT32), "")                                                            \
    F(int32_t, Y, REFLECT_T(INT32), "")
REFLECT_STRUCT_DECLARE(Point, POINT_FIELDS);

#define USER_FIELDS(F, E)                                                                          \
    F(reflect_string_t, Name, T_STRING, "json:\"name\" config:\"name,required\"")                  \
    F(int64_t, Age, REFLECT_T(INT64), "json:\"age,omitempty\" config:\"age\" default:\"18\"")      \
    F(Point, Home, Point_type(), "json:\"home\"")                                                  \
    F(uint8_t, level, REFLECT_T(UINT8), "")                                                        \
    F(double, Score, REFLECT_T(FLOAT64), "")
REFLECT_STRUCT_DECLARE(User, USER_FIELDS);

reflect_string_t user_greet(User *u, reflect_string_t greeting);
int64_t user_add_age(User *u, int64_t years);
void user_rename(User *u, reflect_string_t name);
double user_scale(User *u, double by, float also, int8_t tiny);
int8_t user_level_down(User *u, int8_t by);
bool user_is_adult(User *u);
Point user_move(User *u, Point by, int64_t times);
int64_t user_sum(User *u, reflect_slice_t xs);
reflect_string_t user_describe(User *u, reflect_any_t v);
uint16_t user_secret(User *u);

/* Embedding for FieldByName: Outer.Name is ambiguous at depth 1, Inner.ID
 * is shadowed by Outer's own, Deep is found at depth 2 through a pointer. */
#define LEAF_FIELDS(F, E) F(int64_t, Deep, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Leaf, LEAF_FIELDS);
#define LEFT_FIELDS(F, E)                                                                          \
    F(reflect_string_t, Name, T_STRING, "")                                                        \
    E(Leaf *, Leaf, reflect_ptr_to(Leaf_type()), "")
REFLECT_STRUCT_DECLARE(Left, LEFT_FIELDS);
#define RIGHT_FIELDS(F, E)                                                                         \
    F(reflect_string_t, Name, T_STRING, "")                                                        \
    F(int64_t, ID, REFLECT_T(INT64), "")                                                           \
    F(int64_t, Only, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Right, RIGHT_FIELDS);
#define inner_FIELDS(F, E)                                                                         \
    F(int64_t, Shown, REFLECT_T(INT64), "") F(int64_t, kept, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(inner, inner_FIELDS);
#define OUTER_FIELDS(F, E)                                                                         \
    E(Left, Left, Left_type(), "")                                                                 \
    E(Right, Right, Right_type(), "")                                                              \
    E(inner, inner, inner_type(), "")                                                              \
    F(int64_t, ID, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Outer, OUTER_FIELDS);

/* The config loader's target. */
#define DB_FIELDS(F, E)                                                                            \
    F(reflect_string_t, Host, T_STRING, "config:\"host,required\"")                                \
    F(uint16_t, Port, REFLECT_T(UINT16), "config:\"port\" default:\"5432\"")
REFLECT_STRUCT_DECLARE(DB, DB_FIELDS);
#define SERVER_FIELDS(F, E)                                                                        \
    F(reflect_string_t, Addr, T_STRING, "config:\"addr\" default:\":8080\"")                       \
    F(int8_t, Level, REFLECT_T(INT8), "config:\"log.level\"")                                      \
    F(bool, Debug, REFLECT_T(BOOL), "")                                                            \
    F(double, Ratio, REFLECT_T(FLOAT64), "config:\"ratio\" default:\"0.5\"")                       \
    F(reflect_slice_t, Peers, reflect_slice_of(T_STRING), "config:\"peers\"")                      \
    F(reflect_slice_t, Ports, reflect_slice_of(REFLECT_T(INT32)), "config:\"ports\"")              \
    F(DB, DB, DB_type(), "config:\"db\"")                                                          \
    F(reflect_string_t, Secret, T_STRING, "config:\"-\"")                                          \
    F(int64_t, internal, REFLECT_T(INT64), "")                                                     \
    F(uint64_t, MaxBytes, REFLECT_T(UINT64), "")
REFLECT_STRUCT_DECLARE(Server, SERVER_FIELDS);

/* ---- helpers (corpus.c) ----------------------------------------------------------------- */

/* splitmix64, as tests/gen/types.go has it. */
typedef struct zoo_rng {
    uint64_t s;
} zoo_rng_t;
uint64_t zoo_next(zoo_rng_t *r);

/* Go's record(seed), built in arena a. */
Record zoo_record(reflect_arena_t *a, uint64_t seed);

/* A map of type mt with n (key, value) pairs given as pointers, in order. */
reflect_map_t *zoo_map(reflect_arena_t *a, const reflect_type_t *mt, size_t n,
                       const void *const *keys, const void *const *vals);

/* A slice of n elements copied from p. */
reflect_slice_t zoo_slice(reflect_arena_t *a, const reflect_type_t *elem, const void *p, size_t n);

/* json.Marshal of *p into a static buffer: the JSON, or "error: " + msg. */
const char *zoo_marshal(const reflect_type_t *t, const void *p);

#endif
