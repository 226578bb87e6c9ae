/* fuzz_tsv.c — libFuzzer target for the TabSeparated reader and writer
 * (udf/tsv.c, udf/input.c, udf/io.c); the body is fuzz_reader.h. */
#define FUZZ_TSV 1
#include "fuzz_reader.h"
