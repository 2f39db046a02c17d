/*
 * info_log_addr.h - addresses in the form that info_log_address_format asks
 *
 * Every from=<...>, to=<...> and orig_to=<...> in non-debug logging goes
 * through here: "external" (the default) quotes a local part as RFC
 * 5322 wants it ("john doe"@example.com), "internal" logs the address
 * as the queue stores it (john doe@example.com).
 */

#ifndef INFO_LOG_ADDR_H
#define INFO_LOG_ADDR_H

#include "sysdeps.h"

/*
 * The address as it is to be logged. The result is borrowed: it stays
 * valid for the next INFO_LOG_ADDR_SLOTS - 1 calls, so that one log
 * line can hold that many addresses. The null sender stays empty. An
 * info_log_address_format value other than external or internal is
 * fatal (as in Postfix), at the first call.
 */
extern const char *info_log_addr(const char *internal);

#define INFO_LOG_ADDR_SLOTS	4

/* Forgets the parameter value and frees the buffers (tests). */
extern void info_log_addr_reset(void);

#endif
