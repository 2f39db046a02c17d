/*
 * queue_id.c - queue IDs: generation, validation, hashing
 *
 * The inode number makes an ID unique among the files that exist now;
 * the creation time makes it differ from the IDs of files that existed
 * before with the same inode. Short IDs carry only the microseconds, so
 * they can repeat over time; long IDs carry the seconds too and do not.
 * The long alphabet leaves out vowels so that no ID spells a word.
 */

#include "sysdeps.h"

#include <string.h>

#include "log.h"		/* util */
#include "strbuf.h"
#include "queue_id.h"		/* global */

static const char queue_id_alphabet[] =
	"0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

#define QUEUE_ID_BASE		52	/* seconds and microseconds */
#define QUEUE_ID_INUM_BASE	51	/* inode: the alphabet without 'z' */
#define QUEUE_ID_SEC_PAD	6
#define QUEUE_ID_USEC_PAD	4
#define QUEUE_ID_SEP		'z'
#define QUEUE_ID_SHORT_USEC	5	/* hex digits of microseconds */
#define QUEUE_ID_SHORT_MAX	(QUEUE_ID_SHORT_USEC + 16)

/* queue_id_encode - append value in base, at least pad digits */

static void
queue_id_encode(STRBUF *out, unsigned long value, unsigned base, int pad)
{
	char    digits[72];
	int     n = 0;

	do {
		digits[n++] = queue_id_alphabet[value % base];
		value /= base;
	} while (value);
	while (n < pad)
		digits[n++] = '0';
	while (n > 0)
		strbuf_append_char(out, digits[--n]);
}

/* queue_id_digit - value of one character in base, or -1 */

static int
queue_id_digit(int ch, unsigned base)
{
	const char *p;

	if (ch == 0 || (p = strchr(queue_id_alphabet, ch)) == NULL)
		return -1;
	if ((unsigned) (p - queue_id_alphabet) >= base)
		return -1;
	return (int) (p - queue_id_alphabet);
}

/* queue_id_make - ID for a file created at sec.usec with inode ino */

void
queue_id_make(char *buf, size_t size, long sec, long usec,
	      unsigned long ino, int long_ids)
{
	STRBUF *id = strbuf_create(QUEUE_ID_SIZE);

	if (usec < 0 || usec > 999999 || sec < 0)
		log_panic("queue_id_make: bad time %ld.%ld", sec, usec);
	if (long_ids) {
		queue_id_encode(id, (unsigned long) sec, QUEUE_ID_BASE,
				QUEUE_ID_SEC_PAD);
		queue_id_encode(id, (unsigned long) usec, QUEUE_ID_BASE,
				QUEUE_ID_USEC_PAD);
		strbuf_append_char(id, QUEUE_ID_SEP);
		queue_id_encode(id, ino, QUEUE_ID_INUM_BASE, 1);
	} else {
		strbuf_printf(id, "%05lX%lX", (unsigned long) usec, ino);
	}
	if (strbuf_len(id) >= size)
		log_panic("queue_id_make: buffer of %lu bytes too small",
			  (unsigned long) size);
	memcpy(buf, strbuf_str(id), strbuf_len(id) + 1);
	strbuf_free(&id);
}

/* queue_id_short_ok - upper-case hex, microseconds and an inode */

static int
queue_id_short_ok(const char *id)
{
	size_t  len = strlen(id);
	const char *cp;

	if (len <= QUEUE_ID_SHORT_USEC || len > QUEUE_ID_SHORT_MAX)
		return 0;
	for (cp = id; *cp; cp++)
		if (!((*cp >= '0' && *cp <= '9') || (*cp >= 'A' && *cp <= 'F')))
			return 0;
	return 1;
}

/* queue_id_is_long - seconds, microseconds, 'z', inode */

int
queue_id_is_long(const char *id)
{
	const char *sep = strrchr(id, QUEUE_ID_SEP);
	const char *cp;

	if (sep == NULL || sep - id < QUEUE_ID_SEC_PAD + QUEUE_ID_USEC_PAD
	    || sep - id > QUEUE_ID_SEC_PAD + 8 + QUEUE_ID_USEC_PAD
	    || sep[1] == 0 || strlen(sep + 1) > 16)
		return 0;
	for (cp = id; cp < sep; cp++)
		if (queue_id_digit(*cp, QUEUE_ID_BASE) < 0)
			return 0;
	for (cp = sep + 1; *cp; cp++)
		if (queue_id_digit(*cp, QUEUE_ID_INUM_BASE) < 0)
			return 0;
	return 1;
}

/* queue_id_ok - a well-formed short or long ID */

int
queue_id_ok(const char *id)
{
	return queue_id_short_ok(id) || queue_id_is_long(id);
}

/* queue_id_hash_chars - hex microseconds for queue hashing */

int
queue_id_hash_chars(const char *id, STRBUF *hash)
{
	const char *sep;
	unsigned long usec = 0;
	int     i;

	strbuf_reset(hash);
	if (queue_id_is_long(id)) {
		sep = strrchr(id, QUEUE_ID_SEP);
		for (i = QUEUE_ID_USEC_PAD; i > 0; i--)
			usec = usec * QUEUE_ID_BASE
			    + (unsigned long) queue_id_digit(sep[-i], QUEUE_ID_BASE);
		strbuf_printf(hash, "%05lX", usec);
		return 0;
	}
	if (queue_id_short_ok(id)) {
		strbuf_append(hash, id, QUEUE_ID_SHORT_USEC);
		return 0;
	}
	return -1;
}
