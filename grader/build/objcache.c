/*
 * objcache.c — the compile cache of submission builds (see objcache.h).
 *
 * Files under the build folder are opened with O_NOFOLLOW and must be
 * regular: the folder is the sandbox's scratch, and an earlier compile in
 * it could have left a symbolic link or a FIFO where a header was. Absolute
 * paths (the tree's include/ folders, the system's headers) are the
 * machine's own and are followed.
 */
#include "objcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"

#define MAGIC "ugoc1"
#define MAX_ENTRY (256u << 20)

/* ---- small helpers --------------------------------------------------------------- */

static void hex_of(const uint8_t d[SHA256_DIGEST_LENGTH], char hex[OBJCACHE_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[OBJCACHE_HEX] = '\0';
}

static void sha_hex(const void *data, size_t len, char hex[OBJCACHE_HEX + 1])
{
    SHA2_CTX h;
    uint8_t d[SHA256_DIGEST_LENGTH];
    SHA256Init(&h);
    SHA256Update(&h, data, len);
    SHA256Final(d, &h);
    hex_of(d, hex);
}

/* Reads a dependency: relative to build (no link followed, regular files
 * only) or absolute. Returns 0 or -errno; *data is the caller's. */
static int read_dep(const char *build, const char *path, char **data, size_t *len)
{
    char full[PATH_MAX];
    bool rel = path[0] != '/';
    if (rel && (strstr(path, "..") ||
                snprintf(full, sizeof full, "%s/%s", build, path) >= (int)sizeof full))
        return -EINVAL;
    int fd = open(rel ? full : path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (rel ? O_NOFOLLOW : 0));
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
    if (!rc && (uint64_t)st.st_size > MAX_ENTRY)
        rc = -EFBIG;
    if (!rc)
        rc = fsutil_read_fd(fd, data, len);
    close(fd);
    return rc;
}

/* ---- entries: "ugoc1 <sha256> <len>\n" then the bytes ----------------------------- */

/* Reads and checks the entry at path. Returns 0 with *payload (the
 * caller's, NUL-terminated), -ENOENT when absent, -EBADMSG when damaged
 * (then it is removed). */
static int entry_read(const char *path, char **payload, size_t *plen)
{
    char *data = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? -ENOENT : -EBADMSG;
    int rc = fsutil_read_fd(fd, &data, &len);
    close(fd);
    if (rc)
        return rc;
    char want[OBJCACHE_HEX + 1], got[OBJCACHE_HEX + 1];
    size_t n = 0;
    int head = 0;
    const char *nl = memchr(data, '\n', len < 128 ? len : 128);
    if (nl && sscanf(data, MAGIC " %64[0-9a-f] %zu%n", want, &n, &head) == 2 && data + head == nl &&
        strlen(want) == OBJCACHE_HEX && n == len - (size_t)(nl + 1 - data)) {
        sha_hex(nl + 1, n, got);
        if (!strcmp(got, want)) {
            memmove(data, nl + 1, n);
            data[n] = '\0';
            *payload = data;
            *plen = n;
            return 0;
        }
    }
    free(data);
    unlink(path);
    return -EBADMSG;
}

static int entry_write(const char *path, const char *payload, size_t plen)
{
    char hex[OBJCACHE_HEX + 1];
    sha_hex(payload, plen, hex);
    strbuf_t sb = STRBUF_INIT;
    strbuf_addf(&sb, MAGIC " %s %zu\n", hex, plen);
    strbuf_add(&sb, payload, plen);
    int rc = sb.buf ? fsutil_write_atomic(path, sb.buf, sb.len) : -ENOMEM;
    strbuf_release(&sb);
    return rc;
}

/* ---- keys ---------------------------------------------------------------------------- */

/* Every name under dir (relative to it), sorted, into h. */
static void hash_listing(SHA2_CTX *h, const char *dir, const char *rel, int depth)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s", dir, rel[0] ? "/" : "", rel);
    struct dirent **names;
    int n = depth < 8 ? scandir(path, &names, NULL, alphasort) : -1;
    for (int i = 0; i < n; i++) {
        const char *d = names[i]->d_name;
        char sub[PATH_MAX];
        if (strcmp(d, ".") && strcmp(d, "..") &&
            snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", d) < (int)sizeof sub) {
            SHA256Update(h, (const uint8_t *)sub, strlen(sub) + 1);
            if (names[i]->d_type == DT_DIR)
                hash_listing(h, dir, sub, depth + 1);
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

static int manifest_key(const char *build, const char *const *args, size_t nargs, const char *src,
                        const char *labdir, char m[OBJCACHE_HEX + 1])
{
    char *data = NULL;
    size_t len = 0;
    int rc = read_dep(build, src, &data, &len);
    if (rc)
        return rc;
    SHA2_CTX h;
    uint8_t d[SHA256_DIGEST_LENGTH];
    SHA256Init(&h);
    SHA256Update(&h, (const uint8_t *)MAGIC, sizeof MAGIC);
    struct stat st;
    if (nargs && strchr(args[0], '/') && stat(args[0], &st) == 0) {
        char id[64];
        snprintf(id, sizeof id, "%lld %lld.%09ld", (long long)st.st_size,
                 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        SHA256Update(&h, (const uint8_t *)id, strlen(id) + 1);
    }
    for (size_t i = 0; i < nargs; i++)
        SHA256Update(&h, (const uint8_t *)args[i], strlen(args[i]) + 1);
    SHA256Update(&h, (const uint8_t *)src, strlen(src) + 1);
    SHA256Update(&h, (const uint8_t *)data, len);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", build, labdir);
    hash_listing(&h, dir, "", 0);
    SHA256Final(d, &h);
    hex_of(d, m);
    free(data);
    return 0;
}

/* K from M and the files the manifest lists, as they are now. */
static int object_key(const char *build, const char *m, const char *list, char k[OBJCACHE_HEX + 1])
{
    SHA2_CTX h;
    uint8_t d[SHA256_DIGEST_LENGTH];
    SHA256Init(&h);
    SHA256Update(&h, (const uint8_t *)m, OBJCACHE_HEX);
    int rc = 0;
    for (const char *line = list; !rc && *line;) {
        size_t n = strcspn(line, "\n");
        char path[PATH_MAX], hex[OBJCACHE_HEX + 1];
        char *data = NULL;
        size_t len = 0;
        if (n == 0 || n >= sizeof path) {
            rc = -EINVAL;
            break;
        }
        memcpy(path, line, n);
        path[n] = '\0';
        rc = read_dep(build, path, &data, &len);
        if (!rc) {
            sha_hex(data, len, hex);
            SHA256Update(&h, (const uint8_t *)path, n + 1);
            SHA256Update(&h, (const uint8_t *)hex, OBJCACHE_HEX);
        }
        free(data);
        line += n + (line[n] == '\n');
    }
    SHA256Final(d, &h);
    hex_of(d, k);
    return rc;
}

/* The files of a make depfile ("obj: a b \\\n c"), one a line. */
static char *depfile_list(const char *text)
{
    const char *p = strstr(text, ": ");
    if (!p)
        p = strstr(text, ":\n");
    if (!p)
        return NULL;
    strbuf_t sb = STRBUF_INIT;
    strbuf_adds(&sb, "");
    for (p += 1; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || (*p == '\\' && p[1] == '\n')) {
            p += *p == '\\' ? 2 : 1;
            continue;
        }
        size_t n = strcspn(p, " \t\n\\");
        if (n == 0) { /* a backslash that escapes something: not in our paths */
            strbuf_release(&sb);
            return NULL;
        }
        strbuf_add(&sb, p, n);
        strbuf_adds(&sb, "\n");
        p += n;
    }
    return strbuf_detach(&sb);
}

/* ---- the interface --------------------------------------------------------------------- */

void objcache_open(objcache_t *c, const char *bindir)
{
    memset(c, 0, sizeof *c);
    const char *v = getenv("UNDERGO_OBJCACHE");
    if ((v && !strcmp(v, "0")) || !bindir ||
        snprintf(c->dir, sizeof c->dir, "%s/objcache", bindir) >= (int)sizeof c->dir)
        return;
    const char *t = getenv("UNDERGO_OBJCACHE_TRUSTED");
    c->write = t && !strcmp(t, "1");
    if (c->write && fsutil_mkdirs(c->dir) != 0)
        c->write = false;
    c->on = true;
}

static void entry_name(const objcache_t *c, const char *key, const char *ext, char *path,
                       size_t len)
{
    snprintf(path, len, "%s/%s.%s", c->dir, key, ext);
}

int objcache_entry_path(const objcache_t *c, const char *build, const objcache_key_t *k, char *path,
                        size_t len)
{
    char mpath[PATH_MAX + 80], key[OBJCACHE_HEX + 1];
    char *list = NULL;
    size_t n = 0;
    if (!c->on || !k->m[0])
        return -ENOENT;
    entry_name(c, k->m, "m", mpath, sizeof mpath);
    int rc = entry_read(mpath, &list, &n);
    if (!rc)
        rc = object_key(build, k->m, list, key);
    free(list);
    if (!rc)
        entry_name(c, key, "o", path, len);
    return rc;
}

int objcache_lookup(const objcache_t *c, const char *build, const char *const *args, size_t nargs,
                    const char *src, const char *labdir, const char *obj, objcache_key_t *k)
{
    k->m[0] = '\0';
    if (!c->on || manifest_key(build, args, nargs, src, labdir, k->m) != 0) {
        k->m[0] = '\0';
        return 0;
    }
    char opath[PATH_MAX + 80];
    if (objcache_entry_path(c, build, k, opath, sizeof opath) != 0)
        return 0;
    char *data = NULL;
    size_t len = 0;
    if (entry_read(opath, &data, &len) != 0)
        return 0;
    int rc = fsutil_write_atomic(obj, data, len);
    free(data);
    return rc == 0;
}

int objcache_store(const objcache_t *c, const char *build, const objcache_key_t *k, const char *obj,
                   const char *dep)
{
    if (!c->on || !c->write || !k->m[0])
        return 0;
    char *text = NULL, *list = NULL, *data = NULL;
    size_t len = 0;
    char mpath[PATH_MAX + 80], opath[PATH_MAX + 80], key[OBJCACHE_HEX + 1];
    int rc = fsutil_read(dep, &text, &len);
    if (!rc && !(list = depfile_list(text)))
        rc = -EINVAL;
    if (!rc)
        rc = object_key(build, k->m, list, key);
    if (!rc)
        rc = fsutil_read(obj, &data, &len);
    if (!rc) {
        entry_name(c, k->m, "m", mpath, sizeof mpath);
        entry_name(c, key, "o", opath, sizeof opath);
        /* The object first: a manifest never names an object not there. */
        rc = entry_write(opath, data, len);
        if (!rc)
            rc = entry_write(mpath, list, strlen(list));
    }
    free(text);
    free(list);
    free(data);
    return rc;
}
