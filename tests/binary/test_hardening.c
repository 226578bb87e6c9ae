/* test_hardening.c — ELF properties of the built function binaries.
 *
 * The hardening flags live in CMakeLists.txt; this reads what the compiler
 * and linker actually produced, from each binary in USER_SCRIPTS_DIR:
 *   PIE           ELF type ET_DYN with an interpreter and DF_1_PIE
 *   full RELRO    a PT_GNU_RELRO segment plus immediate binding (DF_BIND_NOW
 *                 or DF_1_NOW), so the GOT is read-only after start-up
 *   NX stack      PT_GNU_STACK without PF_X; no text relocations
 *   stack protector   __stack_chk_fail imported
 *   _FORTIFY_SOURCE   checked libc variants (*_chk) imported — only where the
 *                 build optimizes without sanitizers (CDC_EXPECT_FORTIFY);
 *                 Debug and sanitizer builds leave it off (it needs -O).
 * The ELF reader is a few lines of <elf.h>; readelf is not needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef USER_SCRIPTS_DIR
#define USER_SCRIPTS_DIR "build/user_scripts"
#endif
#ifndef CDC_EXPECT_FORTIFY
#define CDC_EXPECT_FORTIFY 0
#endif

static const char *const functions[] = {"debezium_unwrap", "debezium_flatten", "payload_extract", "payload_get", "is_valid_after_assignment", "debezium_ddl", "debezium_typed"};

typedef struct elf_facts {
    int type, has_interp, has_relro, stack_exec, has_stack_seg, textrel;
    uint64_t flags, flags_1;
    int bind_now;
    int stack_chk_fail, chk_imports;
    char some_chk[64];
} elf_facts;

typedef struct elf_file {
    const unsigned char *p;
    size_t n;
} elf_file;

static const void *elf_at(const elf_file *f, uint64_t off, uint64_t len) {
    assert_true(off <= f->n && len <= f->n - off);
    return f->p + off;
}

static void elf_dynamic(const elf_file *f, const Elf64_Phdr *ph, elf_facts *x) {
    const Elf64_Dyn *d = elf_at(f, ph->p_offset, ph->p_filesz);
    for (size_t i = 0; i < ph->p_filesz / sizeof(*d) && d[i].d_tag != DT_NULL; i++) {
        if (d[i].d_tag == DT_FLAGS) x->flags = d[i].d_un.d_val;
        if (d[i].d_tag == DT_FLAGS_1) x->flags_1 = d[i].d_un.d_val;
        if (d[i].d_tag == DT_BIND_NOW) x->bind_now = 1;
        if (d[i].d_tag == DT_TEXTREL) x->textrel = 1;
    }
}

static void elf_segments(const elf_file *f, const Elf64_Ehdr *eh, elf_facts *x) {
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = elf_at(f, eh->e_phoff + (uint64_t)i * eh->e_phentsize, sizeof(Elf64_Phdr));
        if (ph->p_type == PT_INTERP) x->has_interp = 1;
        if (ph->p_type == PT_GNU_RELRO) x->has_relro = 1;
        if (ph->p_type == PT_GNU_STACK) x->has_stack_seg = 1, x->stack_exec = (ph->p_flags & PF_X) != 0;
        if (ph->p_type == PT_DYNAMIC) elf_dynamic(f, ph, x);
    }
}

/* Undefined dynamic symbols: what the binary imports from libc. */
static void elf_imports(const elf_file *f, const Elf64_Ehdr *eh, elf_facts *x) {
    const Elf64_Shdr *sh = elf_at(f, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr));
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM) continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        const char *names = elf_at(f, strs->sh_offset, strs->sh_size);
        const Elf64_Sym *sym = elf_at(f, sh[i].sh_offset, sh[i].sh_size);
        for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++) {
            if (sym[k].st_shndx != SHN_UNDEF || sym[k].st_name >= strs->sh_size) continue;
            const char *name = names + sym[k].st_name;
            size_t len = strnlen(name, strs->sh_size - sym[k].st_name);
            if (!strcmp(name, "__stack_chk_fail")) x->stack_chk_fail = 1;
            else if (len > 4 && !strcmp(name + len - 4, "_chk")) {
                if (!x->chk_imports++) snprintf(x->some_chk, sizeof(x->some_chk), "%s", name);
            }
        }
    }
}

static void elf_read(const char *path, elf_facts *x) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) fail_msg("cannot open %s", path);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    elf_file f = {mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0), (size_t)st.st_size};
    close(fd);
    assert_true(f.p != MAP_FAILED);
    const Elf64_Ehdr *eh = elf_at(&f, 0, sizeof(Elf64_Ehdr));
    assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
    assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
    memset(x, 0, sizeof(*x));
    x->type = eh->e_type;
    elf_segments(&f, eh, x);
    elf_imports(&f, eh, x);
    munmap((void *)f.p, f.n);
}

static void test_binaries_are_hardened(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        char path[4096];
        elf_facts x;
        snprintf(path, sizeof(path), "%s/%s", USER_SCRIPTS_DIR, functions[i]);
        elf_read(path, &x);
        print_message("%s: type %d, relro %d, flags %#llx, flags_1 %#llx, __stack_chk_fail %d, %d *_chk (e.g. %s)\n",
                      functions[i], x.type, x.has_relro, (unsigned long long)x.flags, (unsigned long long)x.flags_1,
                      x.stack_chk_fail, x.chk_imports, x.some_chk);
        assert_int_equal(x.type, ET_DYN);                        /* PIE ... */
        assert_true(x.has_interp);                               /* ... an executable, not a library */
        assert_true(x.flags_1 & DF_1_PIE);
        assert_true(x.has_relro);                                /* full RELRO */
        assert_true(x.bind_now || (x.flags & DF_BIND_NOW) || (x.flags_1 & DF_1_NOW));
        assert_true(x.has_stack_seg);                            /* non-executable stack */
        assert_false(x.stack_exec);
        assert_false(x.textrel);
        assert_true(x.stack_chk_fail);                           /* -fstack-protector-strong */
        if (CDC_EXPECT_FORTIFY) assert_true(x.chk_imports > 0);  /* -D_FORTIFY_SOURCE=2 */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binaries_are_hardened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
