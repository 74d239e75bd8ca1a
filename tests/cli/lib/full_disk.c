/* An injected full disk (tests/cli/disk_full.sh, by LD_PRELOAD): the disk holds
 * LEOSEM_FULL_DISK_BYTES bytes of what the process writes to regular files (other than its
 * standard streams) with write/pwrite, as HDF5's default driver does. The write that crosses the
 * limit writes what fits and returns short, as on a real disk, and every later one fails with
 * ENOSPC. Without the variable it only counts: at exit the total goes to LEOSEM_FULL_DISK_REPORT. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long written_bytes = 0;

static int counted(int fd) {
  struct stat st;
  return fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* How many of `count` bytes fit; 0 with errno = ENOSPC when none do. */
static size_t room_for(int fd, size_t count) {
  if (!counted(fd)) return count;
  const char* limit_text = getenv("LEOSEM_FULL_DISK_BYTES");
  if (!limit_text) {
    written_bytes += (long long)count;
    return count;
  }
  const long long limit = atoll(limit_text);
  long long left = limit - written_bytes;
  if (left < 0) left = 0;
  const size_t fits = (long long)count < left ? count : (size_t)left;
  written_bytes += (long long)fits;
  if (fits == 0 && count > 0) errno = ENOSPC;
  return fits;
}

ssize_t write(int fd, const void* buffer, size_t count) {
  static ssize_t (*real_write)(int, const void*, size_t);
  if (!real_write) real_write = (ssize_t(*)(int, const void*, size_t))dlsym(RTLD_NEXT, "write");
  const size_t fits = room_for(fd, count);
  if (fits == 0 && count > 0) return -1;
  return real_write(fd, buffer, fits);
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  static ssize_t (*real_pwrite)(int, const void*, size_t, off_t);
  if (!real_pwrite) real_pwrite = (ssize_t(*)(int, const void*, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
  const size_t fits = room_for(fd, count);
  if (fits == 0 && count > 0) return -1;
  return real_pwrite(fd, buffer, fits, offset);
}

__attribute__((destructor)) static void report_total(void) {
  const char* report = getenv("LEOSEM_FULL_DISK_REPORT");
  if (!report) return;
  FILE* out = fopen(report, "w");
  if (!out) return;
  fprintf(out, "%lld\n", written_bytes);
  fclose(out);
}
