// Arbitrary byte streams into FrameReader, in chunks whose sizes the input chooses. Every
// delivered frame must satisfy the frame bounds, and re-encoding it must give a frame the
// reader accepts again with the same contents.
#include <portal-core/protocol/frame.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

using namespace Portal::Protocol;

static void checkFrame(const Frame &frame)
{
    if (frame.version != kLinkVersion || frame.payload.size > kMaxPayloadBytes)
        abort();
    uint8_t wire[kMaxFrameBytes];
    const FrameEncodeResult encoded = encodeFrame(frame.type, frame.seq, frame.payload.data,
                                                  frame.payload.size, wire, sizeof wire);
    if (encoded.error != FrameEncodeError::None)
        abort();
    FrameReader again;
    const size_t used = again.feed(wire, encoded.size);
    if (used != encoded.size || !again.hasFrame() || again.frame().type != frame.type ||
        again.frame().seq != frame.seq || again.frame().payload.size != frame.payload.size ||
        memcmp(again.frame().payload.data, frame.payload.data, frame.payload.size) != 0)
        abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FrameReader reader;
    // The first byte picks the chunk size, so byte-wise and chunked feeding both get exercised.
    const size_t chunk = 1 + data[0] % 64;
    ++data;
    --size;
    uint32_t frames = 0;
    while (size > 0) {
        const size_t offered = size < chunk ? size : chunk;
        const size_t used = reader.feed(data, offered);
        if (used == 0 || used > offered)
            abort();
        if (reader.hasFrame()) {
            ++frames;
            checkFrame(reader.frame());
        }
        data += used;
        size -= used;
    }
    if (reader.framesDelivered() != frames)
        abort();
    return 0;
}
