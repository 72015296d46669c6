#include "hmacdrbg.h"

#include "bytes.h"
#include "hmacsha256.h"

#include <string.h>

namespace Portal {
namespace FirmwareCrypto {

void HmacDrbg::updateState(Part first, Part second, Part third)
{
    const bool hasProvidedData = first.lengthBytes + second.lengthBytes + third.lengthBytes > 0;
    for (uint8_t separator = 0; separator < 2; ++separator) {
        if (separator == 1 && !hasProvidedData)
            return;
        HmacSha256 hmac(m_key, sizeof m_key);
        hmac.update(m_value, sizeof m_value);
        hmac.update(&separator, 1);
        hmac.update(first.data, first.lengthBytes);
        hmac.update(second.data, second.lengthBytes);
        hmac.update(third.data, third.lengthBytes);
        hmac.finish(m_key);
        HmacSha256::mac(m_key, sizeof m_key, m_value, sizeof m_value, m_value);
    }
}

DrbgStatus HmacDrbg::instantiate(const uint8_t *entropy, size_t entropyBytes, const uint8_t *nonce,
                                 size_t nonceBytes, const uint8_t *personalization,
                                 size_t personalizationBytes)
{
    if (entropyBytes < MinEntropyBytes)
        return DrbgStatus::EntropyTooShort;
    memset(m_key, 0x00, sizeof m_key);
    memset(m_value, 0x01, sizeof m_value);
    updateState(Part{entropy, entropyBytes}, Part{nonce, nonceBytes},
                Part{personalization, personalizationBytes});
    m_reseedCounter = 1;
    m_instantiated = true;
    return DrbgStatus::Ok;
}

DrbgStatus HmacDrbg::reseed(const uint8_t *entropy, size_t entropyBytes,
                            const uint8_t *additionalInput, size_t additionalInputBytes)
{
    if (!m_instantiated)
        return DrbgStatus::NotInstantiated;
    if (entropyBytes < MinEntropyBytes)
        return DrbgStatus::EntropyTooShort;
    updateState(Part{entropy, entropyBytes}, Part{additionalInput, additionalInputBytes},
                Part{nullptr, 0});
    m_reseedCounter = 1;
    return DrbgStatus::Ok;
}

DrbgStatus HmacDrbg::generate(uint8_t *output, size_t outputBytes, const uint8_t *additionalInput,
                              size_t additionalInputBytes)
{
    if (!m_instantiated)
        return DrbgStatus::NotInstantiated;
    if (outputBytes > MaxRequestBytes)
        return DrbgStatus::RequestTooLarge;
    if (m_reseedCounter > ReseedInterval)
        return DrbgStatus::ReseedRequired;
    const Part additional{additionalInput, additionalInputBytes};
    const Part none{nullptr, 0};
    if (additionalInputBytes > 0)
        updateState(additional, none, none);
    while (outputBytes > 0) {
        HmacSha256::mac(m_key, sizeof m_key, m_value, sizeof m_value, m_value);
        const size_t take = outputBytes < sizeof m_value ? outputBytes : sizeof m_value;
        memcpy(output, m_value, take);
        output += take;
        outputBytes -= take;
    }
    updateState(additional, none, none);
    ++m_reseedCounter;
    return DrbgStatus::Ok;
}

void HmacDrbg::wipe()
{
    wipeSecret(m_key, sizeof m_key);
    wipeSecret(m_value, sizeof m_value);
    m_reseedCounter = 0;
    m_instantiated = false;
}

} // namespace FirmwareCrypto
} // namespace Portal
