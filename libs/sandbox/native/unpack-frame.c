// The warm bash sandbox's unpacker: it runs inside the sandbox, started with the launcher and
// blocked on the shared fd 0. It takes the run's frame (warm-frame.ts) from fd 0, writes its
// files under /work, hands main and the args to bash on fd 1 (each ending in NUL), and exits.
// Python did this before at ~1 ms of interpreter per run on an idle machine; this is ~50 us.
// Built static at sandbox:build into the rootfs, so it depends on nothing of the tree.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fail(const char *what, const char *name) {
  dprintf(2, "sandbox-unpack: %s %s: %s\n", what, name ? name : "", strerror(errno));
  _exit(1);
}

// Exactly n bytes from fd 0; end of input before them ends the unpacker (125) as the launcher would.
static void read_exactly(unsigned char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(0, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) _exit(125);
    got += (size_t)r;
  }
}

static void write_all(int fd, const unsigned char *p, size_t n, const char *name) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fail("write", name);
    p += w;
    n -= (size_t)w;
  }
}

static uint32_t be32(const unsigned char *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

// As Python's os.makedirs(dir, 0o755, exist_ok=True): parents with 0777, the last with 0755 (umask applies).
static void make_dirs(char *path, size_t dir_len) {
  for (size_t i = 1; i <= dir_len; i++) {
    if (i < dir_len && path[i] != '/') continue;
    char saved = path[i];
    path[i] = '\0';
    if (mkdir(path, i == dir_len ? 0755 : 0777) < 0) {
      struct stat st;
      if (errno != EEXIST || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) fail("mkdir", path);
    }
    path[i] = saved;
  }
}

int main(void) {
  write_all(1, (const unsigned char *)"R", 1, "handshake");
  unsigned char size[4];
  read_exactly(size, 4);
  uint32_t n = be32(size);
  unsigned char *h = malloc(n ? n : 1);
  if (!h) fail("malloc", NULL);
  read_exactly(h, n);

  // Items: [u32 size][bytes] each; main, argc (decimal), the args, then name/content pairs.
  uint32_t count = 0, cap = 64;
  struct item { const unsigned char *p; uint32_t n; } *items = malloc(cap * sizeof *items);
  if (!items) fail("malloc", NULL);
  for (uint32_t pos = 0; pos < n;) {
    if (n - pos < 4 || be32(h + pos) > n - pos - 4) _exit(125);
    if (count == cap && !(items = realloc(items, (cap *= 2) * sizeof *items))) fail("malloc", NULL);
    items[count].n = be32(h + pos);
    items[count].p = h + pos + 4;
    pos += 4 + items[count++].n;
  }
  if (count < 2) _exit(125);
  char argc_text[16] = {0};
  if (items[1].n == 0 || items[1].n >= sizeof argc_text) _exit(125);
  memcpy(argc_text, items[1].p, items[1].n);
  char *end;
  unsigned long argc = strtoul(argc_text, &end, 10);
  if (*end || argc > count - 2) _exit(125);

  for (uint32_t i = 2 + argc; i + 1 < count; i += 2) {
    char *path = malloc(items[i].n + sizeof "/work/");
    if (!path) fail("malloc", NULL);
    memcpy(path, "/work/", 6);
    memcpy(path + 6, items[i].p, items[i].n);
    path[6 + items[i].n] = '\0';
    char *slash = strrchr(path + 6, '/');
    if (slash) make_dirs(path, (size_t)(slash - path));
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) fail("open", path);
    write_all(fd, items[i + 1].p, items[i + 1].n, path);
    if (close(fd) < 0) fail("close", path);
    free(path);
  }

  // main, then the args, each ending in NUL: what bash's mapfile -d '' reads back.
  size_t out_len = 0;
  for (uint32_t i = 0; i < 2 + argc; i++) if (i != 1) out_len += items[i].n + 1;
  unsigned char *out = malloc(out_len ? out_len : 1), *o = out;
  if (!out) fail("malloc", NULL);
  for (uint32_t i = 0; i < 2 + argc; i++) {
    if (i == 1) continue;
    memcpy(o, items[i].p, items[i].n);
    o += items[i].n;
    *o++ = '\0';
  }
  write_all(1, out, out_len, "arguments");
  close(1);
  _exit(0);
}
