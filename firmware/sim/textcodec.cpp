#include "textcodec.h"

namespace Portal::SensorNodeSim {

namespace {
int hexDigitValue(char digit)
{
    if (digit >= '0' && digit <= '9')
        return digit - '0';
    if (digit >= 'a' && digit <= 'f')
        return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F')
        return digit - 'A' + 10;
    return -1;
}
} // namespace

std::string toHex(const uint8_t *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        text.push_back(digits[data[i] >> 4]);
        text.push_back(digits[data[i] & 0x0f]);
    }
    return text;
}

std::optional<std::vector<uint8_t>> fromHex(std::string_view text, size_t size)
{
    if (text.size() != size * 2)
        return std::nullopt;
    std::vector<uint8_t> bytes(size);
    for (size_t i = 0; i < size; ++i) {
        const int high = hexDigitValue(text[2 * i]);
        const int low = hexDigitValue(text[2 * i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes[i] = uint8_t(high << 4 | low);
    }
    return bytes;
}

std::string toBase64(const uint8_t *data, size_t size)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    text.reserve((size + 2) / 3 * 4);
    for (size_t i = 0; i < size; i += 3) {
        const size_t left = size - i;
        const uint32_t group = uint32_t(data[i]) << 16 |
                               (left > 1 ? uint32_t(data[i + 1]) << 8 : 0) |
                               (left > 2 ? uint32_t(data[i + 2]) : 0);
        text.push_back(alphabet[group >> 18 & 0x3f]);
        text.push_back(alphabet[group >> 12 & 0x3f]);
        text.push_back(left > 1 ? alphabet[group >> 6 & 0x3f] : '=');
        text.push_back(left > 2 ? alphabet[group & 0x3f] : '=');
    }
    return text;
}

std::string escapeValue(std::string_view value)
{
    std::string text;
    text.reserve(value.size());
    for (const char c : value) {
        if (c == '\\')
            text += "\\\\";
        else if (c == '\n')
            text += "\\n";
        else if (c == '\r')
            text += "\\r";
        else
            text.push_back(c);
    }
    return text;
}

std::optional<std::string> unescapeValue(std::string_view text)
{
    std::string value;
    value.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            value.push_back(text[i]);
            continue;
        }
        if (++i == text.size())
            return std::nullopt;
        if (text[i] == '\\')
            value.push_back('\\');
        else if (text[i] == 'n')
            value.push_back('\n');
        else if (text[i] == 'r')
            value.push_back('\r');
        else
            return std::nullopt;
    }
    return value;
}

} // namespace Portal::SensorNodeSim
