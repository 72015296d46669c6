#include "secure.h"

#include <openssl/crypto.h>

namespace Portal::Crypto {

bool constantTimeEquals(const void *a, const void *b, size_t length)
{
    if (length == 0) {
        return true;
    }
    return CRYPTO_memcmp(a, b, length) == 0;
}

bool constantTimeEquals(ByteView a, ByteView b)
{
    if (a.size() != b.size()) {
        return false;
    }
    return constantTimeEquals(a.data(), b.data(), a.size());
}

bool constantTimeEquals(std::string_view a, std::string_view b)
{
    return constantTimeEquals(ByteView::fromText(a), ByteView::fromText(b));
}

void secureWipe(void *data, size_t length)
{
    if (data != nullptr && length != 0) {
        OPENSSL_cleanse(data, length);
    }
}

void secureWipe(std::string &text)
{
    secureWipe(text.data(), text.size());
    text.clear();
}

void secureWipe(std::vector<uint8_t> &bytes)
{
    secureWipe(bytes.data(), bytes.size());
    bytes.clear();
}

std::string toHex(ByteView bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (uint8_t byte : bytes) {
        hex.push_back(digits[byte >> 4]);
        hex.push_back(digits[byte & 0x0f]);
    }
    return hex;
}

namespace {

int hexDigitValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

Result<std::vector<uint8_t>> fromHex(std::string_view hex)
{
    if (hex.size() % 2 != 0) {
        return makeError("hex.odd_length", "hex string has an odd number of digits");
    }
    std::vector<uint8_t> bytes;
    bytes.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        const int high = hexDigitValue(hex[i]);
        const int low = hexDigitValue(hex[i + 1]);
        if (high < 0 || low < 0) {
            return makeError("hex.bad_digit", "hex string contains a non-hex character");
        }
        bytes.push_back(static_cast<uint8_t>((high << 4) | low));
    }
    return bytes;
}

} // namespace Portal::Crypto
