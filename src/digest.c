/* digest.c */
#include "digest.h"
