/* sandbox.c — the seccomp filter (see sandbox.h), built with libseccomp.
 *
 * Release builds: an allowlist, default action kill-process.  What the row
 * loop needs after start-up, and nothing more:
 *   read from fd 0; write to fds 1 and 2       the protocol and stderr lines
 *   brk, mmap/mprotect without PROT_EXEC,      malloc and realloc of buffers
 *     munmap, mremap, madvise
 *   exit, exit_group, rt_sigreturn,            leaving, and abort() on a bug
 *     rt_sigprocmask, rt_sigaction, getpid,
 *     gettid, tgkill on this process only
 *   futex, clock_gettime, gettimeofday,        libc internals that may fall
 *     getrandom, restart_syscall, fstat          back to a real system call
 * A system call of another architecture (i386 or x32 numbers) kills too.
 *
 * Sanitizer builds (ASan/LSan/UBSan — test builds only): a denylist instead,
 * default action allow.  LeakSanitizer's exit-time check runs a ptrace'ing
 * thread that reads /proc, and a report may fork and exec a symbolizer; a
 * report lost to the sandbox would hide the very bug those builds exist to
 * find.  The denylist kills on what a compromised decoder would want and
 * the runtimes never do: sockets, creating, removing or renaming files,
 * privilege, namespace and mount changes, kernel modules, bpf.  The
 * release allowlist is what the normal build's unit and in-ClickHouse
 * integration tests run under. */
#include "sandbox.h"
#include "fatal.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(CDC_SANITIZED)
#define SANDBOX_RELAXED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANDBOX_RELAXED 1
#endif
#endif
#ifndef SANDBOX_RELAXED
#define SANDBOX_RELAXED 0
#endif

const char *sandbox_mode(int confine) {
    return !confine ? "off" : SANDBOX_RELAXED ? "denylist" : "allowlist";
}

/* libseccomp checks each step against what the kernel supports (seccomp
 * filters at all, the kill-process action), so a kernel or a container
 * that says no can surface at any step, not only at seccomp_load: every
 * failure is the same EXIT_NO_SANDBOX, the step and errno in the message.
 * rc: a negative errno, or 0 when there is none. */
static _Noreturn void sandbox_fail(const char *what, int rc) {
    fatal_exit(EXIT_NO_SANDBOX, "cannot install the seccomp sandbox (%s%s%s); run with --no-sandbox to go without it",
               what, rc ? ": " : "", rc ? strerror(-rc) : "");
}

static void sandbox_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned nargs, const struct scmp_arg_cmp *arg) {
    int rc = seccomp_rule_add_array(ctx, action, nr, nargs, arg);
    if (rc < 0) sandbox_fail(seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr), rc);
}

/* One argument comparison (libseccomp's SCMP_An macros leave datum_b to
 * default, which clang's -Wmissing-field-initializers rejects). */
static struct scmp_arg_cmp sandbox_arg(unsigned arg, enum scmp_compare op, scmp_datum_t a, scmp_datum_t b) {
    struct scmp_arg_cmp c = {arg, op, a, b};
    return c;
}

static void sandbox_allow(scmp_filter_ctx ctx, int nr) {
    sandbox_rule(ctx, SCMP_ACT_ALLOW, nr, 0, NULL);
}

static void sandbox_allow_if(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp cmp) {
    sandbox_rule(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
}

static void sandbox_allowlist(scmp_filter_ctx ctx) {
    static const int plain[] = {
        SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap),
        SCMP_SYS(madvise), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
        SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(futex), SCMP_SYS(clock_gettime),
        SCMP_SYS(gettimeofday), SCMP_SYS(getrandom), SCMP_SYS(restart_syscall), SCMP_SYS(fstat),
    };
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) sandbox_allow(ctx, plain[i]);
    sandbox_allow_if(ctx, SCMP_SYS(read), sandbox_arg(0, SCMP_CMP_EQ, STDIN_FILENO, 0));
    sandbox_allow_if(ctx, SCMP_SYS(write), sandbox_arg(0, SCMP_CMP_EQ, STDOUT_FILENO, 0));
    sandbox_allow_if(ctx, SCMP_SYS(write), sandbox_arg(0, SCMP_CMP_EQ, STDERR_FILENO, 0));
    sandbox_allow_if(ctx, SCMP_SYS(mmap), sandbox_arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    sandbox_allow_if(ctx, SCMP_SYS(mprotect), sandbox_arg(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    sandbox_allow_if(ctx, SCMP_SYS(tgkill), sandbox_arg(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0));
    /* glibc's fstat is newfstatat(fd, "", buf, AT_EMPTY_PATH): no path lookups. */
    sandbox_allow_if(ctx, SCMP_SYS(newfstatat), sandbox_arg(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
}

static void sandbox_denylist(scmp_filter_ctx ctx) {
    static const int denied[] = {
        SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
        SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
        SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
        SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(creat), SCMP_SYS(link), SCMP_SYS(linkat),
        SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(truncate), SCMP_SYS(chmod), SCMP_SYS(fchmodat),
        SCMP_SYS(chown), SCMP_SYS(fchownat), SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid),
        SCMP_SYS(setresuid), SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(mount), SCMP_SYS(umount2),
        SCMP_SYS(chroot), SCMP_SYS(pivot_root), SCMP_SYS(reboot), SCMP_SYS(init_module),
        SCMP_SYS(finit_module), SCMP_SYS(delete_module), SCMP_SYS(kexec_load), SCMP_SYS(bpf),
    };
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
        sandbox_rule(ctx, SCMP_ACT_KILL_PROCESS, denied[i], 0, NULL);
    /* Creating files; the runtimes only read /proc. */
    struct scmp_arg_cmp creat_at = sandbox_arg(2, SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT);
    struct scmp_arg_cmp creat = sandbox_arg(1, SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT);
    sandbox_rule(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(openat), 1, &creat_at);
    sandbox_rule(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(open), 1, &creat);
}

/* The hidden test hook: one forbidden call, which must not return. */
static void sandbox_selftest(const char *name) {
    long rc = -1;
    if (!strcmp(name, "socket")) {
        rc = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    } else if (!strcmp(name, "open") && !SANDBOX_RELAXED) {
        rc = syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
    } else if (!strcmp(name, "exec") && !SANDBOX_RELAXED) {
        char *argv[] = {"/bin/true", NULL};
        rc = syscall(SYS_execve, "/bin/true", argv, NULL);
    } else {
        fatal_exit(EXIT_USAGE, "unknown sandbox self-test '%s' for this build", name);
    }
    fatal_exit(EXIT_SOFTWARE_BUG, "sandbox self-test: forbidden call '%s' was not stopped (returned %ld)", name, rc);
}

static void sandbox_install(void) {
    scmp_filter_ctx ctx = seccomp_init(SANDBOX_RELAXED ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS);
    if (!ctx) sandbox_fail("seccomp_init failed: no seccomp filter support?", 0);
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc < 0) sandbox_fail("bad-architecture action", rc);
    if (SANDBOX_RELAXED) sandbox_denylist(ctx);
    else sandbox_allowlist(ctx);
    rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0) sandbox_fail("seccomp_load", rc);
}

void sandbox_enter(int confine, const char *selftest) {
    if (confine) sandbox_install();
    if (selftest) sandbox_selftest(selftest);
}
