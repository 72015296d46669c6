#pragma once
// Non-owning views over caller memory. Freestanding: no C++ standard headers.

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

// A read-only byte range. `data` may be null only when `size` is 0. The owner of the memory
// decides how long the view stays valid; every API that returns one says so.
struct ByteView
{
    const uint8_t *data;
    size_t size;
};

// A read-only UTF-8 text range, not NUL-terminated.
struct TextView
{
    const char *data;
    size_t size;
};

inline ByteView makeByteView(const uint8_t *data, size_t size)
{
    ByteView view = {data, size};
    return view;
}

inline TextView makeTextView(const char *data, size_t size)
{
    TextView view = {data, size};
    return view;
}

} // namespace Protocol
} // namespace Portal
