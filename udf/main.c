/* main.c — the main() of every function binary, compiled once per function
 * with -DUDF_FUNCTION=<name>_udf naming the object its udf/fn_<name>.c
 * exports; the driver (driver.h) does the rest. */
#include "driver.h"

int main(int argc, char **argv) { return udf_run(&UDF_FUNCTION, argc, argv); }
