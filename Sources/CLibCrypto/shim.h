#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
/* OpenSSL's digests (libssl-dev): the same libcrypto Debian's libpq already links. */
#include <openssl/evp.h>
#endif
