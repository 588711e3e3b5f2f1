/*
 * text.h — make untrusted text safe to carry: valid UTF-8 for JSON, legal
 * characters for XML, escaped for HTML and XML attributes.
 */
#ifndef UNDERGO_TEXT_H
#define UNDERGO_TEXT_H

#include <stddef.h>

#include "strbuf.h"

/* Copies len bytes of s into a new string in which every invalid UTF-8
 * sequence, NUL and control character other than tab and newline (a
 * carriage return too) becomes '?'. Caller frees; NULL when out of memory. */
char *text_clean(const char *s, size_t len);

/* Now, UTC, as ISO 8601 ("2026-11-27T17:30:00Z"). Caller frees; NULL when
 * out of memory. */
char *text_utc_now(void);

/* Appends s with &, <, >, " and ' escaped (s must be text_clean()ed). */
void text_add_xml(strbuf_t *sb, const char *s);

#endif
