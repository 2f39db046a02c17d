/*
 * map_match.h - lookup tables as entries of address match lists
 *
 * Parameters such as mynetworks, smtpd_client_event_limit_exceptions
 * and fast_flush_domains are address match lists (addr_match_list.h)
 * whose entries may be type:table. This is the one table layer they
 * all use: a table opens read-only with fixed-key folding, a pattern
 * table (regexp, pcre, cidr) is marked as such, and a key is "in the
 * list" when the table has it, whatever its value.
 */

#ifndef MAP_MATCH_H
#define MAP_MATCH_H

#include "addr_match_list.h"

/* For addr_match_list_create_ops(..., &map_match_ops, NULL, why). */
extern const ADDR_MATCH_TABLE_OPS map_match_ops;

#endif
