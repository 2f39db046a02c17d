/*
 * smtp_reply.c - server replies and EHLO keywords of the SMTP client
 *
 * Replies are assembled line by line from untrusted input, so every
 * buffer is bounded: SMTP_REPLY_TEXT_LIMIT bytes of text are kept,
 * the rest of a long reply is read and dropped by the caller's line
 * and count limits. The enhanced status code (RFC 3463) is taken from
 * the first line when there is one; otherwise it is "X.0.0" from the
 * reply class, as Postfix does (a 3xx reply gets 5.5.0: where it is
 * not the expected 354, it is a protocol error).
 */

#include "sysdeps.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"		/* util */
#include "mem.h"
#include "strbuf.h"
#include "stringops.h"
#include "dsn.h"		/* global */
#include "smtp.h"

/* smtp_reply_create - an empty reply */

SMTP_REPLY *
smtp_reply_create(void)
{
	SMTP_REPLY *reply = xcalloc(1, sizeof(*reply));

	reply->text = strbuf_create(100);
	strbuf_set_limit(reply->text, SMTP_REPLY_TEXT_LIMIT);
	reply->lines = strbuf_create(100);
	strbuf_set_limit(reply->lines, SMTP_REPLY_TEXT_LIMIT);
	return reply;
}

/* smtp_reply_free - free a reply */

void
smtp_reply_free(SMTP_REPLY *reply)
{
	strbuf_free(&reply->text);
	strbuf_free(&reply->lines);
	xfree(reply);
}

/* smtp_reply_reset - forget the previous reply */

void
smtp_reply_reset(SMTP_REPLY *reply)
{
	reply->code = 0;
	reply->dsn[0] = 0;
	strbuf_reset(reply->text);
	strbuf_reset(reply->lines);
}

/* smtp_reply_add_line - add one reply line */

int
smtp_reply_add_line(SMTP_REPLY *reply, const char *line, size_t len)
{
	int	code;
	size_t	i;
	char	copy[SMTP_REPLY_LINE_LIMIT + 1];

	if (len < 3 || !isdigit((unsigned char) line[0])
	    || !isdigit((unsigned char) line[1])
	    || !isdigit((unsigned char) line[2])
	    || (len > 3 && line[3] != ' ' && line[3] != '-'))
		return -1;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (code < 200 || code > 599 || (reply->code && code != reply->code))
		return -1;
	if (len > SMTP_REPLY_LINE_LIMIT)
		len = SMTP_REPLY_LINE_LIMIT;
	/* Control characters (NUL included) become spaces. */
	for (i = 0; i < len; i++)
		copy[i] = (line[i] < ' ' && line[i] >= 0) || line[i] == 0x7f ?
			' ' : line[i];
	copy[len] = 0;
	if (reply->code == 0) {
		reply->code = code;
		/*
		 * A 3xx reply has no DSN class of its own: where one is not
		 * expected (anything but 354 to DATA), it is a protocol error.
		 */
		if (copy[0] == '3')
			snprintf(reply->dsn, sizeof(reply->dsn), "5.5.0");
		else if (dsn_find_code(copy, reply->dsn, sizeof(reply->dsn)) == 0
			 || reply->dsn[0] != copy[0])
			snprintf(reply->dsn, sizeof(reply->dsn), "%c.0.0",
				 copy[0]);
	} else {
		strbuf_append_char(reply->text, ' ');
		strbuf_append_char(reply->lines, '\n');
	}
	strbuf_append(reply->text, copy, len);
	strbuf_append(reply->lines, copy, len);
	return len == 3 || line[3] == ' ';
}

/* smtp_reply_features - EHLO keywords to feature bits */

int
smtp_reply_features(const SMTP_REPLY *reply, long *size)
{
	char   *copy = xstrdup(strbuf_str(reply->lines));
	char   *bp = copy;
	char   *line, *word, *arg;
	int	features = SMTP_FEATURE_ESMTP;
	int	first = 1;
	long	value;

	*size = 0;
	while ((line = token_next(&bp, "\n")) != NULL) {
		if (first) {		/* the greeting part: no keyword */
			first = 0;
			continue;
		}
		if (strlen(line) < 5)
			continue;
		line += 4;
		if ((word = token_next(&line, " \t")) == NULL)
			continue;
		if (strcasecmp(word, "PIPELINING") == 0)
			features |= SMTP_FEATURE_PIPELINING;
		else if (strcasecmp(word, "8BITMIME") == 0)
			features |= SMTP_FEATURE_8BITMIME;
		else if (strcasecmp(word, "DSN") == 0)
			features |= SMTP_FEATURE_DSN;
		else if (strcasecmp(word, "SMTPUTF8") == 0)
			features |= SMTP_FEATURE_SMTPUTF8;
		else if (strcasecmp(word, "ENHANCEDSTATUSCODES") == 0)
			features |= SMTP_FEATURE_ENHANCED;
		else if (strcasecmp(word, "STARTTLS") == 0)
			features |= SMTP_FEATURE_STARTTLS;
		else if (strcasecmp(word, "AUTH") == 0
			 || strncasecmp(word, "AUTH=", 5) == 0)
			features |= SMTP_FEATURE_AUTH;
		else if (strcasecmp(word, "SIZE") == 0) {
			features |= SMTP_FEATURE_SIZE;
			arg = token_next(&line, " \t");
			if (arg != NULL && parse_long(arg, &value, 0, LONG_MAX) == 0)
				*size = value;
		}
	}
	xfree(copy);
	return features;
}

/* smtp_reply_auth_mechs - mechanisms of the AUTH lines */

void
smtp_reply_auth_mechs(const SMTP_REPLY *reply, STRBUF *out)
{
	char   *copy = xstrdup(strbuf_str(reply->lines));
	char   *bp = copy;
	char   *line, *word, *mech;
	int	first = 1;
	size_t	len;

	strbuf_reset(out);
	while ((line = token_next(&bp, "\n")) != NULL) {
		if (first) {
			first = 0;
			continue;
		}
		if (strlen(line) < 5)
			continue;
		line += 4;
		if ((word = token_next(&line, " \t")) == NULL)
			continue;
		/* Old clients' syntax "AUTH=PLAIN LOGIN" (broken_sasl_auth_clients). */
		if (strncasecmp(word, "AUTH=", 5) == 0)
			mech = word + 5;
		else if (strcasecmp(word, "AUTH") == 0)
			mech = token_next(&line, " \t");
		else
			continue;
		for (; mech != NULL; mech = token_next(&line, " \t")) {
			if (*mech == 0)
				continue;
			str_upper(mech);
			len = strlen(mech);
			/* Skip duplicates: " MECH " somewhere in out. */
			if (strbuf_len(out) > 0) {
				const char *hit = strbuf_str(out);

				while ((hit = strstr(hit, mech)) != NULL) {
					if ((hit == strbuf_str(out) || hit[-1] == ' ')
					    && (hit[len] == 0 || hit[len] == ' '))
						break;
					hit += len;
				}
				if (hit != NULL)
					continue;
				strbuf_append_char(out, ' ');
			}
			strbuf_append_str(out, mech);
		}
	}
	xfree(copy);
}

/* smtp_xtext - append xtext */

void
smtp_xtext(STRBUF *out, const char *text)
{
	(void) xtext_quote(out, text, strlen(text), NULL, XTEXT_FLAG_APPEND);
}
