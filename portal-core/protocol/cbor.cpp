#include "cbor.h"

#include <string.h>

namespace Portal {
namespace Protocol {

namespace {

constexpr uint8_t kMajorUnsigned = 0;
constexpr uint8_t kMajorNegative = 1;
constexpr uint8_t kMajorBytes = 2;
constexpr uint8_t kMajorText = 3;
constexpr uint8_t kMajorArray = 4;
constexpr uint8_t kMajorMap = 5;
constexpr uint8_t kMajorTag = 6;
constexpr uint8_t kMajorSimple = 7;

constexpr uint8_t kSimpleFalse = 20;
constexpr uint8_t kSimpleTrue = 21;
constexpr uint8_t kSimpleNull = 22;

constexpr uint64_t kInt64Max = 0x7FFFFFFFFFFFFFFFull;

bool isContinuation(uint8_t byte, uint8_t low = 0x80, uint8_t high = 0xBF)
{
    return byte >= low && byte <= high;
}

} // namespace

const char *cborErrorName(CborError error)
{
    switch (error) {
    case CborError::None:
        return "cbor.none";
    case CborError::BufferFull:
        return "cbor.buffer_full";
    case CborError::Truncated:
        return "cbor.truncated";
    case CborError::IndefiniteLength:
        return "cbor.indefinite_length";
    case CborError::ReservedValue:
        return "cbor.reserved_value";
    case CborError::NonCanonical:
        return "cbor.non_canonical";
    case CborError::UnsupportedType:
        return "cbor.unsupported_type";
    case CborError::WrongType:
        return "cbor.wrong_type";
    case CborError::OutOfRange:
        return "cbor.out_of_range";
    case CborError::TooDeep:
        return "cbor.too_deep";
    case CborError::StringTooLong:
        return "cbor.string_too_long";
    case CborError::TooManyItems:
        return "cbor.too_many_items";
    case CborError::InvalidUtf8:
        return "cbor.invalid_utf8";
    case CborError::ContainerEnd:
        return "cbor.container_end";
    case CborError::ItemsRemaining:
        return "cbor.items_remaining";
    case CborError::TrailingBytes:
        return "cbor.trailing_bytes";
    }
    return "cbor.unknown";
}

bool isValidUtf8(const uint8_t *data, size_t size)
{
    size_t i = 0;
    while (i < size) {
        const uint8_t lead = data[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        size_t continuationBytes = 0;
        uint8_t secondLow = 0x80;
        uint8_t secondHigh = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuationBytes = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuationBytes = 2;
            if (lead == 0xE0)
                secondLow = 0xA0; // overlong
            else if (lead == 0xED)
                secondHigh = 0x9F; // UTF-16 surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuationBytes = 3;
            if (lead == 0xF0)
                secondLow = 0x90; // overlong
            else if (lead == 0xF4)
                secondHigh = 0x8F; // above U+10FFFF
        } else {
            return false;
        }
        if (continuationBytes > size - i - 1)
            return false;
        if (!isContinuation(data[i + 1], secondLow, secondHigh))
            return false;
        for (size_t k = 2; k <= continuationBytes; ++k) {
            if (!isContinuation(data[i + k]))
                return false;
        }
        i += continuationBytes + 1;
    }
    return true;
}

// ---- writer

CborWriter::CborWriter(uint8_t *buffer, size_t capacity)
    : m_buffer(buffer), m_capacity(capacity), m_size(0), m_error(CborError::None)
{
}

bool CborWriter::writeRaw(const uint8_t *data, size_t size)
{
    if (m_error != CborError::None)
        return false;
    if (size > m_capacity - m_size) {
        m_error = CborError::BufferFull;
        return false;
    }
    if (size > 0)
        memcpy(m_buffer + m_size, data, size);
    m_size += size;
    return true;
}

bool CborWriter::writeHead(uint8_t major, uint64_t argument)
{
    uint8_t head[9];
    size_t argumentBytes;
    uint8_t additional;
    if (argument < 24) {
        additional = static_cast<uint8_t>(argument);
        argumentBytes = 0;
    } else if (argument <= 0xFFu) {
        additional = 24;
        argumentBytes = 1;
    } else if (argument <= 0xFFFFu) {
        additional = 25;
        argumentBytes = 2;
    } else if (argument <= 0xFFFFFFFFu) {
        additional = 26;
        argumentBytes = 4;
    } else {
        additional = 27;
        argumentBytes = 8;
    }
    head[0] = static_cast<uint8_t>((major << 5) | additional);
    for (size_t i = 0; i < argumentBytes; ++i)
        head[1 + i] = static_cast<uint8_t>(argument >> (8 * (argumentBytes - 1 - i)));
    return writeRaw(head, 1 + argumentBytes);
}

bool CborWriter::writeUnsigned(uint64_t value)
{
    return writeHead(kMajorUnsigned, value);
}

bool CborWriter::writeNegative(uint64_t argument)
{
    return writeHead(kMajorNegative, argument);
}

bool CborWriter::writeInt(int64_t value)
{
    if (value >= 0)
        return writeUnsigned(static_cast<uint64_t>(value));
    // -1 - value cannot overflow for any negative int64_t.
    return writeNegative(static_cast<uint64_t>(-1 - value));
}

bool CborWriter::writeBytes(const uint8_t *data, size_t size)
{
    return writeHead(kMajorBytes, size) && writeRaw(data, size);
}

bool CborWriter::writeText(const char *data, size_t size)
{
    return writeHead(kMajorText, size) && writeRaw(reinterpret_cast<const uint8_t *>(data), size);
}

bool CborWriter::writeBool(bool value)
{
    return writeHead(kMajorSimple, value ? kSimpleTrue : kSimpleFalse);
}

bool CborWriter::writeNull()
{
    return writeHead(kMajorSimple, kSimpleNull);
}

bool CborWriter::writeTag(uint64_t tag)
{
    return writeHead(kMajorTag, tag);
}

bool CborWriter::beginArray(uint64_t count)
{
    return writeHead(kMajorArray, count);
}

bool CborWriter::beginMap(uint64_t pairs)
{
    return writeHead(kMajorMap, pairs);
}

// ---- reader

CborReader::Limits CborReader::defaultLimits()
{
    Limits limits = {4, 256, 32};
    return limits;
}

CborReader::CborReader(const uint8_t *data, size_t size) : CborReader(data, size, defaultLimits())
{
}

CborReader::CborReader(const uint8_t *data, size_t size, const Limits &limits)
    : m_data(data), m_size(size), m_position(0), m_limits(limits), m_error(CborError::None),
      m_depth(0), m_afterTag(false)
{
    if (m_limits.maxDepth > kCborMaxDepth)
        m_limits.maxDepth = kCborMaxDepth;
    for (uint8_t i = 0; i <= kCborMaxDepth; ++i)
        m_remaining[i] = 0;
    m_remaining[0] = 1;
}

CborError CborReader::fail(CborError error)
{
    m_error = error;
    return error;
}

CborError CborReader::decodeHead(Head &head, size_t &headSize)
{
    if (m_position >= m_size)
        return CborError::Truncated;
    const uint8_t initial = m_data[m_position];
    head.major = static_cast<uint8_t>(initial >> 5);
    const uint8_t additional = static_cast<uint8_t>(initial & 0x1F);
    if (additional == 31)
        return CborError::IndefiniteLength;
    if (additional >= 28)
        return CborError::ReservedValue;
    if (head.major == kMajorSimple) {
        // Only false, true and null; 24 would be a one-byte simple value, 25..27 floats.
        if (additional != kSimpleFalse && additional != kSimpleTrue && additional != kSimpleNull)
            return CborError::UnsupportedType;
        head.argument = additional;
        headSize = 1;
        return CborError::None;
    }
    if (additional < 24) {
        head.argument = additional;
        headSize = 1;
        return CborError::None;
    }
    const size_t argumentBytes = static_cast<size_t>(1) << (additional - 24); // 1, 2, 4, 8
    if (argumentBytes > m_size - m_position - 1)
        return CborError::Truncated;
    uint64_t argument = 0;
    for (size_t i = 0; i < argumentBytes; ++i)
        argument = (argument << 8) | m_data[m_position + 1 + i];
    // Shortest form: each longer head must carry a value the next shorter one cannot.
    static const uint64_t kSmallestForLength[4] = {24u, 0x100u, 0x10000u, 0x100000000ull};
    if (argument < kSmallestForLength[additional - 24])
        return CborError::NonCanonical;
    head.argument = argument;
    headSize = 1 + argumentBytes;
    return CborError::None;
}

CborError CborReader::consumeEntry()
{
    if (m_afterTag) {
        m_afterTag = false;
        return CborError::None;
    }
    if (m_remaining[m_depth] == 0)
        return CborError::ContainerEnd;
    --m_remaining[m_depth];
    return CborError::None;
}

CborError CborReader::takeHead(uint8_t expectedMajor, Head &head)
{
    if (m_error != CborError::None)
        return m_error;
    size_t headSize = 0;
    CborError error = decodeHead(head, headSize);
    if (error != CborError::None)
        return fail(error);
    if (head.major != expectedMajor)
        return fail(CborError::WrongType);
    if (!m_afterTag && m_remaining[m_depth] == 0)
        return fail(CborError::ContainerEnd);
    m_position += headSize;
    return CborError::None;
}

CborError CborReader::peekType(CborType &type)
{
    if (m_error != CborError::None)
        return m_error;
    if (!m_afterTag && m_remaining[m_depth] == 0)
        return fail(CborError::ContainerEnd);
    Head head;
    size_t headSize = 0;
    const CborError error = decodeHead(head, headSize);
    if (error != CborError::None)
        return fail(error);
    switch (head.major) {
    case kMajorUnsigned:
        type = CborType::Unsigned;
        break;
    case kMajorNegative:
        type = CborType::Negative;
        break;
    case kMajorBytes:
        type = CborType::Bytes;
        break;
    case kMajorText:
        type = CborType::Text;
        break;
    case kMajorArray:
        type = CborType::Array;
        break;
    case kMajorMap:
        type = CborType::Map;
        break;
    case kMajorTag:
        type = CborType::Tag;
        break;
    default:
        type = head.argument == kSimpleNull ? CborType::Null : CborType::Bool;
        break;
    }
    return CborError::None;
}

CborError CborReader::readUnsigned(uint64_t &value)
{
    Head head;
    const CborError error = takeHead(kMajorUnsigned, head);
    if (error != CborError::None)
        return error;
    consumeEntry();
    value = head.argument;
    return CborError::None;
}

CborError CborReader::readInteger(bool &negative, uint64_t &argument)
{
    if (m_error != CborError::None)
        return m_error;
    CborType type;
    const CborError error = peekType(type);
    if (error != CborError::None)
        return error;
    if (type != CborType::Unsigned && type != CborType::Negative)
        return fail(CborError::WrongType);
    Head head;
    takeHead(type == CborType::Unsigned ? kMajorUnsigned : kMajorNegative, head);
    consumeEntry();
    negative = type == CborType::Negative;
    argument = head.argument;
    return CborError::None;
}

CborError CborReader::readInt(int64_t &value)
{
    if (m_error != CborError::None)
        return m_error;
    // Check the range before consuming, so an out-of-range value is not half-read.
    CborType type;
    CborError error = peekType(type);
    if (error != CborError::None)
        return error;
    if (type != CborType::Unsigned && type != CborType::Negative)
        return fail(CborError::WrongType);
    Head head;
    size_t headSize = 0;
    decodeHead(head, headSize);
    if (head.argument > kInt64Max)
        return fail(CborError::OutOfRange);
    bool negative = false;
    uint64_t argument = 0;
    error = readInteger(negative, argument);
    if (error != CborError::None)
        return error;
    value = negative ? -1 - static_cast<int64_t>(argument) : static_cast<int64_t>(argument);
    return CborError::None;
}

CborError CborReader::readString(uint8_t major, ByteView &value)
{
    if (m_error != CborError::None)
        return m_error;
    Head head;
    size_t headSize = 0;
    CborError error = decodeHead(head, headSize);
    if (error != CborError::None)
        return fail(error);
    if (head.major != major)
        return fail(CborError::WrongType);
    if (head.argument > m_limits.maxStringBytes)
        return fail(CborError::StringTooLong);
    const size_t length = static_cast<size_t>(head.argument);
    if (length > m_size - m_position - headSize)
        return fail(CborError::Truncated);
    const uint8_t *start = m_data + m_position + headSize;
    if (major == kMajorText && !isValidUtf8(start, length))
        return fail(CborError::InvalidUtf8);
    error = takeHead(major, head);
    if (error != CborError::None)
        return error;
    consumeEntry();
    m_position += length;
    value = makeByteView(start, length);
    return CborError::None;
}

CborError CborReader::readBytes(ByteView &value)
{
    return readString(kMajorBytes, value);
}

CborError CborReader::readText(TextView &value)
{
    ByteView bytes = {0, 0};
    const CborError error = readString(kMajorText, bytes);
    if (error != CborError::None)
        return error;
    value = makeTextView(reinterpret_cast<const char *>(bytes.data), bytes.size);
    return CborError::None;
}

CborError CborReader::readBool(bool &value)
{
    if (m_error != CborError::None)
        return m_error;
    CborType type;
    const CborError error = peekType(type);
    if (error != CborError::None)
        return error;
    if (type != CborType::Bool)
        return fail(CborError::WrongType);
    Head head;
    takeHead(kMajorSimple, head);
    consumeEntry();
    value = head.argument == kSimpleTrue;
    return CborError::None;
}

CborError CborReader::readNull()
{
    if (m_error != CborError::None)
        return m_error;
    CborType type;
    const CborError error = peekType(type);
    if (error != CborError::None)
        return error;
    if (type != CborType::Null)
        return fail(CborError::WrongType);
    Head head;
    takeHead(kMajorSimple, head);
    consumeEntry();
    return CborError::None;
}

CborError CborReader::readTag(uint64_t &tag)
{
    Head head;
    const CborError error = takeHead(kMajorTag, head);
    if (error != CborError::None)
        return error;
    consumeEntry();
    // The tag and its item together are one entry of the enclosing container.
    m_afterTag = true;
    tag = head.argument;
    return CborError::None;
}

CborError CborReader::push(uint64_t entries)
{
    ++m_depth;
    m_remaining[m_depth] = static_cast<uint32_t>(entries);
    return CborError::None;
}

CborError CborReader::enterArray(uint32_t &count)
{
    if (m_error != CborError::None)
        return m_error;
    Head head;
    size_t headSize = 0;
    CborError error = decodeHead(head, headSize);
    if (error != CborError::None)
        return fail(error);
    if (head.major != kMajorArray)
        return fail(CborError::WrongType);
    if (head.argument > m_limits.maxItems)
        return fail(CborError::TooManyItems);
    // Each element takes at least one byte: a cheap early refusal of absurd counts.
    if (head.argument > m_size - m_position - headSize)
        return fail(CborError::Truncated);
    if (m_depth >= m_limits.maxDepth)
        return fail(CborError::TooDeep);
    error = takeHead(kMajorArray, head);
    if (error != CborError::None)
        return error;
    consumeEntry();
    count = static_cast<uint32_t>(head.argument);
    return push(head.argument);
}

CborError CborReader::enterMap(uint32_t &pairs)
{
    if (m_error != CborError::None)
        return m_error;
    Head head;
    size_t headSize = 0;
    CborError error = decodeHead(head, headSize);
    if (error != CborError::None)
        return fail(error);
    if (head.major != kMajorMap)
        return fail(CborError::WrongType);
    if (head.argument > m_limits.maxItems)
        return fail(CborError::TooManyItems);
    if (head.argument * 2 > m_size - m_position - headSize)
        return fail(CborError::Truncated);
    if (m_depth >= m_limits.maxDepth)
        return fail(CborError::TooDeep);
    error = takeHead(kMajorMap, head);
    if (error != CborError::None)
        return error;
    consumeEntry();
    pairs = static_cast<uint32_t>(head.argument);
    return push(head.argument * 2);
}

CborError CborReader::leaveContainer()
{
    if (m_error != CborError::None)
        return m_error;
    if (m_depth == 0)
        return fail(CborError::ContainerEnd);
    if (m_remaining[m_depth] != 0 || m_afterTag)
        return fail(CborError::ItemsRemaining);
    --m_depth;
    return CborError::None;
}

CborError CborReader::skip()
{
    const uint8_t startDepth = m_depth;
    // Iterative, bounded by the input: every pass consumes at least one byte.
    for (;;) {
        CborType type;
        CborError error = peekType(type);
        if (error != CborError::None)
            return error;
        switch (type) {
        case CborType::Unsigned:
        case CborType::Negative: {
            bool negative = false;
            uint64_t argument = 0;
            error = readInteger(negative, argument);
            break;
        }
        case CborType::Bytes: {
            ByteView bytes;
            error = readBytes(bytes);
            break;
        }
        case CborType::Text: {
            TextView text;
            error = readText(text);
            break;
        }
        case CborType::Bool: {
            bool value = false;
            error = readBool(value);
            break;
        }
        case CborType::Null:
            error = readNull();
            break;
        case CborType::Array: {
            uint32_t count = 0;
            error = enterArray(count);
            break;
        }
        case CborType::Map: {
            uint32_t pairs = 0;
            error = enterMap(pairs);
            break;
        }
        case CborType::Tag: {
            uint64_t tag = 0;
            error = readTag(tag);
            if (error != CborError::None)
                return error;
            continue; // the tagged item is part of this one
        }
        }
        if (error != CborError::None)
            return error;
        while (m_depth > startDepth && m_remaining[m_depth] == 0) {
            error = leaveContainer();
            if (error != CborError::None)
                return error;
        }
        if (m_depth == startDepth)
            return CborError::None;
    }
}

CborError CborReader::finish()
{
    if (m_error != CborError::None)
        return m_error;
    if (m_depth != 0 || m_remaining[0] != 0 || m_afterTag)
        return fail(CborError::ItemsRemaining);
    if (m_position != m_size)
        return fail(CborError::TrailingBytes);
    return CborError::None;
}

} // namespace Protocol
} // namespace Portal
