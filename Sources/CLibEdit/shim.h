#ifndef SPINDLE_CLIBEDIT_SHIM_H
#define SPINDLE_CLIBEDIT_SHIM_H
// libedit's readline-compatible API and its native history API.
#include <stdio.h>
#include <editline/readline.h>
#include <histedit.h>
#endif
