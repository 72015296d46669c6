#include "openssllifetime.h"

#include <openssl/crypto.h>

namespace Portal::Crypto {

bool keepOpenSslUntilExit()
{
    // Only the first initialisation in a process decides about the atexit handler; libssl's
    // own init (which Qt's TLS backend runs later) then finds libcrypto already set up.
    return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;
}

} // namespace Portal::Crypto
