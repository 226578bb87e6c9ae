/* sandbox.h — the seccomp confinement every UDF process enters after start-up.
 *
 * Our binaries run inside every ClickHouse server that installs them and
 * read untrusted bytes, so once the driver has parsed its options, closed
 * inherited descriptors and allocated its buffers, the process gives up
 * every system call the row loop does not need: it may read stdin, write
 * stdout and stderr, manage its memory and exit.  Anything else — opening a
 * file, a socket, exec, fork, ptrace, mapping executable memory — kills the
 * process at once (SCMP_ACT_KILL_PROCESS: the parent sees SIGSYS).
 *
 * `--no-sandbox` is the escape hatch (a kernel without seccomp, running
 * under valgrind); it is documented in --help and tests/GUARANTEES.md. */
#ifndef CDC_SANDBOX_H
#define CDC_SANDBOX_H

/* Installs the filter when `confine` (0 = --no-sandbox: nothing is
 * installed).  When it cannot be installed — a kernel without seccomp
 * filters or without the kill-process action, a container whose own filter
 * forbids it — the process exits with EXIT_NO_SANDBOX (69) and one stderr
 * line naming --no-sandbox.  `selftest` is a hidden test
 * hook: NULL normally; "socket", "open" or "exec" makes that forbidden call
 * afterwards — it must kill a confined process, and goes through (exit 70,
 * "was not stopped") in an unconfined one. */
void sandbox_enter(int confine, const char *selftest);

/* What a process confined (or not) by sandbox_enter runs under, as
 * --version reports it: "allowlist" (release builds), "denylist" (sanitizer
 * builds, which must admit what their runtimes need: see sandbox.c; the
 * self-test "socket" is forbidden by both) or "off" (--no-sandbox). */
const char *sandbox_mode(int confine);

#endif
