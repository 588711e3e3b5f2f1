/*
 * person.h — the struct the demos reflect on, declared once, and its Go twin
 * in each demo's .go file: the same fields, tags and layout.
 */
#ifndef REFLECT_DEMO_PERSON_H
#define REFLECT_DEMO_PERSON_H

#include "reflect.h"

#define ADDRESS_FIELDS(F, E)                                                                       \
    F(reflect_string_t, City, REFLECT_T(STRING), "json:\"city\"")                                  \
    F(reflect_string_t, Zip, REFLECT_T(STRING), "json:\"zip,omitempty\"")
REFLECT_STRUCT_DECLARE(Address, ADDRESS_FIELDS);
REFLECT_STRUCT_DEFINE(Address, "main.Address", ADDRESS_FIELDS, REFLECT_NO_METHODS);

#define PERSON_FIELDS(F, E)                                                                        \
    E(Address, Address, Address_type(), "")                                                        \
    F(reflect_string_t, Name, REFLECT_T(STRING), "json:\"name\"")                                  \
    F(int64_t, Age, REFLECT_T(INT64), "json:\"age,omitempty\"")                                    \
    F(reflect_string_t, Password, REFLECT_T(STRING), "json:\"-\"")                                 \
    F(double, Score, REFLECT_T(FLOAT64), "json:\"score\"")                                         \
    F(reflect_slice_t, Tags, reflect_slice_of(REFLECT_T(STRING)), "json:\"tags\"")                 \
    F(reflect_map_t *, Langs, reflect_map_of(REFLECT_T(STRING), REFLECT_T(INT64)),                 \
      "json:\"langs\"")                                                                            \
    F(int64_t, ID, REFLECT_T(INT64), "json:\"id,string\"")                                         \
    F(int64_t, secret, REFLECT_T(INT64), "")
REFLECT_STRUCT_DECLARE(Person, PERSON_FIELDS);
REFLECT_STRUCT_DEFINE(Person, "main.Person", PERSON_FIELDS, REFLECT_NO_METHODS);

#endif
