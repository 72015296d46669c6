#pragma once
// UMTS AKA (3GPP TS 33.102 §6.3) on top of Milenage, for both ends:
// - network side (BSF/HSS): build an authentication vector for (RAND, SQN, AMF); turn a
//   USIM's AUTS back into its SQN_MS for resynchronisation;
// - USIM side (the gateway's soft USIM): check (RAND, AUTN), answer RES/CK/IK or AUTS.
//
// SQN freshness on the USIM is one counter, SQN_MS = the highest SQN accepted so far (no
// TS 33.102 Annex C IND slots): an AUTN is fresh iff SQN_MS < SQN <= SQN_MS + window.
// A network that allocates SQNs in increasing order for one subscriber stays inside it.

#include "milenage.h"

#include <portal-core/base/result.h>

#include <array>
#include <cstdint>
#include <optional>

namespace Portal::Crypto {

using Autn = std::array<uint8_t, 16>; // (SQN xor AK) ‖ AMF ‖ MAC-A
using Auts = std::array<uint8_t, 14>; // (SQN_MS xor AK*) ‖ MAC-S

constexpr uint64_t kSqnMax = (uint64_t(1) << 48) - 1;
// TS 33.102 Annex C.2.2 gives 2^28 as an example limit for how far SQN may jump ahead.
constexpr uint64_t kDefaultSqnWindow = uint64_t(1) << 28;

// Big-endian 48-bit conversions. sqnToBytes requires sqn <= kSqnMax (asserted); the API
// functions below check the range themselves and answer `aka.sqn_out_of_range`.
Sqn sqnToBytes(uint64_t sqn);
uint64_t sqnFromBytes(const Sqn &sqn);

// Network side: what the BSF sends (RAND, AUTN) and keeps (XRES, CK, IK).
// CK and IK are wiped when the vector is destroyed.
struct AuthenticationVector
{
    Rand rand;
    Res xres;
    Ck ck;
    Ik ik;
    Autn autn;

    ~AuthenticationVector();
};

// Errors: `aka.sqn_out_of_range` (sqn > kSqnMax).
Result<AuthenticationVector> buildAuthenticationVector(const Milenage &milenage, const Rand &rand,
                                                       uint64_t sqn, const Amf &amf);

// Network side: recovers SQN_MS from AUTS (SQN_MS = first 6 bytes xor f5*, then MAC-S checked
// with f1* and AMF = 0000, constant time). The RAND is the one the USIM answered.
// Errors: `aka.auts_mac_failure`.
Result<uint64_t> recoverSqnMsFromAuts(const Milenage &milenage, const Rand &rand, const Auts &auts);

// USIM side: the answer to an accepted challenge. Store sqnMs (the SQN just accepted) as the new
// SQN_MS. CK and IK are wiped when this is destroyed.
struct UsimAuthentication
{
    Res res;
    Ck ck;
    Ik ik;
    uint64_t sqnMs = 0;

    ~UsimAuthentication();
};

// USIM side: outcome of checking (RAND, AUTN). `result` is either the authentication or:
// - `aka.mac_failure`: MAC-A wrong (the network is not authentic); auts is empty;
// - `aka.sync_failure`: MAC-A right but SQN not fresh (replayed, old, or more than
//   `windowSize` ahead); auts holds the AUTS to send back;
// - `aka.sqn_out_of_range`: the stored sqnMs exceeds 48 bits; auts is empty.
struct AutnCheck
{
    Result<UsimAuthentication> result;
    std::optional<Auts> auts;
};

AutnCheck checkAutn(const Milenage &milenage, const Rand &rand, const Autn &autn, uint64_t sqnMs,
                    uint64_t windowSize = kDefaultSqnWindow);

// USIM side: AUTS = (SQN_MS xor f5*(RAND)) ‖ f1*(SQN_MS, RAND, AMF = 0000) (TS 33.102 §6.3.3).
// Errors: `aka.sqn_out_of_range` (sqnMs > kSqnMax).
Result<Auts> buildAuts(const Milenage &milenage, const Rand &rand, uint64_t sqnMs);

} // namespace Portal::Crypto
