#ifndef SPINDLE_CCRYPTO_SHIM_H
#define SPINDLE_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, for SHA-256 (it uses the CPU's SHA extensions).
#include <openssl/evp.h>
#endif
