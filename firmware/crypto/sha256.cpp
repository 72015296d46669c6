#include "sha256.h"

#include "bytes.h"

#include <string.h>

namespace Portal {
namespace FirmwareCrypto {
namespace {

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first
// 64 primes.
const uint32_t roundConstants[64] PORTAL_FLASH_TABLE = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// Rotations by one bit. avr-gcc compiles a 32-bit shift by a constant that is not a multiple
// of 8 into a loop of one-bit shifts (~7 cycles a bit), so a plain rotate costs ~230 cycles
// and SHA-256 spends most of its time in them; on the AVR these are 5–6 instructions.
inline uint32_t rotateRightOne(uint32_t value)
{
#if defined(__AVR__)
    asm("bst %A0, 0\n\tlsr %D0\n\tror %C0\n\tror %B0\n\tror %A0\n\tbld %D0, 7" : "+r"(value));
    return value;
#else
    return (value >> 1) | (value << 31);
#endif
}

inline uint32_t rotateLeftOne(uint32_t value)
{
#if defined(__AVR__)
    asm("lsl %A0\n\trol %B0\n\trol %C0\n\trol %D0\n\tadc %A0, __zero_reg__" : "+r"(value));
    return value;
#else
    return (value << 1) | (value >> 31);
#endif
}

// Rotation by whole bytes (1..3): register moves on the AVR.
template<uint8_t Bytes>
inline uint32_t rotateRightBytes(uint32_t value)
{
    return (value >> (8 * Bytes)) | (value << (32 - 8 * Bytes));
}

template<>
inline uint32_t rotateRightBytes<0>(uint32_t value)
{
    return value;
}

// Right rotation by Bits (1..31) as the nearest whole-byte rotation and at most four
// one-bit steps; the host runs the same decomposition, so the host's test vectors check it.
template<uint8_t Bits>
inline uint32_t rotateRight(uint32_t value)
{
    constexpr uint8_t nearestBytes = uint8_t((Bits + 4) / 8);
    constexpr int8_t remainder = int8_t(Bits - 8 * nearestBytes); // -4..3
    value = rotateRightBytes<nearestBytes % 4>(value);
    for (int8_t step = 0; step < remainder; ++step)
        value = rotateRightOne(value);
    for (int8_t step = 0; step < -remainder; ++step)
        value = rotateLeftOne(value);
    return value;
}

} // namespace

void Sha256::init()
{
    // FIPS 180-4 §5.3.3.
    m_state[0] = 0x6a09e667;
    m_state[1] = 0xbb67ae85;
    m_state[2] = 0x3c6ef372;
    m_state[3] = 0xa54ff53a;
    m_state[4] = 0x510e527f;
    m_state[5] = 0x9b05688c;
    m_state[6] = 0x1f83d9ab;
    m_state[7] = 0x5be0cd19;
    m_totalBytes = 0;
    m_bufferedBytes = 0;
}

void Sha256::wipe()
{
    wipeSecret(m_state, sizeof m_state);
    wipeSecret(m_buffer, sizeof m_buffer);
    m_totalBytes = 0;
    m_bufferedBytes = 0;
}

void Sha256::compressBlock(const uint8_t block[64])
{
    // The 16-word circular schedule keeps RAM use at 64 bytes instead of 256.
    uint32_t schedule[16];
    for (uint8_t i = 0; i < 16; ++i)
        schedule[i] = loadBigEndian32(block + 4 * i);

    uint32_t a = m_state[0], b = m_state[1], c = m_state[2], d = m_state[3];
    uint32_t e = m_state[4], f = m_state[5], g = m_state[6], h = m_state[7];
    for (uint8_t round = 0; round < 64; ++round) {
        if (round >= 16) {
            const uint32_t w15 = schedule[(round - 15) & 15];
            const uint32_t w2 = schedule[(round - 2) & 15];
            const uint32_t sigma0 = rotateRight<7>(w15) ^ rotateRight<18>(w15) ^ (w15 >> 3);
            const uint32_t sigma1 = rotateRight<17>(w2) ^ rotateRight<19>(w2) ^ (w2 >> 10);
            schedule[round & 15] += sigma0 + schedule[(round - 7) & 15] + sigma1;
        }
        const uint32_t bigSigma1 = rotateRight<6>(e) ^ rotateRight<11>(e) ^ rotateRight<25>(e);
        const uint32_t choose = (e & f) ^ (~e & g);
        const uint32_t t1 = h + bigSigma1 + choose +
                            PORTAL_READ_FLASH_TABLE32(&roundConstants[round]) +
                            schedule[round & 15];
        const uint32_t bigSigma0 = rotateRight<2>(a) ^ rotateRight<13>(a) ^ rotateRight<22>(a);
        const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const uint32_t t2 = bigSigma0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    m_state[0] += a;
    m_state[1] += b;
    m_state[2] += c;
    m_state[3] += d;
    m_state[4] += e;
    m_state[5] += f;
    m_state[6] += g;
    m_state[7] += h;
    wipeSecret(schedule, sizeof schedule);
}

void Sha256::update(const uint8_t *data, size_t lengthBytes)
{
    if (lengthBytes == 0)
        return;
    m_totalBytes += lengthBytes;
    if (m_bufferedBytes > 0) {
        size_t take = size_t(BlockBytes - m_bufferedBytes);
        if (take > lengthBytes)
            take = lengthBytes;
        memcpy(m_buffer + m_bufferedBytes, data, take);
        m_bufferedBytes = uint8_t(m_bufferedBytes + take);
        data += take;
        lengthBytes -= take;
        if (m_bufferedBytes < BlockBytes)
            return;
        compressBlock(m_buffer);
        m_bufferedBytes = 0;
    }
    while (lengthBytes >= BlockBytes) {
        compressBlock(data);
        data += BlockBytes;
        lengthBytes -= BlockBytes;
    }
    if (lengthBytes > 0) {
        memcpy(m_buffer, data, lengthBytes);
        m_bufferedBytes = uint8_t(lengthBytes);
    }
}

void Sha256::finish(uint8_t digest[32])
{
    const uint64_t totalBits = m_totalBytes * 8;
    m_buffer[m_bufferedBytes++] = 0x80;
    if (m_bufferedBytes > BlockBytes - 8) {
        memset(m_buffer + m_bufferedBytes, 0, size_t(BlockBytes - m_bufferedBytes));
        compressBlock(m_buffer);
        m_bufferedBytes = 0;
    }
    memset(m_buffer + m_bufferedBytes, 0, size_t(BlockBytes - 8 - m_bufferedBytes));
    storeBigEndian32(m_buffer + 56, uint32_t(totalBits >> 32));
    storeBigEndian32(m_buffer + 60, uint32_t(totalBits));
    compressBlock(m_buffer);
    for (uint8_t i = 0; i < 8; ++i)
        storeBigEndian32(digest + 4 * i, m_state[i]);
    wipe();
}

void Sha256::hash(const uint8_t *data, size_t lengthBytes, uint8_t digest[32])
{
    Sha256 hasher;
    hasher.update(data, lengthBytes);
    hasher.finish(digest);
}

} // namespace FirmwareCrypto
} // namespace Portal
