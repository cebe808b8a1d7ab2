/* feed.c */
#include "feed.h"
