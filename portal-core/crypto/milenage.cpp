#include "milenage.h"

#include <cryptopp/aes.h>
#include <openssl/crypto.h>

#include <cstddef>
#include <initializer_list>

// AES-128 runs through crypto++'s raw block cipher rather than OpenSSL's EVP: Milenage needs
// six single-block encryptions under one key per challenge, and the raw block API lets one
// expanded key schedule serve all of them without creating an EVP context per block.

namespace Portal::Crypto {

namespace {

using Block = std::array<uint8_t, 16>;

// TS 35.206 §4.1 constants: c1..c5 are 128-bit values whose last byte is 0, 1, 2, 4, 8;
// r1..r5 are rotations of 64, 0, 32, 64, 96 bits, a whole number of bytes each.
constexpr uint8_t kC1Last = 0x00, kC2Last = 0x01, kC3Last = 0x02, kC4Last = 0x04, kC5Last = 0x08;
constexpr size_t kR1Bytes = 8, kR2Bytes = 0, kR3Bytes = 4, kR4Bytes = 8, kR5Bytes = 12;

void wipe(void *data, size_t size)
{
    OPENSSL_cleanse(data, size);
}

Block xorBlocks(const Block &a, const Block &b)
{
    Block out;
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = a[i] ^ b[i];
    return out;
}

// rot(x, r) of TS 35.206: cyclic rotation of the 128-bit string towards the most significant
// bit, so output byte i is input byte (i + r/8) mod 16.
Block rotateLeftBytes(const Block &in, size_t shiftBytes)
{
    Block out;
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = in[(i + shiftBytes) % in.size()];
    return out;
}

} // namespace

struct Milenage::Impl
{
    // Round keys live in crypto++'s SecBlock with a cleaning allocator: destroying the
    // encryption object zeroes the key schedule.
    CryptoPP::AES::Encryption aes;
    Block opc;

    Impl(const Key &k, const Opc &opcIn) : aes(k.data(), k.size()), opc(opcIn) {}
    ~Impl() { wipe(opc.data(), opc.size()); }

    Block encrypt(const Block &in) const
    {
        Block out;
        aes.ProcessBlock(in.data(), out.data());
        return out;
    }

    // OUTi = E_K(rot(x xor OPc, ri) xor ci) xor OPc, the shape shared by f2..f5*.
    Block outputBlock(const Block &x, size_t rotateBytes, uint8_t constantLastByte) const
    {
        Block in = rotateLeftBytes(xorBlocks(x, opc), rotateBytes);
        in[15] ^= constantLastByte;
        Block out = xorBlocks(encrypt(in), opc);
        wipe(in.data(), in.size());
        return out;
    }

    // TEMP = E_K(RAND xor OPc)
    Block temp(const Rand &rand) const
    {
        Block in = xorBlocks(rand, opc);
        Block out = encrypt(in);
        wipe(in.data(), in.size());
        return out;
    }
};

MilenageKeys::~MilenageKeys()
{
    wipe(ck.data(), ck.size());
    wipe(ik.data(), ik.size());
}

Milenage::Milenage(const Key &k, const Opc &opc) : m_impl(std::make_unique<Impl>(k, opc)) {}

Milenage::~Milenage() = default;
Milenage::Milenage(Milenage &&) noexcept = default;
Milenage &Milenage::operator=(Milenage &&) noexcept = default;

Opc Milenage::computeOpc(const Key &k, const Op &op)
{
    CryptoPP::AES::Encryption aes(k.data(), k.size());
    Opc opc;
    aes.ProcessBlock(op.data(), opc.data());
    for (size_t i = 0; i < opc.size(); ++i)
        opc[i] ^= op[i];
    return opc;
}

MilenageMacs Milenage::f1(const Rand &rand, const Sqn &sqn, const Amf &amf) const
{
    Block temp = m_impl->temp(rand);

    // IN1 = SQN ‖ AMF ‖ SQN ‖ AMF
    Block in1;
    for (size_t half = 0; half < 2; ++half) {
        const size_t base = half * 8;
        for (size_t i = 0; i < sqn.size(); ++i)
            in1[base + i] = sqn[i];
        in1[base + 6] = amf[0];
        in1[base + 7] = amf[1];
    }

    // OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc
    Block in = xorBlocks(temp, rotateLeftBytes(xorBlocks(in1, m_impl->opc), kR1Bytes));
    in[15] ^= kC1Last;
    Block out1 = xorBlocks(m_impl->encrypt(in), m_impl->opc);

    MilenageMacs macs;
    for (size_t i = 0; i < 8; ++i) {
        macs.macA[i] = out1[i];
        macs.macS[i] = out1[8 + i];
    }
    wipe(temp.data(), temp.size());
    wipe(in.data(), in.size());
    return macs;
}

MilenageKeys Milenage::f2345(const Rand &rand) const
{
    Block temp = m_impl->temp(rand);
    Block out2 = m_impl->outputBlock(temp, kR2Bytes, kC2Last);
    Block out3 = m_impl->outputBlock(temp, kR3Bytes, kC3Last);
    Block out4 = m_impl->outputBlock(temp, kR4Bytes, kC4Last);
    Block out5 = m_impl->outputBlock(temp, kR5Bytes, kC5Last);

    MilenageKeys keys;
    for (size_t i = 0; i < 6; ++i) {
        keys.ak[i] = out2[i];     // f5 = OUT2[0..47]
        keys.akStar[i] = out5[i]; // f5* = OUT5[0..47]
    }
    for (size_t i = 0; i < 8; ++i)
        keys.res[i] = out2[8 + i]; // f2 = OUT2[64..127]
    keys.ck = out3;
    keys.ik = out4;

    for (Block *secret : {&temp, &out2, &out3, &out4, &out5})
        wipe(secret->data(), secret->size());
    return keys;
}

} // namespace Portal::Crypto
