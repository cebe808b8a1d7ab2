/*
 * template_impl.h: the shape of the values a template renders (struct
 * tvalue), shared by template.c, which renders them, and
 * template_value.c, which builds them; everyone else builds them with
 * template.h's functions.
 */
#ifndef TB_TEMPLATE_IMPL_H
#define TB_TEMPLATE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

enum tvalue_type { TV_NULL, TV_BOOL, TV_STR, TV_LIST, TV_MAP };

struct tvalue {
	enum tvalue_type	  type;
	bool			  b;
	char			 *s;
	char			**keys;		/* maps: parallel to items */
	struct tvalue		**items;
	size_t			  n;
	size_t			  cap;
};

/* The value called name in map v; NULL when v is no map or lacks it. */
const struct tvalue *tvalue_get(const struct tvalue *v, const char *name);

#endif
