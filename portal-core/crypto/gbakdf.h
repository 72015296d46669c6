#pragma once
// The 3GPP key derivation function (TS 33.220 Annex B) and its GBA use, Ks_NAF.
//
//   derived key = HMAC-SHA-256(Key, S),  S = FC ‖ P0 ‖ L0 ‖ P1 ‖ L1 ‖ … ‖ Pn ‖ Ln
//
// where each Li is the length of Pi in octets as 2 bytes big-endian, so every Pi is at most
// 65535 octets. For Ks_NAF (TS 33.220 Annex B.3): Key = Ks = CK ‖ IK, FC = 0x01,
// P0 = "gba-me", P1 = RAND, P2 = IMPI (UTF-8), P3 = NAF_Id = NAF FQDN ‖ Ua protocol id.

#include "milenage.h"
#include "secure.h"

#include <portal-core/base/result.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace Portal::Crypto {

using DerivedKey = std::array<uint8_t, 32>; // HMAC-SHA-256 output (secret)
using Ks = std::array<uint8_t, 32>;         // CK ‖ IK (secret)
using KsNaf = DerivedKey;
using UaProtocolId = std::array<uint8_t, 5>; // TS 33.220 Annex H

constexpr uint8_t kGbaKdfFcKsNaf = 0x01;
constexpr size_t kGbaKdfMaxParamBytes = 0xFFFF; // Li is two octets
constexpr size_t kGbaKdfMaxParams = 16;         // bounds S; the 3GPP uses need at most 7
constexpr size_t kGbaKdfMaxKeyBytes = 256;      // 3GPP keys are 32 bytes
constexpr size_t kNafFqdnMaxBytes = 253;        // longest DNS name in text form

// Ua security protocol identifiers (TS 33.220 Annex H).
constexpr UaProtocolId kUaHttpDigest = {0x01, 0x00, 0x00, 0x00, 0x02};
constexpr UaProtocolId uaPskTls(uint8_t cipherSuiteHigh, uint8_t cipherSuiteLow)
{
    return {0x01, 0x00, 0x01, cipherSuiteHigh, cipherSuiteLow};
}
// TLS_PSK_WITH_AES_128_GCM_SHA256 (0x00,0xA8), the suite the project's Ua PSK listener uses.
constexpr UaProtocolId kUaPskTlsAes128GcmSha256 = uaPskTls(0x00, 0xA8);

// The KDF's MAC: HMAC-SHA-256(key, part0 ‖ part1 ‖ …), the parts fed in order without being
// concatenated. Errors: `gbakdf.bad_input` (empty key, key over kGbaKdfMaxKeyBytes, a null
// part with a non-zero size), `gbakdf.mac_failed` (OpenSSL).
Result<DerivedKey> hmacSha256(ByteView key, const std::vector<ByteView> &messageParts);

// The generic KDF: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ …). Parameters may be empty.
// Errors: `gbakdf.bad_input` (a null view with a non-zero size, an empty key, a key longer
// than kGbaKdfMaxKeyBytes, or more than kGbaKdfMaxParams parameters),
// `gbakdf.param_too_long` (a parameter over 65535 octets), `gbakdf.mac_failed` (OpenSSL).
Result<DerivedKey> gbaKdf(ByteView key, uint8_t fc, const std::vector<ByteView> &params);

// Ks = CK ‖ IK. The caller wipes it (OPENSSL_cleanse / secureWipe) when done.
Ks makeKs(const Ck &ck, const Ik &ik);

// NAF_Id = NAF FQDN ‖ Ua security protocol identifier. The FQDN is taken as given (the
// configured name, ASCII); it must be 1..kNafFqdnMaxBytes octets. Errors: `gbakdf.bad_naf_fqdn`.
Result<std::vector<uint8_t>> makeNafId(std::string_view nafFqdn, const UaProtocolId &protocolId);

// Ks_NAF = KDF(Ks, 0x01, "gba-me", RAND, IMPI, NAF_Id). Errors: those of gbaKdf.
Result<KsNaf> deriveKsNaf(const Ks &ks, const Rand &rand, std::string_view impi, ByteView nafId);
// The same from CK and IK; the Ks built on the way is wiped.
Result<KsNaf> deriveKsNaf(const Ck &ck, const Ik &ik, const Rand &rand, std::string_view impi,
                          ByteView nafId);

} // namespace Portal::Crypto
