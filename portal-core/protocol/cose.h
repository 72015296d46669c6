#pragma once
// The signed reading of DESIGN §4.2: a COSE_Sign1_Tagged message (RFC 9052, tag 18, ES256)
// whose payload is a CBOR map of one sensor reading. Only the exact bytes live here; signing
// and verifying are done by the caller (OpenSSL on hosts, firmware/crypto on the device).
//
//   COSE_Sign1_Tagged = d2 84 43 a1 01 26      tag 18, array(4), bstr protected {1: -7}
//                       a1 04 48 <kid:8>        unprotected {4: kid = device id}
//                       <bstr payload>          payload (head 1 or 2 bytes, shortest form)
//                       58 40 <signature:64>    ES256 r‖s
//   payload           = {1: device id bstr(8), 2: counter u32, 3: sensor index u8,
//                        4: value int32, 5: scale exponent int8, 6: unit text(≤ 16, UCUM)}
//   Sig_structure     = ["Signature1", h'a10126', h'', payload]   (the bytes ES256 signs)

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

constexpr size_t kDeviceIdBytes = 8;
constexpr size_t kEs256SignatureBytes = 64;
constexpr size_t kMaxUnitBytes = 16;
// Longest payload: a6, 01 48 id(8), 02 1a u32, 03 18 u8, 04 1a i32, 05 38 i8, 06 70 unit(16).
constexpr size_t kMaxReadingPayloadBytes = 1 + 10 + 6 + 3 + 6 + 3 + 18; // 47
// "Signature1" array around the payload: 84 6a "Signature1" 43 a10126 40 58 len.
constexpr size_t kMaxSigStructureBytes = 1 + 11 + 4 + 1 + 2 + kMaxReadingPayloadBytes; // 66
constexpr size_t kMaxSign1Bytes =
    1 + 1 + 4 + 1 + 1 + 9 + 2 + kMaxReadingPayloadBytes + 2 + kEs256SignatureBytes; // 132

enum class CoseError : uint8_t {
    None = 0,
    BufferTooSmall,   // output capacity below what the result needs
    MalformedCbor,    // not canonical, well-formed CBOR within the reader's limits
    NotTagged,        // top-level item is not tag 18
    WrongStructure,   // not a 4-element array of the expected item types
    BadProtected,     // protected header bytes are not exactly a1 01 26
    BadUnprotected,   // unprotected header is not exactly {4: bstr(8)}
    BadSignatureSize, // signature is not 64 bytes
    PayloadTooLarge,  // payload longer than kMaxReadingPayloadBytes
    MissingKey,       // payload map lacks one of the keys 1..6
    DuplicateKey,     // payload map repeats a key
    UnknownKey,       // payload map has a key other than 1..6
    WrongType,        // payload value of the wrong CBOR type
    OutOfRange,       // payload value outside its field's range (or unit too long/not UTF-8)
    KidMismatch,      // kid differs from the payload's device id
};

const char *coseErrorName(CoseError error);

struct SignedReading
{
    uint8_t deviceId[kDeviceIdBytes];
    uint32_t counter; // strictly increasing per device
    uint8_t sensorIndex;
    int32_t value; // reading = value × 10^scaleExponent unit
    int8_t scaleExponent;
    char unit[kMaxUnitBytes]; // UTF-8 UCUM code, not NUL-terminated
    uint8_t unitSize;
};

// Views into the parsed message; valid while its bytes are.
struct CoseSign1View
{
    ByteView protectedHeader; // always a1 01 26
    ByteView kid;             // kDeviceIdBytes
    ByteView payload;
    ByteView signature; // kEs256SignatureBytes
};

// Canonical payload map with keys 1..6 in order. `size` receives the bytes written.
CoseError encodeReadingPayload(const SignedReading &reading, uint8_t *output, size_t outputCapacity,
                               size_t &size);
// Refuses missing, duplicate or unknown keys, wrong types, values out of range, trailing bytes.
CoseError decodeReadingPayload(const uint8_t *payload, size_t payloadSize, SignedReading &reading);

// The ES256 input: ["Signature1", h'a10126', h'', payload].
CoseError buildSigStructure(const uint8_t *payload, size_t payloadSize, uint8_t *output,
                            size_t outputCapacity, size_t &size);

CoseError encodeSign1Tagged(const uint8_t kid[kDeviceIdBytes], const uint8_t *payload,
                            size_t payloadSize, const uint8_t signature[kEs256SignatureBytes],
                            uint8_t *output, size_t outputCapacity, size_t &size);

// Accepts only the exact layout above (canonical CBOR, nothing after it).
CoseError parseSign1Tagged(const uint8_t *message, size_t messageSize, CoseSign1View &view);

// parseSign1Tagged + decodeReadingPayload + kid == device id.
CoseError decodeSignedReading(const uint8_t *message, size_t messageSize, CoseSign1View &view,
                              SignedReading &reading);

} // namespace Protocol
} // namespace Portal
