#ifndef SEGFLOW_CLIBCRYPTO_SHIM_H
#define SEGFLOW_CLIBCRYPTO_SHIM_H
// OpenSSL's digests only (EVP_Digest, EVP_sha256).
#include <openssl/evp.h>
#endif
