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

std::optional<std::vector<uint8_t>> fromBase64(std::string_view text)
{
    if (text.size() % 4 != 0 || text.size() > 4096)
        return std::nullopt;
    const auto valueOf = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
        if (padding == 1 && text[i + 2] == '=')
            return std::nullopt; // "x=y=" style: '=' only at the end
        uint32_t group = 0;
        for (size_t j = 0; j < 4; ++j) {
            const int value = j >= 4 - size_t(padding) ? 0 : valueOf(text[i + j]);
            if (value < 0)
                return std::nullopt;
            group = group << 6 | uint32_t(value);
        }
        bytes.push_back(uint8_t(group >> 16));
        if (padding < 2)
            bytes.push_back(uint8_t(group >> 8));
        if (padding < 1)
            bytes.push_back(uint8_t(group));
    }
    return bytes;
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
