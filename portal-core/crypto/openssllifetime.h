#pragma once
// OpenSSL's global state must outlive every thread that may still use it.
//
// Qt Network runs HTTP(S) in one thread per QNetworkAccessManager; destroying the manager waits
// at most 5 s for that thread, so on a loaded machine it can still be in a TLS handshake when
// main() returns. OpenSSL's default atexit handler (OPENSSL_cleanup) would then free the
// providers and per-thread state under it: a crash in that thread, or leaked state. Programs
// call keepOpenSslUntilExit() first in main(), before anything loads OpenSSL, so OpenSSL is
// never torn down and the OS reclaims it with the process.

namespace Portal::Crypto {

// Returns false when OpenSSL could not be initialised (the program then fails on first use
// with a clear error from that use). Idempotent.
bool keepOpenSslUntilExit();

} // namespace Portal::Crypto
