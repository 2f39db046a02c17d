/*
 * trivial_rewrite.h - private interfaces of trivial-rewrite(8)
 */

#ifndef TRIVIAL_REWRITE_H
#define TRIVIAL_REWRITE_H

#include "sysdeps.h"

/*
 * A Postfix domain list (mydestination, relay_domains, ...): names,
 * ".name" for subdomains, "!pattern" to exclude, "type:table" and
 * "/file/name" (a file of further patterns). First match wins. With
 * parent_match, "example.com" also matches its subdomains (the
 * parent_domain_matches_subdomains behaviour). Tables that cannot be
 * opened make matches that reach them fail with -1 (try later).
 */
typedef struct TR_DOMAINS TR_DOMAINS;

extern TR_DOMAINS *tr_domains_create(const char *what, const char *patterns,
				     int parent_match);
/* 1 match, 0 no match, -1 a table lookup failed. domain is lower case. */
extern int tr_domains_match(TR_DOMAINS *list, const char *domain);
extern void tr_domains_free(TR_DOMAINS *list);

#endif
