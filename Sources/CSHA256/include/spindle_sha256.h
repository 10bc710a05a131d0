#ifndef SPINDLE_SHA256_H
#define SPINDLE_SHA256_H
// SHA-256 (FIPS 180-4), with the x86 SHA extensions where the CPU has them.
// Spindle names and verifies every blob with it; a library of its own saves
// each task process the loading of OpenSSL's libcrypto (~1.4 ms and ~130 page
// faults per process, measured here).

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length;      // bytes hashed so far
    uint8_t buffer[64];   // a partial block
    size_t buffered;
} spindle_sha256_context;

void spindle_sha256_init(spindle_sha256_context *context);
void spindle_sha256_update(spindle_sha256_context *context, const void *bytes, size_t count);
/// Writes the 32-byte digest to `digest`; the context is spent.
void spindle_sha256_final(spindle_sha256_context *context, uint8_t digest[32]);
/// 1 when the SHA extensions are used, 0 for the portable code.
int spindle_sha256_accelerated(void);
/// For tests: hash with the portable code even where the SHA extensions exist.
void spindle_sha256_force_portable(int portable);

#endif
