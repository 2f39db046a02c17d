/*
 * sysdeps.h - platform definitions; every source file includes it first
 *
 * Sets the feature-test macros before any system header is seen, and
 * defines the compiler annotations the project uses (format checking,
 * noreturn). Also poisons the C string calls that the project bans, so
 * that a new use fails to compile instead of waiting for review.
 */

#ifndef SYSDEPS_H
#define SYSDEPS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#define _FILE_OFFSET_BITS 64

#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#if defined(__GNUC__) || defined(__clang__)
#define PRINTFLIKE(f, a)	__attribute__((format(printf, (f), (a))))
#define NORETURN		__attribute__((noreturn)) void
#define UNUSED			__attribute__((unused))
#else
#define PRINTFLIKE(f, a)
#define NORETURN		void
#define UNUSED
#endif

/* Number of elements of a fixed-size array. */
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Banned calls: use strbuf_*(), snprintf() with a checked result,
 * token_next() and parse_long() instead (STYLE.md section 5).
 */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(SYSDEPS_NO_POISON)
#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok atoi strncpy
#endif

#endif
