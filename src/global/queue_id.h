/*
 * queue_id.h - queue IDs: generation, validation, hashing
 *
 * A queue ID names a queue file. It is built from the time the file was
 * created and the file's inode number, so two files that exist at the
 * same time never share one. Short IDs (Postfix's classic form) are
 * upper-case hex: five digits of microseconds, then the inode number.
 * Long IDs (enable_long_queue_ids = yes) never repeat over the life of
 * the system: at least six characters of seconds, four of
 * microseconds, a 'z', then the inode number, in a 52-character
 * alphabet of digits and consonants (base 51, without 'z', for the
 * inode).
 */

#ifndef QUEUE_ID_H
#define QUEUE_ID_H

#include "sysdeps.h"

#include <sys/types.h>

struct STRBUF;

/* Longest ID either form can produce, plus the NUL. */
#define QUEUE_ID_SIZE		40

/* Make an ID for a file created at sec.usec with inode ino (into buf). */
extern void queue_id_make(char *buf, size_t size, long sec, long usec,
			  unsigned long ino, int long_ids);

/* Is id a well-formed short or long ID? (Safe to use in a path.) */
extern int queue_id_ok(const char *id);

/* Is id a well-formed long ID? */
extern int queue_id_is_long(const char *id);

/*
 * The hex microseconds used for hash_queue_depth subdirectories
 * ("0F423" from a short ID or the same from a long one), into hash.
 * Returns 0, or -1 when id is malformed.
 */
extern int queue_id_hash_chars(const char *id, struct STRBUF *hash);

#endif
