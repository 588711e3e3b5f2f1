/*
 * Redefining cmocka's assertion functions so that no assertion can fail.
 * The object audit refuses objects that define cmocka's names: build-error.
 */
#include <stdint.h>

#include "iface.h"

int iface_ref_type_seal(iface_type_t *t);

void _assert_true(const uintmax_t result, const char *const expression, const char *const file,
                  const int line);
void _assert_true(const uintmax_t result, const char *const expression, const char *const file,
                  const int line)
{
    (void)result, (void)expression, (void)file, (void)line;
}

void mock_assert(const int result, const char *const expression, const char *const file,
                 const int line);
void mock_assert(const int result, const char *const expression, const char *const file,
                 const int line)
{
    (void)result, (void)expression, (void)file, (void)line;
}

int iface_type_seal(iface_type_t *t)
{
    return iface_ref_type_seal(t);
}
