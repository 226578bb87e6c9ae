/* fuzz_rowbinary.c — libFuzzer target for the RowBinary reader and writer
 * (udf/rowbinary.c, udf/input.c, udf/io.c); the body is fuzz_reader.h. */
#define FUZZ_TSV 0
#include "fuzz_reader.h"
