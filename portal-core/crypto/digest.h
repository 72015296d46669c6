#pragma once
// HTTP Digest access authentication: RFC 7616 (MD5, SHA-256) and RFC 3310 AKAv1-MD5.
//
// Parsing (`WWW-Authenticate` challenge and `Authorization` credentials, header VALUE only):
// - Bounded before parsing: a value longer than kMaxDigestHeaderBytes is `digest.too_large`;
//   each parameter value is at most kMaxDigestValueBytes (`digest.value_too_large`); at most
//   kMaxDigestParams parameters (`digest.too_many_params`).
// - Grammar of RFC 7235: scheme (case-insensitive "Digest", else `digest.wrong_scheme`), then
//   a comma list of `name = token` or `name = "quoted-string"` (backslash escapes), optional
//   whitespace, empty list elements allowed. One challenge per value. Syntax errors are
//   `digest.malformed`; CTLs other than HTAB anywhere are `digest.bad_char`; an empty value is
//   `digest.empty`. Names are case-insensitive; a repeated name is `digest.duplicate_param`.
//   Unknown parameters are kept in `otherParams` (name lowercased) and otherwise ignored.
// - Known parameters are accepted quoted or unquoted (clients differ). Required ones missing
//   give `digest.missing_param`; algorithms other than MD5, SHA-256, AKAv1-MD5 (including the
//   -sess variants, not supported) give `digest.unsupported_algorithm`; no known qop gives
//   `digest.unsupported_qop`; a bad nc (not 8 hex digits) or stale gives `digest.bad_param`.
//   `userhash` is not supported (kept in otherParams).
// Computing: HA1 = H(username:realm:password) with the password as raw bytes (for
//   AKAv1-MD5 the RES octets; on an AKA sync failure RFC 3310 §3.4 uses an empty password),
//   HA2 = H(method:uri) or, for auth-int, H(method:uri:H(body)); response =
//   H(HA1:nonce:nc:cnonce:qop:HA2), or H(HA1:nonce:HA2) without qop (RFC 2069, client side
//   only). Hex is lowercase.
// Verifying (server): qop is required (`digest.missing_param`); the response is compared in
//   constant time (`digest.bad_response`). Nonce freshness, nc replay, realm and request-URI
//   matching are the caller's job: it owns the nonce store.

#include "secure.h"

#include <portal-core/base/result.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Portal::Crypto {

inline constexpr size_t kMaxDigestHeaderBytes = 4096;
inline constexpr size_t kMaxDigestValueBytes = 1024;
inline constexpr size_t kMaxDigestParams = 32;

enum class DigestAlgorithm { MD5, SHA256, AKAv1_MD5 };
enum class DigestQop { None, Auth, AuthInt };

// "MD5", "SHA-256", "AKAv1-MD5" as they appear on the wire.
std::string_view digestAlgorithmName(DigestAlgorithm algorithm);
// "auth", "auth-int"; empty for None.
std::string_view digestQopName(DigestQop qop);

using DigestParams = std::vector<std::pair<std::string, std::string>>;

struct DigestChallenge
{
    std::string realm;
    std::string nonce;
    std::optional<std::string> opaque;
    std::optional<std::string> domain;
    DigestAlgorithm algorithm = DigestAlgorithm::MD5; // absent on the wire means MD5
    std::vector<DigestQop> qopOptions;                // empty: server did not send qop
    bool stale = false;
    DigestParams otherParams;
};

struct DigestCredentials
{
    std::string username;
    std::string realm;
    std::string nonce;
    std::string uri;
    std::string response; // hex as received; may be empty (GBA's first request)
    DigestAlgorithm algorithm = DigestAlgorithm::MD5;
    DigestQop qop = DigestQop::None;
    std::string nc; // 8 hex digits when qop is present
    std::string cnonce;
    std::optional<std::string> opaque;
    std::optional<std::string> auts; // RFC 3310 resynchronisation token, base64 as sent
    DigestParams otherParams;
};

// Required: realm, nonce. Errors as listed above.
Result<DigestChallenge> parseDigestChallenge(std::string_view headerValue);
// Required: username, realm, nonce, uri, response (values may be empty); with qop also nc and
// cnonce.
Result<DigestCredentials> parseDigestCredentials(std::string_view headerValue);

// Header values ("Digest …"); text values are quoted with `"` and `\` escaped. A value holding
// a CTL (CR, LF, NUL, …) cannot be sent safely and gives `digest.bad_char`.
Result<std::string> serializeDigestChallenge(const DigestChallenge &challenge);
Result<std::string> serializeDigestCredentials(const DigestCredentials &credentials);

// The response for the credential fields (username, realm, nonce, uri, algorithm, qop, nc,
// cnonce), the password bytes, the request method and, for auth-int, the entity body.
// Lowercase hex (32 chars for MD5/AKAv1-MD5, 64 for SHA-256).
std::string computeDigestResponse(const DigestCredentials &credentials, ByteView password,
                                  std::string_view method, ByteView entityBody = {});

// Client side: credentials answering `challenge`. Picks qop auth-int when it is the only one
// offered or when preferAuthInt and offered, else auth, else none (legacy server). nc is the
// request count for this nonce (formatted as 8 hex digits).
DigestCredentials answerDigestChallenge(const DigestChallenge &challenge, std::string username,
                                        ByteView password, std::string_view method, std::string uri,
                                        std::string cnonce, uint32_t nc, ByteView entityBody = {},
                                        bool preferAuthInt = false);

// Server side: checks credentials.response against the password. Errors:
// `digest.missing_param` (no qop), `digest.bad_response` (wrong size, not hex, or mismatch).
Result<void> verifyDigestResponse(const DigestCredentials &credentials, ByteView password,
                                  std::string_view method, ByteView entityBody = {});

} // namespace Portal::Crypto
