/* fn_payload_extract_slow.c — payload_extract with its one-pass fast path
 * compiled out (PE_FORCE_SLOW), and its main() and udf_run() renamed, so
 * that fuzz_fn_payload_extract can answer every input both ways and require
 * the same bytes: the fast path must never answer differently from the
 * step-by-step lookups it stands in for. */
#define PE_FORCE_SLOW
#define main fuzz_fn_slow_main
#define udf_run fuzz_fn_slow_capture
#include "fn_payload_extract.c"
