/*
 * fuzz_file.c - scaffolding for fuzz targets whose parser reads a file
 *
 * The file is deleted and created anew for every input rather than
 * truncated: truncating a file on ext4 forces a disk write and made the
 * fuzzers ten times slower.
 */

#include "sysdeps.h"

#include <fcntl.h>
#include <unistd.h>

#include "log.h"
#include "stringops.h"
#include "fuzz_file.h"

static char *fuzz_dir;
static char *fuzz_path;
static char *fuzz_tmp;
static const char *fuzz_prog;

/* fuzz_file_cleanup - remove the private directory */

static void
fuzz_file_cleanup(void)
{
	(void) unlink(fuzz_path);
	(void) unlink(fuzz_tmp);
	(void) rmdir(fuzz_dir);
}

/* fuzz_file_log - show only what ends the process */

static void
fuzz_file_log(int level, const char *text)
{
	if (level >= LOG_LEVEL_FATAL)
		fprintf(stderr, "%s: %s\n", fuzz_prog, text);
}

/* fuzz_file_tmpdir - TMPDIR, else /dev/shm, else /tmp */

static const char *
fuzz_file_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp && *tmp)
		return tmp;
	return access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
}

/* fuzz_file_setup - logging and the private directory, once */

const char *
fuzz_file_setup(const char *prog, const char *name)
{
	fuzz_prog = prog;
	log_init(prog, 0);
	log_add_output(fuzz_file_log);
	fuzz_dir = str_concat(fuzz_file_tmpdir(), "/", prog, ".XXXXXX",
			      (char *) NULL);
	if (mkdtemp(fuzz_dir) == NULL)
		log_panic("mkdtemp %s: %m", fuzz_dir);
	fuzz_path = str_concat(fuzz_dir, "/", name, (char *) NULL);
	fuzz_tmp = str_concat(fuzz_path, ".tmp", (char *) NULL);
	atexit(fuzz_file_cleanup);
	return fuzz_path;
}

/* fuzz_file_dir - the private directory */

const char *
fuzz_file_dir(void)
{
	return fuzz_dir;
}

/* fuzz_file_write - replace the file's contents */

void
fuzz_file_write(const void *data, size_t size)
{
	int	fd;

	(void) unlink(fuzz_path);
	if ((fd = open(fuzz_path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		log_panic("open %s: %m", fuzz_path);
	if (size > 0 && write(fd, data, size) != (ssize_t) size)
		log_panic("write %s: %m", fuzz_path);
	if (close(fd) < 0)
		log_panic("close %s: %m", fuzz_path);
}
