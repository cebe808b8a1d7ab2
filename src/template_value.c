/* template_value.c: building and freeing the values templates render:
 * strings, booleans, lists and maps of them. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template_impl.h"
#include "util.h"

static struct tvalue *
tvalue_new(enum tvalue_type type, const char *s, bool b)
{
	struct tvalue *v = xcalloc(1, sizeof *v);

	v->type = type;
	v->s = xstrdup(s);
	v->b = b;
	return v;
}

/* A NULL string is stored as null, so that optional text stays falsey. */
static struct tvalue *
tvalue_str_or_null(const char *s)
{
	return tvalue_new(s != NULL ? TV_STR : TV_NULL, s, false);
}

/* Numbers are rendered as they are written, so they are kept as text. */
static struct tvalue *
tvalue_int(long n)
{
	struct tvalue *v = tvalue_new(TV_STR, NULL, false);

	v->s = xasprintf("%ld", n);
	return v;
}

struct tvalue *
tvalue_new_map(void)
{
	return tvalue_new(TV_MAP, NULL, false);
}

struct tvalue *
tvalue_new_list(void)
{
	return tvalue_new(TV_LIST, NULL, false);
}

struct tvalue *
tvalue_new_str(const char *s)
{
	return tvalue_new(TV_STR, s != NULL ? s : "", false);
}

void
tvalue_free(struct tvalue *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++)
		tvalue_free(v->items[i]);
	strv_free(v->keys, v->n);
	free(v->items);
	free(v->s);
	free(v);
}

/* Attach v under name (a map) or at the end (a list); returns v. */
static struct tvalue *
tvalue_put(struct tvalue *parent, const char *name, struct tvalue *v)
{
	if (parent == NULL || parent->type != (name ? TV_MAP : TV_LIST))
		fatal("tvalue: adding to something not a %s",
		    name ? "map" : "list");
	for (size_t i = 0; name != NULL && i < parent->n; i++)
		if (strcmp(parent->keys[i], name) == 0) {
			tvalue_free(parent->items[i]);
			return parent->items[i] = v;
		}
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		/* An array of pointers: its element is a pointer. */
		parent->items = xreallocarray(parent->items, parent->cap,
		    sizeof *parent->items); /* NOLINT(bugprone-sizeof-expression) */
		if (name != NULL)
			parent->keys = xreallocarray(parent->keys, parent->cap,
			    sizeof *parent->keys);
	}
	if (name != NULL)
		parent->keys[parent->n] = xstrdup(name);
	return parent->items[parent->n++] = v;
}

void
tvalue_set(struct tvalue *map, const char *name, struct tvalue *v)
{
	tvalue_put(map, name, v);
}

void
tvalue_list_add(struct tvalue *list, struct tvalue *v)
{
	tvalue_put(list, NULL, v);
}

void
tvalue_set_str(struct tvalue *map, const char *name, const char *s)
{
	tvalue_put(map, name, tvalue_str_or_null(s));
}

void
tvalue_set_int(struct tvalue *map, const char *name, long n)
{
	tvalue_put(map, name, tvalue_int(n));
}

void
tvalue_set_bool(struct tvalue *map, const char *name, bool b)
{
	tvalue_put(map, name, tvalue_new(TV_BOOL, NULL, b));
}

void
tvalue_set_null(struct tvalue *map, const char *name)
{
	tvalue_put(map, name, tvalue_new(TV_NULL, NULL, false));
}

struct tvalue *
tvalue_set_map(struct tvalue *map, const char *name)
{
	return tvalue_put(map, name, tvalue_new_map());
}

struct tvalue *
tvalue_set_list(struct tvalue *map, const char *name)
{
	return tvalue_put(map, name, tvalue_new_list());
}

struct tvalue *
tvalue_list_add_map(struct tvalue *list)
{
	return tvalue_put(list, NULL, tvalue_new_map());
}

struct tvalue *
tvalue_list_add_list(struct tvalue *list)
{
	return tvalue_put(list, NULL, tvalue_new_list());
}

void
tvalue_list_add_str(struct tvalue *list, const char *s)
{
	tvalue_put(list, NULL, tvalue_str_or_null(s));
}

void
tvalue_list_add_int(struct tvalue *list, long n)
{
	tvalue_put(list, NULL, tvalue_int(n));
}

void
tvalue_list_add_bool(struct tvalue *list, bool b)
{
	tvalue_put(list, NULL, tvalue_new(TV_BOOL, NULL, b));
}

void
tvalue_list_add_null(struct tvalue *list)
{
	tvalue_put(list, NULL, tvalue_new(TV_NULL, NULL, false));
}

const struct tvalue *
tvalue_get(const struct tvalue *v, const char *name)
{
	if (v == NULL || v->type != TV_MAP)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], name) == 0)
			return v->items[i];
	return NULL;
}
