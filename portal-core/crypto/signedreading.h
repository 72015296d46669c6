#pragma once
// The one check of a device's signed reading (DESIGN §4.2) on the host: the COSE_Sign1 is
// parsed and its payload decoded, its kid must name the expected device, and the ES256
// signature over the Sig_structure must verify with that device's key. The M2M service runs
// it before storing, the gateway before queueing and acknowledging, the provisioning wizard
// on a device's test reading.

#include <portal-core/base/result.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/protocol/cose.h>

namespace Portal::Crypto {

// Errors: `reading.malformed` (not a COSE_Sign1 reading; the message names the COSE error),
// `reading.other_device` (the kid names another device), `reading.bad_signature`.
Result<Protocol::SignedReading>
verifySignedReading(ByteView sign1, const Es256PublicKey &key,
                    const uint8_t (&deviceId)[Protocol::kDeviceIdBytes]);

} // namespace Portal::Crypto
