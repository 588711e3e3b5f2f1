/*
 * reflect.h — Go's reflection for C structs: runtime type descriptors, values
 * you can inspect and set through them, methods called by name through libffi,
 * and what Go builds on top: encoding/json and a config loader driven by tags.
 *
 * A type descriptor (reflect_type_t) says what a value is made of: its kind,
 * size, alignment and Go name; a struct's fields (name, offset, type, tag); its
 * methods (name, C function, signature). Built-in types come from
 * reflect_builtin, composite ones from reflect_ptr_to / reflect_slice_of /
 * reflect_map_of (built once: one descriptor per type), structs from the
 * registry (reflect_struct_begin → _field / _method → _end), usually through
 * REFLECT_STRUCT_DEFINE below, which declares a struct once for C and for
 * reflection. A value (reflect_value_t) is a type, a pointer to the bytes and
 * two flags: addressable (it lives in memory the caller handed over) and
 * read-only (reached through an unexported field). Only an addressable, not
 * read-only value can be set, and every setter checks the kind, the type and the
 * range and returns an error where Go would panic.
 *
 * How Go values look in C (the same layout as Go's on amd64):
 *   bool            bool                 intN / uintN   intN_t / uintN_t
 *   int, uint       int64_t, uint64_t    float32/64     float / double
 *   string          reflect_string_t     *T             T *
 *   []T             reflect_slice_t      map[K]V        reflect_map_t *
 *   interface {}    reflect_any_t        struct         the C struct
 *
 * Interface: REFLECT_STRUCT_DECLARE / _DEFINE (or reflect_struct_*) →
 *   reflect_value_of / reflect_value_at → reflect_value_field / _elem / _index …
 *   → reflect_value_set_* ; reflect_value_method_by_name → reflect_func_call;
 *   reflect_json_marshal / reflect_json_unmarshal; reflect_config_load.
 * Memory: descriptors live until the process ends. Values built by the decoders
 * come from a caller's arena (reflect_arena_t), freed all at once, as a garbage
 * collector would. Not thread-safe: one thread registers types at a time.
 *
 * Which file holds what: reflect_type.c (registry, composite types, tags,
 * FieldByName), reflect_value.c (values), reflect_call.c (methods, libffi),
 * reflect_jsonfields.c (which struct fields JSON sees), reflect_encode.c,
 * reflect_decode.c, reflect_config.c are the lab's answer; support/
 * (reflect_arena.c, reflect_scan.c, reflect_text.c) is given code.
 */
#ifndef UNDERGO_REFLECT_H
#define UNDERGO_REFLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

/* ---- descriptors ------------------------------------------------------------ */

/* Go's reflect.Kind. reflect_kind_name gives Go's Kind.String(): "int64",
 * "ptr", "slice", "interface", ... */
typedef enum reflect_kind {
    REFLECT_INVALID,
    REFLECT_BOOL,
    REFLECT_INT,
    REFLECT_INT8,
    REFLECT_INT16,
    REFLECT_INT32,
    REFLECT_INT64,
    REFLECT_UINT,
    REFLECT_UINT8,
    REFLECT_UINT16,
    REFLECT_UINT32,
    REFLECT_UINT64,
    REFLECT_FLOAT32,
    REFLECT_FLOAT64,
    REFLECT_STRING,
    REFLECT_PTR,
    REFLECT_SLICE,
    REFLECT_MAP,
    REFLECT_STRUCT,
    REFLECT_INTERFACE,
    REFLECT_NKINDS
} reflect_kind_t;

typedef struct reflect_type reflect_type_t;

/* A Go string: len bytes at ptr, not NUL-terminated, any bytes at all. */
typedef struct reflect_string {
    const char *ptr;
    size_t len;
} reflect_string_t;

/* A Go slice header. The nil slice has data == NULL (and len == cap == 0); an
 * empty non-nil slice has data != NULL and len == 0. */
typedef struct reflect_slice {
    void *data;
    size_t len, cap;
} reflect_slice_t;

/* A Go map is a reflect_map_t * (NULL: the nil map); reflect_arena.c. */
typedef struct reflect_map reflect_map_t;

/* A value of the empty interface: the dynamic type and a pointer to the value
 * (boxed, even for pointers). The nil interface has type == NULL. */
typedef struct reflect_any {
    const reflect_type_t *type;
    void *ptr;
} reflect_any_t;

/* The C function behind a method: `R fn(T *recv, A1 a1, A2 a2, ...)`, every
 * argument and the result passed by value in its C representation. */
typedef void (*reflect_fn_t)(void);

/* A struct field as Go's reflect.StructField describes it. Read-only. */
typedef struct reflect_field {
    const char *name; /* the Go name; "Base" for an embedded Base */
    const char *tag;  /* the raw tag, `json:"id,omitempty"`; "" if none */
    const reflect_type_t *type;
    size_t offset; /* bytes from the start of the struct */
    size_t index;  /* position among the struct's fields */
    bool embedded; /* Go's Anonymous: its fields are promoted */
    bool exported; /* the name starts with an upper-case letter */
} reflect_field_t;

/* A method as reflect.Method describes it. Read-only. */
typedef struct reflect_method {
    const char *name;
    reflect_fn_t fn;
    const reflect_type_t **in; /* the arguments' types, receiver excluded */
    size_t nin;
    const reflect_type_t *out; /* the result's type; NULL: no result */
    const char *sig;           /* "func(string, int64) string", receiver excluded */
    size_t index;              /* position in the sorted method list */
} reflect_method_t;

/* A type descriptor. Built by this lab's functions only; read-only after. */
struct reflect_type {
    /* read-only */
    reflect_kind_t kind;
    size_t size;
    size_t align;
    const char *name;              /* Go's Type.String(): "main.User", "int64", "[]string",
                                      "*main.User", "map[string]int64", "interface {}" */
    const reflect_type_t *elem;    /* PTR, SLICE: the element; MAP: the value type */
    const reflect_type_t *key;     /* MAP: the key type */
    const reflect_field_t *fields; /* STRUCT: in declaration order */
    size_t nfields;
    const reflect_method_t *methods; /* STRUCT: exported methods, sorted by name */
    size_t nmethods;
    bool complete; /* STRUCT: reflect_struct_end has run */
    /* private: what the implementation caches per type */
    void *json_cache; /* reflect_jsonfields.c */
    void *ffi_cache;  /* reflect_call.c */
    void *priv;       /* reflect_type.c */
};

/* Go's Kind.String() ("ptr" for REFLECT_PTR, as Go 1.19 prints it); "invalid"
 * for REFLECT_INVALID and unknown values. Can't fail. */
const char *reflect_kind_name(reflect_kind_t k);

/* ---- the registry (reflect_type.c) ----------------------------------------------- */

/* The descriptor of a built-in kind: bool, the ints and uints, the floats,
 * string, and interface {} (REFLECT_INTERFACE). NULL for any other kind. */
const reflect_type_t *reflect_builtin(reflect_kind_t k);

/* *elem, []elem and map[key]elem. Built on the first request, then the same
 * descriptor every time (type identity is pointer identity). NULL for a NULL
 * argument, a map key this lab does not compare (only bool, integer,
 * string and pointer keys are; not floats), or no memory. */
const reflect_type_t *reflect_ptr_to(const reflect_type_t *elem);
const reflect_type_t *reflect_slice_of(const reflect_type_t *elem);
const reflect_type_t *reflect_map_of(const reflect_type_t *key, const reflect_type_t *elem);

/* Starts a struct type named `name` ("main.User") of the given C size and
 * alignment and registers it at once, so fields may refer to it (a *Node in a
 * Node). Returns 0, -EEXIST if a complete type has that name, -EINVAL for a
 * NULL or empty name, an alignment that is not a power of two or a size that
 * is not a multiple of it, -ENOMEM. */
int reflect_struct_begin(const char *name, size_t size, size_t align, reflect_type_t **out);

/* Adds a field. csize is the C member's size (sizeof), which must equal
 * type->size. Returns 0, -EEXIST for a second field of that name, -EINVAL for
 * a NULL name or type, a size mismatch, an offset not aligned to type->align,
 * a field overlapping the previous one or running past the struct's end, an
 * embedded field that is not a struct or a pointer to one, or a complete st;
 * -ENOMEM. On error st is unchanged. */
int reflect_struct_field(reflect_type_t *st, const char *name, size_t offset, size_t csize,
                         const reflect_type_t *type, const char *tag, bool embedded);

/* Adds a method: fn(st *recv, in[0], ..., in[nin-1]) returning out (NULL: no
 * result). A method whose name is not exported is accepted and left out of
 * st->methods, as Go's reflection never sees it. Returns 0, -EEXIST for a
 * second method of that name or a field of that name, -EINVAL for a NULL
 * name, fn or argument type, or a complete st; -ENOMEM. */
int reflect_struct_method(reflect_type_t *st, const char *name, reflect_fn_t fn,
                          const reflect_type_t *out, const reflect_type_t *const *in, size_t nin);

/* Completes st: sorts the methods by name and writes their signatures.
 * Returns 0, -EINVAL if st is complete already, -ENOMEM. */
int reflect_struct_end(reflect_type_t *st);

/* The registered type of that name (structs, built-ins, and composite types
 * built so far), or NULL. */
const reflect_type_t *reflect_type_by_name(const char *name);

/* Go's Type.Name(): "User" for "main.User", "int64" for int64, "" for
 * composite types. Can't fail; NULL gives "". */
const char *reflect_type_short_name(const reflect_type_t *t);

/* Where a field found by name sits: the index of each field on the way down
 * (Go's StructField.Index) and the field itself. */
#define REFLECT_MAX_DEPTH 16
typedef struct reflect_field_path {
    const reflect_field_t *field;
    size_t depth;
    size_t index[REFLECT_MAX_DEPTH];
} reflect_field_path_t;

/* Go's Type.FieldByName on struct t: a direct field, or one promoted from
 * embedded structs (through embedded pointers too) by Go's selector rules: the
 * shallowest depth wins; two at that depth are ambiguous. Unexported fields
 * count. Returns 0, -ENOENT (no such field), -ENOTUNIQ (ambiguous), -EINVAL (t
 * is not a struct). */
int reflect_type_field_by_name(const reflect_type_t *t, const char *name,
                               reflect_field_path_t *out);

/* Go's StructTag.Lookup: the value of key in a tag written
 * `key:"value" key2:"value2"`, unquoted as a Go string literal, copied to buf
 * (NUL-terminated, at most cap bytes). Returns the value's length, -ENOENT if
 * the key is absent (or the tag is malformed before it), -ERANGE if cap is too
 * small. */
ssize_t reflect_tag_lookup(const char *tag, const char *key, char *buf, size_t cap);

/* ---- values (reflect_value.c) ------------------------------------------------------- */

enum {
    REFLECT_FLAG_ADDR = 1,     /* addressable: lives where the caller said */
    REFLECT_FLAG_RO = 2,       /* reached through an unexported field: sticky */
    REFLECT_FLAG_EMBED_RO = 4, /* an unexported embedded field itself: its own
                                  exported fields are not read-only */
};

/* A reflect.Value. The zero value is the invalid Value (Go's reflect.Value{}). */
typedef struct reflect_value {
    const reflect_type_t *type; /* NULL: invalid */
    void *ptr;                  /* the value's bytes */
    unsigned flags;
} reflect_value_t;

/* What a Go error says, for the functions that take one (NULL is fine). */
typedef struct reflect_error {
    char msg[256];
} reflect_error_t;

/* reflect.ValueOf(x): a Value of *p that cannot be set (Go copies x). */
reflect_value_t reflect_value_of(const reflect_type_t *t, const void *p);

/* reflect.ValueOf(&x).Elem(): the addressable Value of *p. */
reflect_value_t reflect_value_at(const reflect_type_t *t, void *p);

/* The Value's kind; REFLECT_INVALID for the invalid Value. */
reflect_kind_t reflect_value_kind(reflect_value_t v);

/* Go's CanAddr / CanSet: addressable; addressable and not read-only. */
bool reflect_value_can_addr(reflect_value_t v);
bool reflect_value_can_set(reflect_value_t v);

/* Go's Elem: what a pointer points to (addressable) or what an interface
 * holds (not addressable). A nil pointer or nil interface gives the invalid
 * Value and 0. Returns 0, or -EINVAL for any other kind. */
int reflect_value_elem(reflect_value_t v, reflect_value_t *out);

/* Go's Field(i): field i of a struct, addressable if v is; read-only if v was
 * reached through an unexported field or the field is unexported; but an
 * exported field of an unexported embedded struct is not read-only (that is
 * how Go promotes it). Returns 0, -EINVAL (not a struct), -ERANGE. */
int reflect_value_field(reflect_value_t v, size_t i, reflect_value_t *out);

/* Go's FieldByName, following embedded pointers. Returns 0, the errors of
 * reflect_type_field_by_name, or -EFAULT when the path crosses a nil embedded
 * pointer (Go panics). */
int reflect_value_field_by_name(reflect_value_t v, const char *name, reflect_value_t *out);

/* Len and Cap: of a slice (len, cap), a string (len), a map (len). Returns 0,
 * -EINVAL for other kinds (and Cap of a string or map). */
int reflect_value_len(reflect_value_t v, size_t *n);
int reflect_value_cap(reflect_value_t v, size_t *n);

/* Go's Index(i) on a slice: element i, addressable even when v is not (its
 * bytes are in the backing array), read-only if v is. Returns 0, -EINVAL (not
 * a slice), -ERANGE (i >= len). */
int reflect_value_index(reflect_value_t v, size_t i, reflect_value_t *out);

/* Go's MapIndex: the element stored under key (not addressable). Returns 0,
 * -ENOENT if absent (a nil map has nothing), -EINVAL if v is not a map or key
 * is not of its key type. */
int reflect_value_map_index(reflect_value_t v, reflect_value_t key, reflect_value_t *out);

/* The i-th entry of a map in insertion order (Go's MapRange, in an order
 * this lab fixes). Returns 0, -ERANGE past the end, -EINVAL (not a map). */
int reflect_value_map_entry(reflect_value_t v, size_t i, reflect_value_t *key,
                            reflect_value_t *elem);

/* Getters: Bool, Int (every int kind), Uint (every uint kind), Float (both),
 * String. Return 0, or -EINVAL when v's kind is not the getter's. */
int reflect_value_bool(reflect_value_t v, bool *out);
int reflect_value_int(reflect_value_t v, int64_t *out);
int reflect_value_uint(reflect_value_t v, uint64_t *out);
int reflect_value_float(reflect_value_t v, double *out);
int reflect_value_string(reflect_value_t v, reflect_string_t *out);

/* Setters. Return 0; -EPERM if v cannot be set (checked first); -EINVAL if v's
 * kind is not the setter's; -ERANGE if x does not fit v's type (an int8 given
 * 300, a float32 given 1e39: where Go's Set would truncate, this refuses).
 * On error the value is unchanged. */
int reflect_value_set_bool(reflect_value_t v, bool x);
int reflect_value_set_int(reflect_value_t v, int64_t x);
int reflect_value_set_uint(reflect_value_t v, uint64_t x);
int reflect_value_set_float(reflect_value_t v, double x);
int reflect_value_set_string(reflect_value_t v, reflect_string_t x);

/* Go's Set: dst = src, when src's type is dst's (a copy of its bytes) or dst
 * is an interface {} (dst then holds src's type and src.ptr: the caller keeps
 * src's bytes alive). Returns 0, -EPERM (dst cannot be set), -EINVAL (an
 * invalid Value, or src not assignable to dst), with msg "reflect.Set: value
 * of type string is not assignable to type int64". */
int reflect_value_set(reflect_value_t dst, reflect_value_t src, reflect_error_t *err);

/* Sets v to its type's zero value. Returns 0, -EPERM. */
int reflect_value_set_zero(reflect_value_t v);

/* Go's IsNil: 1 or 0 for pointers, slices, maps and interfaces; -EINVAL for
 * other kinds (Go panics). */
int reflect_value_is_nil(reflect_value_t v);

/* Go's IsZero: v is its type's zero value (a float is zero only as +0; a
 * string by its length; a struct when every field is). Invalid Value: false. */
bool reflect_value_is_zero(reflect_value_t v);

/* ---- methods (reflect_call.c) --------------------------------------------------------- */

/* A method bound to a receiver: Go's v.MethodByName(name). */
typedef struct reflect_func {
    const reflect_method_t *method;
    void *recv;
} reflect_func_t;

/* Method `name` of struct type t or of *t. Returns 0, -ENOENT (no exported
 * method of that name), -EINVAL (t is neither). */
int reflect_type_method_by_name(const reflect_type_t *t, const char *name,
                                const reflect_method_t **out);

/* Binds method `name` to v, a *T (the pointer is the receiver, even nil) or
 * an addressable T (its address is). Every method of the lab has a pointer
 * receiver, so a T that is not addressable has none: -ENOENT, as for an
 * unknown name; -EINVAL for other kinds. */
int reflect_value_method_by_name(reflect_value_t v, const char *name, reflect_func_t *out);

/* Calls f with args through libffi (ffi_call: no closures, no executable
 * memory). Every argument must have exactly the method's parameter type
 * (an interface {} parameter takes any value, boxed). The result, if the
 * method has one, is written to ret (out->size bytes). Returns 0, or -EINVAL
 * before calling anything, with Go's message: "reflect: Call with too few
 * input arguments", "reflect: Call with too many input arguments",
 * "reflect: Call using string as type int64", "reflect: Call of nil
 * function" (f unbound), or for a NULL ret of a method with a result
 * "reflect: Call with nowhere to put the result". */
int reflect_func_call(reflect_func_t f, const reflect_value_t *args, size_t nargs, void *ret,
                      reflect_error_t *err);

/* reflect_value_method_by_name then reflect_func_call; -ENOENT with msg
 * "reflect: no method Foo on *main.User". */
int reflect_call_by_name(reflect_value_t v, const char *name, const reflect_value_t *args,
                         size_t nargs, void *ret, reflect_error_t *err);

/* ---- support: arena, strings, slices, maps, interfaces (reflect_arena.c) ------------- */

/* Memory that lives until reflect_arena_free: what the decoders allocate. */
typedef struct reflect_arena reflect_arena_t;

reflect_arena_t *reflect_arena_new(void);
void reflect_arena_free(reflect_arena_t *a);
/* n zeroed bytes aligned to align (a power of two <= 16), or NULL. */
void *reflect_arena_alloc(reflect_arena_t *a, size_t n, size_t align);
/* A copy of n bytes of s as a Go string; {NULL, 0} for n == 0 or no memory. */
reflect_string_t reflect_arena_string(reflect_arena_t *a, const char *s, size_t n);
/* A new zeroed slice of len elements (cap >= len) of type elem: never nil,
 * even for cap 0. Returns 0, -EINVAL, -ENOMEM. */
int reflect_slice_make(reflect_arena_t *a, const reflect_type_t *elem, size_t len, size_t cap,
                       reflect_slice_t *out);
/* A copy of the value *p of type t in the arena (an interface's box), or NULL. */
void *reflect_box(reflect_arena_t *a, const reflect_type_t *t, const void *p);

/* A new empty map of map type mt, or NULL. */
reflect_map_t *reflect_map_new(reflect_arena_t *a, const reflect_type_t *mt);
/* The map's type; its number of entries (0 for NULL). */
const reflect_type_t *reflect_map_type(const reflect_map_t *m);
size_t reflect_map_len(const reflect_map_t *m);
/* The element stored under *key (a value of the key type), or NULL. */
void *reflect_map_find(const reflect_map_t *m, const void *key);
/* The element slot for *key: the existing one, or a new zeroed one appended
 * after the others (the key's bytes are copied; a string key's bytes must
 * outlive the map). A slot stays valid until the next put. Returns 0,
 * -EINVAL (NULL map), -ENOMEM. */
int reflect_map_put(reflect_map_t *m, const void *key, void **elem);
/* Entry i in insertion order. Returns 0, -ERANGE. */
int reflect_map_entry(const reflect_map_t *m, size_t i, const void **key, void **elem);

/* A Go string from a C string literal (no copy). */
static inline reflect_string_t reflect_str(const char *s)
{
    return (reflect_string_t){s, s ? strlen(s) : 0};
}

/* ---- support: output buffer, UTF-8, base64 (reflect_text.c) ------------------------ */

/* A growable byte buffer; zero-initialized is empty. */
typedef struct reflect_buf {
    char *data;
    size_t len, cap;
    bool oom; /* an append ran out of memory: the contents are cut */
} reflect_buf_t;

/* Makes room for n more bytes. Returns 0, or -ENOMEM and sets b->oom. */
int reflect_buf_reserve(reflect_buf_t *b, size_t n);
void reflect_buf_free(reflect_buf_t *b);

static inline void reflect_buf_put(reflect_buf_t *b, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (b->cap - b->len < n && reflect_buf_reserve(b, n) < 0)
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void reflect_buf_byte(reflect_buf_t *b, char c)
{
    if (b->cap == b->len && reflect_buf_reserve(b, 1) < 0)
        return;
    b->data[b->len++] = c;
}

static inline void reflect_buf_cstr(reflect_buf_t *b, const char *s)
{
    reflect_buf_put(b, s, strlen(s));
}

/* The buffer as a NUL-terminated string ("" when empty or after oom). */
const char *reflect_buf_str(reflect_buf_t *b);

/* Go's utf8.DecodeRune: the rune at s (n > 0 bytes) and its width; an invalid
 * or short sequence (overlong, surrogate, > U+10FFFF) is U+FFFD of width 1. */
int reflect_utf8_decode(const char *s, size_t n, uint32_t *rune);
/* Appends rune r as UTF-8 (U+FFFD for an invalid r). */
void reflect_utf8_put(reflect_buf_t *b, uint32_t r);

/* base64.StdEncoding: appends the padded encoding of n bytes. */
void reflect_base64_encode(reflect_buf_t *b, const void *p, size_t n);
/* Decodes; returns the decoded length, or -EILSEQ with *bad the offset Go's
 * "illegal base64 data at input byte N" names. out holds >= n*3/4 bytes. */
ssize_t reflect_base64_decode(const char *s, size_t n, void *out, size_t *bad);

/* ---- support: JSON reader (reflect_scan.c) ------------------------------------------- */

/* Go's json.Valid with the SyntaxError it reports: 0, or -EBADMSG with msg
 * "invalid character 'x' looking for beginning of value", "unexpected end of
 * JSON input", ... exactly as Go's scanner words them. */
int reflect_json_check(const char *data, size_t len, reflect_error_t *err);

typedef enum reflect_tok {
    REFLECT_TOK_END,        /* no more input */
    REFLECT_TOK_OBJECT,     /* { */
    REFLECT_TOK_OBJECT_END, /* } */
    REFLECT_TOK_ARRAY,      /* [ */
    REFLECT_TOK_ARRAY_END,  /* ] */
    REFLECT_TOK_STRING,     /* raw: the literal with its quotes */
    REFLECT_TOK_NUMBER,     /* raw: the literal, "-1.5e3" */
    REFLECT_TOK_TRUE,
    REFLECT_TOK_FALSE,
    REFLECT_TOK_NULL,
} reflect_tok_t;

/* Reads tokens from input reflect_json_check accepted; ':' and ',' are
 * skipped (the check already proved them where they belong). */
typedef struct reflect_json_reader {
    const char *data;
    size_t len, pos;
} reflect_json_reader_t;

typedef struct reflect_json_token {
    reflect_tok_t kind;
    const char *raw;
    size_t len;
} reflect_json_token_t;

/* The next token, moving past it; reflect_json_peek leaves it. */
reflect_tok_t reflect_json_next(reflect_json_reader_t *r, reflect_json_token_t *tok);
reflect_tok_t reflect_json_peek(reflect_json_reader_t *r);
/* Skips one whole value (a scalar, or an object or array with its contents). */
void reflect_json_skip(reflect_json_reader_t *r);
/* Go's unquote of a JSON string literal (raw, with quotes): escapes decoded,
 * \u surrogate pairs joined, a lone surrogate and invalid UTF-8 become U+FFFD.
 * The result is in the arena (or points into raw when nothing changes).
 * Returns 0, -EINVAL (not a string literal), -ENOMEM. */
int reflect_json_unquote(reflect_arena_t *a, const char *raw, size_t len, reflect_string_t *out);

/* ---- encoding/json (reflect_jsonfields.c, reflect_encode.c, reflect_decode.c) ------- */

/* One struct field as encoding/json sees it (Go's typeFields): the JSON name,
 * the path of field indexes from the struct down through embedded structs,
 * and the tag's options. */
typedef struct reflect_json_field {
    const char *name;             /* the key: the tag's name, or the Go name */
    const reflect_field_t *field; /* the field at the end of the path */
    size_t depth;
    size_t index[REFLECT_MAX_DEPTH];
    bool tagged; /* the name came from the tag */
    bool omitempty;
    bool quoted; /* ",string" on a bool, number or string field */
} reflect_json_field_t;

/* The fields encoding/json marshals and unmarshals for struct t, in Go's
 * order (by index path), after dropping "-", unexported fields and the ones
 * Go's embedding rules hide; cached in t. Returns 0 with *out and *n, -EINVAL
 * (not a struct), -ENOMEM. */
int reflect_json_fields(const reflect_type_t *t, const reflect_json_field_t **out, size_t *n);

/* json.Marshal of the value *p of type t, appended to out. Returns 0;
 * -EDOM for an unsupported value ("json: unsupported value: NaN", "json:
 * unsupported value: encountered a cycle via *main.Node"); -EOPNOTSUPP for an
 * unsupported type ("json: unsupported type: map[bool]string"); -ENOMEM. On
 * error out's contents past its old length are unspecified. */
int reflect_json_marshal(const reflect_type_t *t, const void *p, reflect_buf_t *out,
                         reflect_error_t *err);

/* json.Unmarshal(data, p) where p is a *t: fills *p, allocating from a.
 * Returns 0; -EBADMSG for invalid JSON (nothing is changed); -EINVAL for a
 * NULL t or p ("json: Unmarshal(nil)", "json: Unmarshal(nil *main.User)");
 * -EDOM after a type mismatch ("json: cannot unmarshal string into Go struct
 * field User.age of type int64"); -EPROTO for the other errors Go reports
 * (",string" misuse, bad base64, an embedded pointer to an unexported
 * struct). Decoding goes on after a type mismatch, as Go's does: the first
 * error is returned and everything else is filled. -ENOMEM. */
int reflect_json_unmarshal(const char *data, size_t len, const reflect_type_t *t, void *p,
                           reflect_arena_t *a, reflect_error_t *err);

/* ---- the config loader (reflect_config.c) --------------------------------------------- */

/* Fills struct *p of type t from `key = value` lines by the fields' `config`
 * tags; see README.md for the format, the defaults, and the errors. Returns 0,
 * -EINVAL with msg "config: line 3: unknown key \"prot\"" and the like, -ENOMEM. */
int reflect_config_load(const char *text, size_t len, const reflect_type_t *t, void *p,
                        reflect_arena_t *a, reflect_error_t *err);

/* ---- declaring a struct once ----------------------------------------------------------------- */

/*
 * A struct is declared once as an X-macro list, then turned into the C type
 * and into the function that registers its descriptor on first use:
 *
 *   #define USER_FIELDS(F, E)                                           \
 *       E(base_t, Base, base_type(), "")                                \
 *       F(int64_t, Age, REFLECT_T(INT64), "json:\"age,omitempty\"")     \
 *       F(reflect_string_t, Name, REFLECT_T(STRING), "json:\"name\"")
 *   #define USER_METHODS(M)                                             \
 *       M(Greet, user_greet, REFLECT_T(STRING), REFLECT_T(STRING))
 *   REFLECT_STRUCT_DECLARE(user, USER_FIELDS)     // typedef struct user {...} user;
 *                                                 // const reflect_type_t *user_type(void);
 *   reflect_string_t user_greet(user *u, reflect_string_t greeting);
 *   REFLECT_STRUCT_DEFINE(user, "main.User", USER_FIELDS, USER_METHODS)
 *
 * F(ctype, name, type, tag) is a field, E(...) an embedded one (the C member
 * name is the embedded type's Go name); M(name, fn, result, args...) a method,
 * result NULL for none; REFLECT_NO_METHODS for a struct without. The type
 * expressions run inside <name>_type() on its first call, after the struct is
 * registered, so they may call <name>_type() themselves. <name>_type() returns
 * NULL if the lab refused the declaration.
 */
#define REFLECT_T(KIND) reflect_builtin(REFLECT_##KIND)
#define REFLECT__MEMBER(ctype, fname, type, tag) ctype fname;
#define REFLECT_STRUCT_DECLARE(sname, FIELDS)                                                      \
    typedef struct sname {                                                                         \
        FIELDS(REFLECT__MEMBER, REFLECT__MEMBER)                                                   \
    } sname;                                                                                       \
    const reflect_type_t *sname##_type(void)

#define REFLECT__ADD_FIELD(ctype, fname, type, tag)                                                \
    if (rc == 0)                                                                                   \
        rc = reflect_struct_field(st, #fname, offsetof(reflect__self, fname),                      \
                                  sizeof(((reflect__self *)0)->fname), (type), (tag), false);
#define REFLECT__ADD_EMBED(ctype, fname, type, tag)                                                \
    if (rc == 0)                                                                                   \
        rc = reflect_struct_field(st, #fname, offsetof(reflect__self, fname),                      \
                                  sizeof(((reflect__self *)0)->fname), (type), (tag), true);
#define REFLECT__ADD_METHOD(mname, fn, out, ...)                                                   \
    if (rc == 0) {                                                                                 \
        const reflect_type_t *const in_[] = {NULL, __VA_ARGS__};                                   \
        rc = reflect_struct_method(st, #mname, (reflect_fn_t)(fn), (out), in_ + 1,                 \
                                   sizeof(in_) / sizeof(in_[0]) - 1);                              \
    }
#define REFLECT_NO_METHODS(M)

#define REFLECT_STRUCT_DEFINE(sname, goname, FIELDS, METHODS)                                      \
    const reflect_type_t *sname##_type(void)                                                       \
    {                                                                                              \
        typedef sname reflect__self;                                                               \
        static reflect_type_t *done;                                                               \
        static bool failed;                                                                        \
        if (done || failed)                                                                        \
            return done;                                                                           \
        reflect_type_t *st = NULL;                                                                 \
        int rc = reflect_struct_begin(goname, sizeof(sname), _Alignof(sname), &st);                \
        if (rc < 0 || !st) {                                                                       \
            failed = true;                                                                         \
            return NULL;                                                                           \
        }                                                                                          \
        done = st;                                                                                 \
        FIELDS(REFLECT__ADD_FIELD, REFLECT__ADD_EMBED)                                             \
        METHODS(REFLECT__ADD_METHOD)                                                               \
        if (rc == 0)                                                                               \
            rc = reflect_struct_end(st);                                                           \
        if (rc < 0) {                                                                              \
            failed = true;                                                                         \
            done = NULL;                                                                           \
        }                                                                                          \
        return done;                                                                               \
    }                                                                                              \
    const reflect_type_t *sname##_type(void)

#endif
