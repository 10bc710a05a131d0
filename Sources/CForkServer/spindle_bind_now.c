#define _GNU_SOURCE  /* dlvsym, RTLD_DEFAULT */
#include "spindle_fork_server.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>

/* The main program's load address and its program headers (the first object dl_iterate_phdr reports). */
static int spindle_first_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    *(struct dl_phdr_info *)data = *info;
    return 1;
}

/* An address a dynamic entry names: glibc rewrites some entries of a writable dynamic section to
   run-time addresses, and leaves others as offsets from the load address. */
static uintptr_t spindle_dynamic_address(ElfW(Addr) value, uintptr_t base) {
    return value >= base ? (uintptr_t)value : (uintptr_t)value + base;
}

/* The version a versioned undefined symbol asks for (`GLIBC_2.14`), or NULL. */
static const char *spindle_needed_version(uintptr_t verneed, size_t count, const char *strings, unsigned index) {
    if (!verneed || index < 2) return NULL;
    const ElfW(Verneed) *need = (const ElfW(Verneed) *)verneed;
    for (size_t n = 0; n < count; n++) {
        const ElfW(Vernaux) *aux = (const ElfW(Vernaux) *)((const char *)need + need->vn_aux);
        for (unsigned a = 0; a < need->vn_cnt; a++) {
            if ((aux->vna_other & 0x7fff) == index) return strings + aux->vna_name;
            aux = (const ElfW(Vernaux) *)((const char *)aux + aux->vna_next);
        }
        if (!need->vn_next) break;
        need = (const ElfW(Verneed) *)((const char *)need + need->vn_next);
    }
    return NULL;
}

int spindle_bind_now(void) {
#if defined(__x86_64__)
    const unsigned long jump_slot = R_X86_64_JUMP_SLOT;
#elif defined(__aarch64__)
    const unsigned long jump_slot = R_AARCH64_JUMP_SLOT;
#else
    return 0;
#endif
    struct dl_phdr_info program;
    memset(&program, 0, sizeof program);
    if (dl_iterate_phdr(spindle_first_object, &program) == 0 || !program.dlpi_phdr) return 0;
    const uintptr_t base = (uintptr_t)program.dlpi_addr;
    const ElfW(Dyn) *dynamic = NULL;
    uintptr_t low = UINTPTR_MAX, high = 0, relro = 0, relroEnd = 0;
    for (int i = 0; i < program.dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &program.dlpi_phdr[i];
        if (p->p_type == PT_DYNAMIC) dynamic = (const ElfW(Dyn) *)(base + p->p_vaddr);
        if (p->p_type == PT_LOAD) {
            if (base + p->p_vaddr < low) low = base + p->p_vaddr;
            if (base + p->p_vaddr + p->p_memsz > high) high = base + p->p_vaddr + p->p_memsz;
        }
        if (p->p_type == PT_GNU_RELRO) {
            relro = base + p->p_vaddr;
            relroEnd = relro + p->p_memsz;
        }
    }
    if (!dynamic) return 0;
    uintptr_t relocations = 0, symbols = 0, strings = 0, versions = 0, verneed = 0;
    size_t relocationBytes = 0, verneedCount = 0;
    long relocationKind = 0;
    for (const ElfW(Dyn) *d = dynamic; d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_JMPREL: relocations = spindle_dynamic_address(d->d_un.d_ptr, base); break;
        case DT_PLTRELSZ: relocationBytes = d->d_un.d_val; break;
        case DT_PLTREL: relocationKind = (long)d->d_un.d_val; break;
        case DT_SYMTAB: symbols = spindle_dynamic_address(d->d_un.d_ptr, base); break;
        case DT_STRTAB: strings = spindle_dynamic_address(d->d_un.d_ptr, base); break;
        case DT_VERSYM: versions = spindle_dynamic_address(d->d_un.d_ptr, base); break;
        case DT_VERNEED: verneed = spindle_dynamic_address(d->d_un.d_ptr, base); break;
        case DT_VERNEEDNUM: verneedCount = d->d_un.d_val; break;
        case DT_FLAGS: if (d->d_un.d_val & DF_BIND_NOW) return 0; break;      /* bound at its start already */
        case DT_FLAGS_1: if (d->d_un.d_val & DF_1_NOW) return 0; break;
        default: break;
        }
    }
    if (!relocations || !symbols || !strings || relocationKind != DT_RELA) return 0;
    int bound = 0;
    const ElfW(Rela) *r = (const ElfW(Rela) *)relocations;
    for (size_t i = 0; i < relocationBytes / sizeof(ElfW(Rela)); i++) {
        if (ELF64_R_TYPE(r[i].r_info) != jump_slot) continue;
        void **slot = (void **)(base + r[i].r_offset);
        if ((uintptr_t)slot >= relro && (uintptr_t)slot < relroEnd) continue;   /* read-only: bound already */
        uintptr_t now = (uintptr_t)*slot;
        if (now < low || now >= high) continue;   /* points out of the program: bound already */
        size_t index = ELF64_R_SYM(r[i].r_info);
        const ElfW(Sym) *symbol = (const ElfW(Sym) *)symbols + index;
        /* An undefined symbol with a value is the program's own canonical PLT entry (a non-PIE program
           that takes a function's address): the loader looks past it, dlsym does not. Left to the loader. */
        if (symbol->st_shndx == SHN_UNDEF && symbol->st_value != 0) continue;
        const char *name = (const char *)strings + symbol->st_name;
        const char *version = versions
            ? spindle_needed_version(verneed, verneedCount, (const char *)strings, ((const ElfW(Versym) *)versions)[index])
            : NULL;
        void *address = version ? dlvsym(RTLD_DEFAULT, name, version) : dlsym(RTLD_DEFAULT, name);
        /* Not found, or found in the program itself (a slot pointed at its own stub would loop):
           left to the loader, lazily, as before. */
        if (!address || ((uintptr_t)address >= low && (uintptr_t)address < high)) continue;
        *slot = address;
        bound++;
    }
    return bound;
}
