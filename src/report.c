/* report.c */
#include "report.h"
