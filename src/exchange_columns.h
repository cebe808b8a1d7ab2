/*
 * exchange_columns.h: the columns of the partner CSV, shared by import
 * (exchange.c) and export (exchange_export.c).  No other module
 * includes it.
 */
#ifndef TB_EXCHANGE_COLUMNS_H
#define TB_EXCHANGE_COLUMNS_H

enum column {
	COL_KEY, COL_NAME, COL_OWNER_EMAIL, COL_OWNER_NAME, COL_SPONSOR,
	COL_SPONSOR_NAME, COL_CADENCE, COL_START, COL_TIMEZONE, COL_TIER, COL_NOTES,
	COL_ARCHIVED, COL_LAST_CHECKIN, COL_CONTACT_NAME, COL_CONTACT_EMAIL,
	COL_CONTACT_ROLE, COL_CONTACT_INVITE, NCOLUMNS
};

/* The header names, in export order. */
extern const char *const exchange_columns[NCOLUMNS];

#endif
