#pragma once
// Milenage (3GPP TS 35.206): the example algorithm set f1, f1*, f2, f3, f4, f5, f5* built on
// AES-128, checked against the 20 conformance sets of TS 35.208.
// All sizes are in the types; nothing here can fail at run time, so there is no Result.

#include <array>
#include <cstdint>
#include <memory>

namespace Portal::Crypto {

using Key = std::array<uint8_t, 16>;  // K, the subscriber key (secret)
using Op = std::array<uint8_t, 16>;   // OP, the operator variant configuration field
using Opc = std::array<uint8_t, 16>;  // OPc = E_K(OP) xor OP (secret)
using Rand = std::array<uint8_t, 16>; // RAND, the network's challenge
using Sqn = std::array<uint8_t, 6>;   // SQN, 48-bit big-endian sequence number
using Amf = std::array<uint8_t, 2>;   // AMF, authentication management field
using MacA = std::array<uint8_t, 8>;  // f1: network authentication code
using MacS = std::array<uint8_t, 8>;  // f1*: resynchronisation authentication code
using Res = std::array<uint8_t, 8>;   // f2: RES / XRES (64-bit Milenage response)
using Ck = std::array<uint8_t, 16>;   // f3: cipher key (secret)
using Ik = std::array<uint8_t, 16>;   // f4: integrity key (secret)
using Ak = std::array<uint8_t, 6>;    // f5 / f5*: anonymity key

// f1 and f1* come out of one AES block (OUT1), so they are computed together.
struct MilenageMacs
{
    MacA macA; // f1
    MacS macS; // f1*
};

// f2..f5* depend on RAND only. CK and IK are wiped when this is destroyed.
struct MilenageKeys
{
    Res res;   // f2
    Ck ck;     // f3
    Ik ik;     // f4
    Ak ak;     // f5
    Ak akStar; // f5*

    ~MilenageKeys();
};

// One subscriber's Milenage instance. The AES key schedule for K is expanded once and reused by
// every function; it and OPc are wiped when the object is destroyed. Not copyable (one copy of
// the secrets); movable. Thread-safe for concurrent const calls.
class Milenage
{
public:
    Milenage(const Key &k, const Opc &opc);
    ~Milenage();
    Milenage(Milenage &&) noexcept;
    Milenage &operator=(Milenage &&) noexcept;
    Milenage(const Milenage &) = delete;
    Milenage &operator=(const Milenage &) = delete;

    // OPc = E_K(OP) xor OP (TS 35.206 §4.1). Operators usually store OPc, not OP, per SIM.
    static Opc computeOpc(const Key &k, const Op &op);

    // f1 (MAC-A) and f1* (MAC-S) over SQN ‖ AMF. For resynchronisation (AUTS) TS 33.102 §6.3.3
    // uses f1* with AMF = 0000.
    MilenageMacs f1(const Rand &rand, const Sqn &sqn, const Amf &amf) const;

    // f2 (RES), f3 (CK), f4 (IK), f5 (AK) and f5* (AK for resynchronisation).
    MilenageKeys f2345(const Rand &rand) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace Portal::Crypto
