#include "signedreading.h"

#include <cstring>

namespace Portal::Crypto {

Result<Protocol::SignedReading>
verifySignedReading(ByteView sign1, const Es256PublicKey &key,
                    const uint8_t (&deviceId)[Protocol::kDeviceIdBytes])
{
    Protocol::CoseSign1View view{};
    Protocol::SignedReading reading{};
    const Protocol::CoseError decoded =
        Protocol::decodeSignedReading(sign1.data(), sign1.size(), view, reading);
    if (decoded != Protocol::CoseError::None)
        return makeError("reading.malformed",
                         std::string("COSE_Sign1: ") + Protocol::coseErrorName(decoded));
    if (std::memcmp(reading.deviceId, deviceId, Protocol::kDeviceIdBytes) != 0)
        return makeError("reading.other_device", "the kid names another device");
    uint8_t toBeSigned[Protocol::kMaxSigStructureBytes];
    size_t toBeSignedSize = 0;
    if (Protocol::buildSigStructure(view.payload.data, view.payload.size, toBeSigned,
                                    sizeof toBeSigned, toBeSignedSize) != Protocol::CoseError::None)
        return makeError("reading.malformed", "the payload does not fit a Sig_structure");
    if (!key.verifyRaw(ByteView(toBeSigned, toBeSignedSize),
                       ByteView(view.signature.data, view.signature.size)))
        return makeError("reading.bad_signature", "the signature does not verify");
    return reading;
}

} // namespace Portal::Crypto
