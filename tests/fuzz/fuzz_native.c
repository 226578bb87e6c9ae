/* fuzz_native.c — libFuzzer target for the Native reader and writer
 * (udf/native.c, udf/input.c, udf/result.c); the body is fuzz_reader.h. */
#define FUZZ_TSV 0
#define FUZZ_NATIVE 1
#include "fuzz_reader.h"
