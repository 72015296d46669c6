// Arbitrary bytes as a COSE_Sign1_Tagged signed reading. Whatever parses must rebuild to the
// identical bytes from its parts, and a decoded payload must re-encode identically.
#include <portal-core/protocol/cose.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

using namespace Portal::Protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CoseSign1View view;
    if (parseSign1Tagged(data, size, view) == CoseError::None) {
        if (view.kid.size != kDeviceIdBytes || view.signature.size != kEs256SignatureBytes ||
            view.payload.size > kMaxReadingPayloadBytes)
            abort();
        uint8_t rebuilt[kMaxSign1Bytes];
        size_t rebuiltSize = 0;
        if (encodeSign1Tagged(view.kid.data, view.payload.data, view.payload.size,
                              view.signature.data, rebuilt, sizeof rebuilt,
                              rebuiltSize) != CoseError::None ||
            rebuiltSize != size || memcmp(rebuilt, data, size) != 0)
            abort();
        uint8_t sigStructure[kMaxSigStructureBytes];
        size_t sigStructureSize = 0;
        if (buildSigStructure(view.payload.data, view.payload.size, sigStructure,
                              sizeof sigStructure, sigStructureSize) != CoseError::None)
            abort();
    }

    SignedReading reading;
    if (decodeReadingPayload(data, size, reading) == CoseError::None) {
        uint8_t encoded[kMaxReadingPayloadBytes];
        size_t encodedSize = 0;
        if (encodeReadingPayload(reading, encoded, sizeof encoded, encodedSize) != CoseError::None)
            abort();
        // Keys may arrive in any order; the canonical re-encoding has the same length.
        if (encodedSize != size)
            abort();
    }

    SignedReading full;
    CoseSign1View fullView;
    decodeSignedReading(data, size, fullView, full);
    return 0;
}
