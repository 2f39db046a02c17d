/*
 * smtp_mime.h - 8-bit MIME content to 7-bit (quoted-printable)
 *
 * For a server that does not offer 8BITMIME: feed the content lines
 * (without line ends) to smtp_mime_line(), then call smtp_mime_end();
 * out() receives the converted lines, also without line ends (the
 * caller dot-stuffs them and adds CRLF).
 */

#ifndef SMTP_MIME_H
#define SMTP_MIME_H

#include "sysdeps.h"

typedef struct SMTP_MIME SMTP_MIME;
typedef void (*SMTP_MIME_OUT)(void *context, const char *line, size_t len);

extern SMTP_MIME *smtp_mime_create(SMTP_MIME_OUT out, void *context);
extern void smtp_mime_line(SMTP_MIME *m, const char *line, size_t len);
extern void smtp_mime_end(SMTP_MIME *m);
extern int smtp_mime_converted(const SMTP_MIME *m);
extern void smtp_mime_free(SMTP_MIME *m);

#endif
