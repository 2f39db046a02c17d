/*
 * debug_process.h - run $debugger_command on the current process
 *
 * For the -D option of master and of every daemon: the command (usually
 * a debugger that attaches to $process_id and detaches again) runs with
 * /bin/sh and this process waits for it to finish.
 */

#ifndef DEBUG_PROCESS_H
#define DEBUG_PROCESS_H

#include "sysdeps.h"

/* Fatal when debugger_command is empty; main.cf must be loaded. */
extern void debug_process(void);

#endif
