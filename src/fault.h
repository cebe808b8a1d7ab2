/*
 * fault.h: why a database operation failed, in terms the command layer
 * can act on (main.c maps each to a sysexits code through cmd.c).  The
 * store classifies its SQLite and system errors into these; no other
 * module needs SQLite's codes.
 */
#ifndef TB_FAULT_H
#define TB_FAULT_H

enum fault {
	FAULT_NONE = 0,		/* nothing failed, or not the database */
	FAULT_LOCKED,		/* another process holds it past the busy
				 * timeout: try again later */
	FAULT_IO,		/* an I/O error, or the disk is full */
	FAULT_NOPERM,		/* permission denied, or read-only */
	FAULT_NOTDB,		/* not SQLite, damaged, not touchbase's
				 * schema, or another version's schema */
	FAULT_MISSING,		/* the file (or its directory) is missing */
	FAULT_INTERNAL		/* anything else: a bug or a misuse */
};

#endif
