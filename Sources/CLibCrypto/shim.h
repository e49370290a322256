#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
/* OpenSSL 3's digests (libssl-dev; EVP_MD_fetch is new in 3.0): the libcrypto Debian's libpq links. */
#include <openssl/evp.h>
#endif
