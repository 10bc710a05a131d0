#ifndef SPINDLE_CCRYPTO_SHIM_H
#define SPINDLE_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, for SHA-256 (it uses the CPU's SHA extensions).
//
// The one-shot SHA256_* functions, not EVP: EVP's first digest in a process
// loads openssl.cnf and the default provider (about 1.3 ms, measured), which
// every task process would pay; the SHA256_* functions run the same
// hardware-accelerated code with no set-up. OpenSSL 3 marks them deprecated,
// so they are wrapped here, with the deprecation silenced for this header only.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

typedef SHA256_CTX spindle_sha256_context;

static inline int spindle_sha256_init(spindle_sha256_context *context) {
    return SHA256_Init(context);
}

static inline int spindle_sha256_update(spindle_sha256_context *context, const void *bytes, size_t count) {
    return SHA256_Update(context, bytes, count);
}

/// Writes the 32-byte digest to `digest`.
static inline int spindle_sha256_final(unsigned char *digest, spindle_sha256_context *context) {
    return SHA256_Final(digest, context);
}
#endif
