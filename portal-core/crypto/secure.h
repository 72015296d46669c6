#pragma once
// Small helpers every secret-handling path shares: a non-owning byte view, constant-time
// comparison, wiping, a self-wiping byte buffer, and strict hex conversion.
//
// Contract: comparisons take time that depends only on the lengths (lengths are treated as
// public), never on the content. fromHex accepts only an even number of [0-9a-fA-F] and
// fails with `hex.odd_length` / `hex.bad_digit`; its input is bounded by the caller's view.

#include <portal-core/base/result.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Portal::Crypto {

// A read-only view of bytes (binary secrets, messages, signatures). Does not own; the viewed
// storage must outlive it. Built from the common byte containers and from text.
class ByteView
{
public:
    constexpr ByteView() = default;
    constexpr ByteView(const uint8_t *data, size_t size) : m_data(data), m_size(size) {}
    ByteView(const std::vector<uint8_t> &bytes) : m_data(bytes.data()), m_size(bytes.size()) {}
    template<size_t N>
    constexpr ByteView(const std::array<uint8_t, N> &bytes) : m_data(bytes.data()), m_size(N)
    {
    }
    // Text as its bytes (no terminator).
    static ByteView fromText(std::string_view text)
    {
        return ByteView(reinterpret_cast<const uint8_t *>(text.data()), text.size());
    }

    constexpr const uint8_t *data() const { return m_data; }
    constexpr size_t size() const { return m_size; }
    constexpr bool empty() const { return m_size == 0; }
    constexpr const uint8_t *begin() const { return m_data; }
    constexpr const uint8_t *end() const { return m_data + m_size; }

private:
    const uint8_t *m_data = nullptr;
    size_t m_size = 0;
};

// True when the first `length` bytes of a and b are equal; time independent of the content.
bool constantTimeEquals(const void *a, const void *b, size_t length);
// Different lengths give false; otherwise the content comparison above. The lengths are not
// secret (a MAC or a hex digest has a known size), so only the content is protected.
bool constantTimeEquals(ByteView a, ByteView b);
bool constantTimeEquals(std::string_view a, std::string_view b);

// Overwrites memory in a way the compiler may not elide (OPENSSL_cleanse).
void secureWipe(void *data, size_t length);
// Wipes the content (size(), not spare capacity), then clears the container.
void secureWipe(std::string &text);
void secureWipe(std::vector<uint8_t> &bytes);

// Owns secret bytes (a key, a RES, Ks) and wipes them when destroyed or assigned over.
// Move-only; a moved-from SecretBytes is empty. Has no growth API on purpose: a reallocation
// would leave an unwiped copy behind.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(size_t size) : m_bytes(size, 0) {}
    explicit SecretBytes(ByteView bytes) : m_bytes(bytes.begin(), bytes.end()) {}
    // Takes over the buffer without copying it.
    explicit SecretBytes(std::vector<uint8_t> &&bytes) : m_bytes(std::move(bytes)) {}
    ~SecretBytes() { secureWipe(m_bytes); }

    SecretBytes(SecretBytes &&other) noexcept : m_bytes(std::move(other.m_bytes))
    {
        other.m_bytes.clear();
    }
    SecretBytes &operator=(SecretBytes &&other) noexcept
    {
        if (this != &other) {
            secureWipe(m_bytes);
            m_bytes = std::move(other.m_bytes);
            other.m_bytes.clear();
        }
        return *this;
    }
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;

    uint8_t *data() { return m_bytes.data(); }
    const uint8_t *data() const { return m_bytes.data(); }
    size_t size() const { return m_bytes.size(); }
    bool empty() const { return m_bytes.empty(); }
    ByteView view() const { return ByteView(m_bytes); }
    operator ByteView() const { return view(); }

private:
    std::vector<uint8_t> m_bytes;
};

// Lowercase hex, two characters per byte.
std::string toHex(ByteView bytes);
// Strict: even length, hex digits of either case only, no whitespace or prefix.
Result<std::vector<uint8_t>> fromHex(std::string_view hex);

} // namespace Portal::Crypto
