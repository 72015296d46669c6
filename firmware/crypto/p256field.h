#pragma once

// Internal P-256 arithmetic shared by p256.cpp and ecdsa.cpp; not part of the public API.
//
// Numbers are 256-bit little-endian arrays of eight 32-bit limbs. Modular values are kept
// fully reduced (0 <= v < m), in Montgomery form (v·2^256 mod m) unless a name says "plain".
// Everything here runs in constant time for the given modulus except where noted "public".
// montgomeryMultiply() is the single multiply/reduce routine for both p and n, so a faster
// backend (AVR assembly) replaces exactly one function.

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
// result = a·b·2^-256 mod m; a, b < m. result may alias a or b.
void montgomeryMultiply(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus);
// The 16-bit-digit variant that montgomeryMultiply() uses on the AVR; host tests compare it
// with the 32-bit one.
void montgomeryMultiplyNarrow(Limbs &result, const Limbs &a, const Limbs &b,
                              const Modulus &modulus);
void toMontgomery(Limbs &result, const Limbs &plain, const Modulus &modulus);
void fromMontgomery(Limbs &plain, const Limbs &value, const Modulus &modulus);
// Fermat inversion value^(m-2) with the fixed public exponent; 0 maps to 0.
void modularInverse(Limbs &result, const Limbs &value, const Modulus &modulus);

// Projective point (X:Y:Z) over GF(p) in Montgomery form; the identity is (0:1:0).
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
// the AVR (65.5 M against 68.4 M cycles per signature): each lookup reads four times the
// entries, which costs most of what the fewer operations save.
constexpr uint8_t CombTeeth = 6;
constexpr uint8_t CombSpacing = 43; // CombTeeth × CombSpacing ≥ 256
constexpr uint16_t CombEntries = 1u << CombTeeth;
void baseMultiply(ProjectivePoint &result, const uint8_t scalar[32]);
// Entry `index` of the comb table: Σ over the set bits r of index of 2^(43·r)·G, affine in
// Montgomery form (entry 0, the identity, as x = 0, y = 1). For the table's own test.
void combEntry(Limbs &x, Limbs &y, uint8_t index);

// Public data only (variable time): u1·G + u2·Q.
void doubleScalarMultiplyPublic(ProjectivePoint &result, const Limbs &u1Plain, const Limbs &u2Plain,
                                const ProjectivePoint &q);
// Affine plain coordinates; returns false for the identity.
bool toAffine(Limbs &xPlain, Limbs &yPlain, const ProjectivePoint &point);
// Public data only: loads x‖y, checks coordinates < p and the curve equation; the point
// gets z = 1.
bool loadPublicPoint(ProjectivePoint &point, const uint8_t publicKey[64]);

} // namespace Internal
} // namespace FirmwareCrypto
} // namespace Portal
