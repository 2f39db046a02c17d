/*
 * debug_process.c - run $debugger_command on the current process
 *
 * debugger_command is looked up by name: its value refers to
 * $process_name and $process_id, which main.cf expansion supplies.
 */

#include "sysdeps.h"

#include "log.h"		/* util */
#include "mainconf.h"		/* global */
#include "debug_process.h"

/* debug_process - run the debugger command and wait for it */

void
debug_process(void)
{
	const char *command = mainconf_lookup("debugger_command");
	int	status;

	if (command == NULL || *command == 0)
		log_fatal("no debugger_command variable set up");
	log_info("running: %s", command);
	if ((status = system(command)) != 0)
		log_warn("debugger_command exit status %d", status);
}
