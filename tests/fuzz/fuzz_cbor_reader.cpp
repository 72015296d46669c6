// Arbitrary bytes through CborReader: skip() must walk any input without crashing, stay inside
// it, and agree with a typed walk that re-encodes what it reads; accepted input must re-encode
// to the very same bytes (the reader accepts only canonical CBOR).
#include <portal-core/protocol/cbor.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

using namespace Portal::Protocol;

static bool copyItem(CborReader &reader, CborWriter &writer, int depth)
{
    if (depth > kCborMaxDepth + 1)
        abort(); // the reader must have refused this nesting already
    CborType type;
    if (reader.peekType(type) != CborError::None)
        return false;
    switch (type) {
    case CborType::Unsigned:
    case CborType::Negative: {
        bool negative = false;
        uint64_t argument = 0;
        if (reader.readInteger(negative, argument) != CborError::None)
            return false;
        return negative ? writer.writeNegative(argument) : writer.writeUnsigned(argument);
    }
    case CborType::Bytes: {
        ByteView bytes;
        return reader.readBytes(bytes) == CborError::None &&
               writer.writeBytes(bytes.data, bytes.size);
    }
    case CborType::Text: {
        TextView text;
        return reader.readText(text) == CborError::None && writer.writeText(text.data, text.size);
    }
    case CborType::Array:
    case CborType::Map: {
        uint32_t count = 0;
        const bool isMap = type == CborType::Map;
        if ((isMap ? reader.enterMap(count) : reader.enterArray(count)) != CborError::None)
            return false;
        if (!(isMap ? writer.beginMap(count) : writer.beginArray(count)))
            return false;
        const uint32_t entries = isMap ? count * 2 : count;
        for (uint32_t i = 0; i < entries; ++i) {
            if (!copyItem(reader, writer, depth + 1))
                return false;
        }
        return reader.leaveContainer() == CborError::None;
    }
    case CborType::Tag: {
        uint64_t tag = 0;
        return reader.readTag(tag) == CborError::None && writer.writeTag(tag) &&
               copyItem(reader, writer, depth);
    }
    case CborType::Bool: {
        bool value = false;
        return reader.readBool(value) == CborError::None && writer.writeBool(value);
    }
    case CborType::Null:
        return reader.readNull() == CborError::None && writer.writeNull();
    }
    return false;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t copy[4096];
    if (size > sizeof copy)
        return 0;
    CborReader skipper(data, size);
    CborError skipped = skipper.skip();
    if (skipped == CborError::None)
        skipped = skipper.finish();
    if (skipper.position() > size)
        abort();

    CborReader reader(data, size);
    CborWriter writer(copy, sizeof copy);
    const bool copied = copyItem(reader, writer, 0) && reader.finish() == CborError::None;
    if (copied != (skipped == CborError::None))
        abort();
    if (copied && (writer.size() != size || memcmp(copy, data, size) != 0))
        abort();
    return 0;
}
