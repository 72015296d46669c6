// Arbitrary payloads into every device-link message decoder; the first byte picks the message.
// A payload that decodes must re-encode within kMaxPayloadBytes and decode again to the same
// bytes (the encoders are canonical, so a second encoding is byte-identical).
#include <portal-core/protocol/attachexchange.h>
#include <portal-core/protocol/messages.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

using namespace Portal::Protocol;

template<typename Message>
static void check(const uint8_t *data, size_t size)
{
    Message message;
    memset(&message, 0, sizeof message);
    if (message.decode(makeByteView(data, size)) != MessageError::None)
        return;
    Payload first;
    if (message.encode(first) != MessageError::None || first.size > kMaxPayloadBytes)
        abort();
    Message again;
    memset(&again, 0, sizeof again);
    if (again.decode(makeByteView(first.bytes, first.size)) != MessageError::None)
        abort();
    Payload second;
    if (again.encode(second) != MessageError::None || second.size != first.size ||
        memcmp(first.bytes, second.bytes, first.size) != 0)
        abort();
}

// A stand-in MAC (a byte sum, not a secure one): the target is the parsing and bounds of
// openSealedFrame, not HMAC, which has its own tests.
struct SumMac
{
    uint8_t sum = 0;

    LinkMac table()
    {
        LinkMac mac;
        mac.context = this;
        mac.begin = [](void *context) { static_cast<SumMac *>(context)->sum = 0; };
        mac.update = [](void *context, const uint8_t *data, size_t size) {
            SumMac *self = static_cast<SumMac *>(context);
            for (size_t i = 0; i < size; ++i)
                self->sum = uint8_t(self->sum * 31 + data[i]);
        };
        mac.finish = [](void *context, uint8_t tag[32]) {
            memset(tag, static_cast<SumMac *>(context)->sum, 32);
        };
        return mac;
    }
};

static void checkSealed(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    SumMac sum;
    const LinkMac mac = sum.table();
    Frame frame = {kLinkVersion, uint8_t(data[0] | kSealedTypeFlag), 7,
                   makeByteView(data + 1, size - 1)};
    OpenedFrame opened;
    if (openSealedFrame(frame, LinkDirection::DeviceToGateway, mac, 0, opened) != SealError::None)
        return;
    if (opened.message.size + kSealBytes != size - 1 || opened.counter == 0)
        abort();
    uint8_t encoded[kMaxFrameBytes];
    if (encodeSealedFrame(opened.type, opened.seq, opened.message.data, opened.message.size,
                          opened.counter, LinkDirection::DeviceToGateway, mac, encoded,
                          sizeof encoded)
                .error != FrameEncodeError::None &&
        opened.message.size <= kMaxSealedMessageBytes)
        abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size - 1 > kMaxPayloadBytes)
        return 0;
    const uint8_t selector = data[0];
    ++data;
    --size;
    switch (selector % 19) {
    case 0:
        check<HelloMessage>(data, size);
        break;
    case 1:
        check<AttachChallengeMessage>(data, size);
        break;
    case 2:
        check<AttachProofMessage>(data, size);
        break;
    case 3:
        check<ReadingMessage>(data, size);
        break;
    case 4:
        check<CommandMessage>(data, size);
        break;
    case 5:
        check<CommandStatusMessage>(data, size);
        break;
    case 6:
        check<AckMessage>(data, size);
        break;
    case 7:
        check<ErrorMessage>(data, size);
        break;
    case 8:
        check<ProvInfoRequestMessage>(data, size);
        break;
    case 9:
        check<ProvInfoResponseMessage>(data, size);
        break;
    case 10:
        check<ProvSetConfigMessage>(data, size);
        break;
    case 11:
        check<ProvGenKeyRequestMessage>(data, size);
        break;
    case 12:
        check<ProvGenKeyResponseMessage>(data, size);
        break;
    case 13:
        check<ProvTestReadingRequestMessage>(data, size);
        break;
    case 14:
        check<ProvTestReadingResponseMessage>(data, size);
        break;
    case 15:
        check<AttachAcceptMessage>(data, size);
        break;
    case 16:
        checkSealed(data, size);
        break;
    case 17:
        check<ProvSetAuthorityMessage>(data, size);
        break;
    default:
        check<ProvLockMessage>(data, size);
        break;
    }
    return 0;
}
