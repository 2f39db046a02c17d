/*
 * flush.h - private interfaces of flush(8)
 */

#ifndef FLUSH_H
#define FLUSH_H

#include "sysdeps.h"

struct STRBUF;
struct ARGV;

/*
 * The log file of a site, relative to $queue_directory: "flush/" and
 * the site name in lower case with every byte other than [a-z0-9.-]
 * replaced by "_" (so "[192.0.2.1]" becomes "_192.0.2.1_"). Returns 0,
 * or -1 for a name that cannot be a log: empty, longer than 255 bytes,
 * or starting with ".".
 */
extern int flush_site_path(struct STRBUF *path, const char *site);

/*
 * The queue IDs in a log's text (one per line), each once, sorted;
 * malformed lines are skipped. Appends to ids.
 */
extern void flush_log_ids(const char *text, size_t len, struct ARGV *ids);

#endif
