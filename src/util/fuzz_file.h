/*
 * fuzz_file.h - scaffolding for fuzz targets whose parser reads a file
 *
 * Built only into the fuzz archive (FUZZ_ONLY_SRCS), never into the
 * programs. Each run writes the input into a file in a private
 * directory under TMPDIR, else memory-backed /dev/shm, else /tmp; the
 * directory, the file and NAME.tmp are removed at exit.
 */

#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include "sysdeps.h"

/*
 * Sets up logging for prog (only fatal and panic messages, which carry
 * the fuzzer's own checks, reach stderr) and the private directory.
 * Returns the path of the file NAME in it; valid until exit.
 */
extern const char *fuzz_file_setup(const char *prog, const char *name);

/* The private directory (a configuration directory, for instance). */
extern const char *fuzz_file_dir(void);

/* Replaces the file with size bytes of data. */
extern void fuzz_file_write(const void *data, size_t size);

#endif
