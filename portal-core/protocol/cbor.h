#pragma once
// Bounded CBOR (RFC 8949) for the device link: unsigned and negative integers (full 64-bit
// range), byte and text strings, arrays, maps, tags, false/true/null. No floats, no other
// simple values, no indefinite lengths.
//
// CborWriter emits the preferred (shortest) encoding into a caller buffer; the first write
// that does not fit fails, and every later write fails too (sticky), so a caller may check
// once at the end. It does not check that maps get their announced number of entries.
//
// CborReader is a pull cursor over a byte view. It accepts only canonical input: shortest
// heads, definite lengths, valid UTF-8 text, one top-level item with nothing after it
// (finish()). Nesting depth, string length and entries per container are limited. The first
// error sticks: every later call returns it and nothing is consumed.

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

enum class CborError : uint8_t {
    None = 0,
    BufferFull,       // writer: output capacity exhausted
    Truncated,        // input ends inside an item
    IndefiniteLength, // additional info 31 (indefinite length or break)
    ReservedValue,    // additional info 28..30
    NonCanonical,     // an argument not in its shortest form
    UnsupportedType,  // floats and simple values other than false/true/null
    WrongType,        // the next item is not of the type asked for
    OutOfRange,       // integer does not fit the requested type or bound
    TooDeep,          // nesting deeper than Limits::maxDepth
    StringTooLong,    // string longer than Limits::maxStringBytes
    TooManyItems,     // container with more than Limits::maxItems entries
    InvalidUtf8,      // text string is not valid UTF-8
    ContainerEnd,     // read past the last entry of the current container
    ItemsRemaining,   // leave/finish while entries of the container are unread
    TrailingBytes,    // bytes after the top-level item
};

// Short stable name for logs and tests ("cbor.truncated").
const char *cborErrorName(CborError error);

enum class CborType : uint8_t {
    Unsigned,
    Negative,
    Bytes,
    Text,
    Array,
    Map,
    Tag,
    Bool,
    Null,
};

class CborWriter
{
public:
    CborWriter(uint8_t *buffer, size_t capacity);

    bool writeUnsigned(uint64_t value);
    bool writeInt(int64_t value);
    // Writes the negative integer -1 - argument; covers down to -2^64.
    bool writeNegative(uint64_t argument);
    bool writeBytes(const uint8_t *data, size_t size);
    bool writeText(const char *data, size_t size);
    bool writeBool(bool value);
    bool writeNull();
    bool writeTag(uint64_t tag);
    // The caller then writes exactly `count` items (`pairs` key/value pairs).
    bool beginArray(uint64_t count);
    bool beginMap(uint64_t pairs);

    bool ok() const { return m_error == CborError::None; }
    CborError error() const { return m_error; }
    size_t size() const { return m_size; }
    const uint8_t *data() const { return m_buffer; }

private:
    bool writeHead(uint8_t major, uint64_t argument);
    bool writeRaw(const uint8_t *data, size_t size);

    uint8_t *m_buffer;
    size_t m_capacity;
    size_t m_size;
    CborError m_error;
};

constexpr uint8_t kCborMaxDepth = 8; // hard bound of the reader's container stack

class CborReader
{
public:
    struct Limits
    {
        uint8_t maxDepth;        // containers nested inside each other, ≤ kCborMaxDepth
        uint16_t maxStringBytes; // per byte or text string
        uint16_t maxItems;       // array elements or map pairs per container
    };
    // depth 4, strings ≤ 256 bytes, ≤ 32 entries: more than any device-link message needs.
    static Limits defaultLimits();

    CborReader(const uint8_t *data, size_t size);
    CborReader(const uint8_t *data, size_t size, const Limits &limits);

    // Type of the next item without consuming it.
    CborError peekType(CborType &type);

    CborError readUnsigned(uint64_t &value);
    // Unsigned or negative within int64_t.
    CborError readInt(int64_t &value);
    // Any integer: value = negative ? -1 - argument : argument.
    CborError readInteger(bool &negative, uint64_t &argument);
    // Views point into the input.
    CborError readBytes(ByteView &value);
    CborError readText(TextView &value);
    CborError readBool(bool &value);
    CborError readNull();
    // A tag head; the tagged item follows and is read separately.
    CborError readTag(uint64_t &tag);

    // Reads a container head and steps inside; read its entries, then leaveContainer().
    CborError enterArray(uint32_t &count);
    CborError enterMap(uint32_t &pairs);
    // Steps out of the current container; ItemsRemaining if entries are unread.
    CborError leaveContainer();
    // Entries (map: keys plus values) left in the current container.
    uint32_t remainingInContainer() const { return m_remaining[m_depth]; }

    // Consumes the next complete item, whatever it is, under the same limits.
    CborError skip();

    // The top-level item is complete and no byte follows it.
    CborError finish();

    CborError error() const { return m_error; }
    size_t position() const { return m_position; }
    uint8_t depth() const { return m_depth; }

private:
    struct Head
    {
        uint8_t major;
        uint64_t argument;
    };
    CborError fail(CborError error);
    CborError decodeHead(Head &head, size_t &headSize);
    CborError takeHead(uint8_t expectedMajor, Head &head);
    CborError consumeEntry();
    CborError push(uint64_t entries);
    CborError readString(uint8_t major, ByteView &value);

    const uint8_t *m_data;
    size_t m_size;
    size_t m_position;
    Limits m_limits;
    CborError m_error;
    uint8_t m_depth; // containers entered; 0 = top level
    bool m_afterTag; // a tag was read; its item is next and is not an entry of its own
    // Entries left per level; level 0 holds the single top-level item. Map entries count
    // keys and values separately.
    uint32_t m_remaining[kCborMaxDepth + 1];
};

// Whether `size` bytes are well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool isValidUtf8(const uint8_t *data, size_t size);

} // namespace Protocol
} // namespace Portal
