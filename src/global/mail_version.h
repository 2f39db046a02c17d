/*
 * mail_version.h - the version of this mail system
 *
 * Shown by postconf as mail_version and used in the SMTP greeting via
 * $mail_version. The mail_name parameter says "Postfix", for
 * compatibility with what administrators and tools expect.
 */

#ifndef MAIL_VERSION_H
#define MAIL_VERSION_H

#define MAIL_VERSION "0.1.0"

#endif
