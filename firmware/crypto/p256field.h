#pragma once

// Internal P-256 arithmetic shared by p256.cpp and ecdsa.cpp; not part of the public API.
//
// Numbers are 256-bit little-endian arrays of eight 32-bit limbs. Modular values are kept
// fully reduced (0 <= v < m). Field elements (mod p) are plain integers, multiplied by
// fieldMultiply(): a full product and the reduction special to p's form (FIPS 186 D.2 /
// Solinas), twice as fast on the AVR as a Montgomery multiplication. Scalars (mod n) use
// Montgomery form (v·2^256 mod m) where a name says "Mont". Everything here runs in
// constant time for the given modulus except where noted "public".

#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {
namespace Internal {

enum : uint8_t { LimbCount = 8, ScalarBytes = 32 };

struct Limbs
{
    uint32_t word[LimbCount];
};

struct Modulus
{
    Limbs value;
    uint32_t negativeInverse; // -value^-1 mod 2^32
    Limbs montgomeryOne;      // 2^256 mod value
    Limbs montgomeryRSquared; // 2^512 mod value
};

extern const Modulus fieldPrime; // p
extern const Modulus groupOrder; // n

void loadBigEndian(Limbs &result, const uint8_t bytes[32]);
void storeBigEndian(uint8_t bytes[32], const Limbs &value);

// 1 if a < b, else 0.
uint32_t lessThan(const Limbs &a, const Limbs &b);
// 1 if value == 0, else 0.
uint32_t isZero(const Limbs &value);
// result = value - m if value >= m, else value. Requires value < 2m.
void reduceOnce(Limbs &result, const Limbs &value, const Modulus &modulus);

void modularAdd(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus);
void modularSubtract(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus);
// result = a·b mod p; a, b < p. result may alias a or b.
void fieldMultiply(Limbs &result, const Limbs &a, const Limbs &b);
// The 512-bit product a·b as 32 little-endian 16-bit digits (AVR assembly on the AVR) and
// its reduction mod p; fieldMultiply() is the two, exposed for the host tests.
void multiplyWide(uint16_t product[32], const Limbs &a, const Limbs &b);
void reduceFieldPrime(Limbs &result, const uint16_t product[32]);
// result = a·b·2^-256 mod m; a, b < m, any odd m. result may alias a or b.
void montgomeryMultiply(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus);
// The 16-bit-digit variant that montgomeryMultiply() uses on the AVR; host tests compare it
// with the 32-bit one.
void montgomeryMultiplyNarrow(Limbs &result, const Limbs &a, const Limbs &b,
                              const Modulus &modulus);
void toMontgomery(Limbs &result, const Limbs &plain, const Modulus &modulus);
void fromMontgomery(Limbs &plain, const Limbs &value, const Modulus &modulus);
// Public (variable time): plain value^-1 mod m by the binary extended Euclidean algorithm,
// m odd and prime; 0 maps to 0. About 0.65 M cycles on the AVR against 6 M (mod p) and
// 11 M (mod n) for Fermat's value^(m-2), which is why secret values are blinded instead:
// x^-1 = (x·β)^-1·β, where the inversion sees only x·β, uniformly random and independent
// of x for a secret uniformly random β != 0.
void inverseVariableTime(Limbs &result, const Limbs &value, const Modulus &modulus);
// value^-1 mod p (plain) and mod n (Montgomery form in and out), blinded as above; blind
// must be secret, 0 < blind < m (plain for p, Montgomery form for n).
void fieldInverseBlinded(Limbs &result, const Limbs &value, const Limbs &blind);
void scalarInverseBlinded(Limbs &resultMont, const Limbs &valueMont, const Limbs &blindMont);
// A blinding factor 0 < β < m derived from a secret: SHA-256(purpose ‖ secret) mod m (1 in
// the 2^-256 case of 0). Derived rather than drawn so that signing stays deterministic.
enum BlindPurpose : uint8_t { BlindAffineZ = 1, BlindScalarInverse = 2 };
void deriveBlind(Limbs &blind, const uint8_t secret[32], BlindPurpose purpose,
                 const Modulus &modulus);

extern const Limbs fieldOne; // 1

// Projective point (X:Y:Z) over GF(p); the identity is (0:1:0).
struct ProjectivePoint
{
    Limbs x;
    Limbs y;
    Limbs z;
};

void setIdentity(ProjectivePoint &point);
void setBasePoint(ProjectivePoint &point);
// Complete formulas (Renes–Costello–Batina 2016, a = -3): valid for every input pair,
// including the identity and P = ±Q. result may alias an input.
void pointAdd(ProjectivePoint &result, const ProjectivePoint &p, const ProjectivePoint &q);
void pointDouble(ProjectivePoint &result, const ProjectivePoint &p);
// Constant-time Montgomery ladder over all 256 bits of the big-endian scalar.
void scalarMultiply(ProjectivePoint &result, const uint8_t scalar[32],
                    const ProjectivePoint &point);
// scalar·G by a fixed-base comb (Lim–Lee, CombTeeth teeth spaced CombSpacing bits): 43
// doublings and 43 additions instead of the ladder's 256 of each, with every table entry
// read for each lookup, so time and memory access do not depend on the scalar. The table
// takes 4 KiB of flash. 8 teeth (16 KiB, 32 + 32 operations) measured only 4 % faster on
// the AVR when field multiplications were twice as slow as now (65.5 M against 68.4 M
// cycles per signature): each lookup reads four times the entries, which costs most of
// what the fewer operations save.
constexpr uint8_t CombTeeth = 6;
constexpr uint8_t CombSpacing = 43; // CombTeeth × CombSpacing ≥ 256
constexpr uint16_t CombEntries = 1u << CombTeeth;
void baseMultiply(ProjectivePoint &result, const uint8_t scalar[32]);
// Entry `index` of the comb table: Σ over the set bits r of index of 2^(43·r)·G, affine
// (entry 0, the identity, as x = 0, y = 1). For the table's own test.
void combEntry(Limbs &x, Limbs &y, uint8_t index);

// Public data only (variable time): u1·G + u2·Q.
void doubleScalarMultiplyPublic(ProjectivePoint &result, const Limbs &u1Plain, const Limbs &u2Plain,
                                const ProjectivePoint &q);
// Affine coordinates; returns false for the identity. toAffine() inverts z blinded by
// zBlind (0 < zBlind < p, secret) because z reveals bits of a secret scalar;
// toAffinePublic() is for public points only.
bool toAffine(Limbs &x, Limbs &y, const ProjectivePoint &point, const Limbs &zBlind);
bool toAffinePublic(Limbs &x, Limbs &y, const ProjectivePoint &point);
// Public data only: loads x‖y, checks coordinates < p and the curve equation; the point
// gets z = 1.
bool loadPublicPoint(ProjectivePoint &point, const uint8_t publicKey[64]);

} // namespace Internal
} // namespace FirmwareCrypto
} // namespace Portal
