#include "p256field.h"

#include "bytes.h"

#include <string.h>

#if defined(__AVR__)
#include <avr/pgmspace.h>
#define PORTAL_FLASH PROGMEM
#else
#define PORTAL_FLASH
#endif

namespace Portal {
namespace FirmwareCrypto {
namespace Internal {

// SP 800-186 §3.2.1.3 (P-256). Montgomery constants computed from p and n.
const Modulus fieldPrime = {{{0xffffffff, 0xffffffff, 0xffffffff, 0x00000000, 0x00000000,
                              0x00000000, 0x00000001, 0xffffffff}},
                            0x00000001,
                            {{0x00000001, 0x00000000, 0x00000000, 0xffffffff, 0xffffffff,
                              0xffffffff, 0xfffffffe, 0x00000000}},
                            {{0x00000003, 0x00000000, 0xffffffff, 0xfffffffb, 0xfffffffe,
                              0xffffffff, 0xfffffffd, 0x00000004}}};

const Modulus groupOrder = {{{0xfc632551, 0xf3b9cac2, 0xa7179e84, 0xbce6faad, 0xffffffff,
                              0xffffffff, 0x00000000, 0xffffffff}},
                            0xee00bc4f,
                            {{0x039cdaaf, 0x0c46353d, 0x58e8617b, 0x43190552, 0x00000000,
                              0x00000000, 0xffffffff, 0x00000000}},
                            {{0xbe79eea2, 0x83244c95, 0x49bd6fa6, 0x4699799c, 0x2b6bec59,
                              0x2845b239, 0xf3d95620, 0x66e12d94}}};

namespace {

// b = 5ac635d8 aa3a93e7 b3ebbd55 769886bc 651d06b0 cc53b0f6 3bce3c3e 27d2604b, stored as
// b·2^256 mod p because it is only ever a Montgomery operand.
const Limbs curveBMontgomery = {{0x29c4bddf, 0xd89cdf62, 0x78843090, 0xacf005cd, 0xf7212ed6,
                                 0xe5a220ab, 0x04874834, 0xdc30061d}};
const Limbs baseX = {{0xd898c296, 0xf4a13945, 0x2deb33a0, 0x77037d81, 0x63a440f2, 0xf8bce6e5,
                      0xe12c4247, 0x6b17d1f2}};
const Limbs baseY = {{0x37bf51f5, 0xcbb64068, 0x6b315ece, 0x2bce3357, 0x7c0f9e16, 0x8ee7eb4a,
                      0xfe1a7f9b, 0x4fe342e2}};

// result = mask ? a : b for mask in {0, 0xffffffff}.
void select(Limbs &result, uint32_t mask, const Limbs &a, const Limbs &b)
{
    for (uint8_t i = 0; i < LimbCount; ++i)
        result.word[i] = (a.word[i] & mask) | (b.word[i] & ~mask);
}

// Carries and borrows move through 16-bit halves so that only 32-bit arithmetic is needed:
// the AVR has no 64-bit operations (libgcc calls, slow) and comparisons may compile to
// branches there.

// Returns the borrow (0 or 1).
uint32_t subtract(Limbs &result, const Limbs &a, const Limbs &b)
{
    uint32_t borrow = 0;
    for (uint8_t i = 0; i < LimbCount; ++i) {
        // low, high in (-2^17, 2^16): bit 16 of the wrapped value is the borrow.
        const uint32_t low = (a.word[i] & 0xffff) - (b.word[i] & 0xffff) - borrow;
        const uint32_t high = (a.word[i] >> 16) - (b.word[i] >> 16) - ((low >> 16) & 1);
        result.word[i] = (low & 0xffff) | (high << 16);
        borrow = (high >> 16) & 1;
    }
    return borrow;
}

// Returns the carry (0 or 1).
uint32_t add(Limbs &result, const Limbs &a, const Limbs &b)
{
    uint32_t carry = 0;
    for (uint8_t i = 0; i < LimbCount; ++i) {
        const uint32_t low = (a.word[i] & 0xffff) + (b.word[i] & 0xffff) + carry;
        const uint32_t high = (a.word[i] >> 16) + (b.word[i] >> 16) + (low >> 16);
        result.word[i] = (low & 0xffff) | (high << 16);
        carry = high >> 16;
    }
    return carry;
}

// value + carryOut·2^256 < 2m  →  result < m.
void reduceWithCarry(Limbs &result, const Limbs &value, uint32_t carryOut, const Modulus &modulus)
{
    Limbs reduced;
    const uint32_t borrow = subtract(reduced, value, modulus.value);
    const uint32_t useReduced = carryOut | (borrow ^ 1);
    select(result, 0 - useReduced, reduced, value);
}

void swapConditional(ProjectivePoint &a, ProjectivePoint &b, uint32_t mask)
{
    Limbs *aCoordinates[3] = {&a.x, &a.y, &a.z};
    Limbs *bCoordinates[3] = {&b.x, &b.y, &b.z};
    for (uint8_t c = 0; c < 3; ++c) {
        for (uint8_t i = 0; i < LimbCount; ++i) {
            const uint32_t difference =
                (aCoordinates[c]->word[i] ^ bCoordinates[c]->word[i]) & mask;
            aCoordinates[c]->word[i] ^= difference;
            bCoordinates[c]->word[i] ^= difference;
        }
    }
}

uint32_t bitAt(const Limbs &value, uint16_t bit)
{
    return (value.word[bit >> 5] >> (bit & 31)) & 1;
}

} // namespace

void loadBigEndian(Limbs &result, const uint8_t bytes[32])
{
    for (uint8_t i = 0; i < LimbCount; ++i)
        result.word[i] = loadBigEndian32(bytes + 28 - 4 * i);
}

void storeBigEndian(uint8_t bytes[32], const Limbs &value)
{
    for (uint8_t i = 0; i < LimbCount; ++i)
        storeBigEndian32(bytes + 28 - 4 * i, value.word[i]);
}

uint32_t lessThan(const Limbs &a, const Limbs &b)
{
    Limbs difference;
    return subtract(difference, a, b);
}

uint32_t isZero(const Limbs &value)
{
    uint32_t accumulated = 0;
    for (uint8_t i = 0; i < LimbCount; ++i)
        accumulated |= value.word[i];
    // For x != 0, x or -x has its top bit set.
    return ((accumulated | (0 - accumulated)) >> 31) ^ 1;
}

void reduceOnce(Limbs &result, const Limbs &value, const Modulus &modulus)
{
    reduceWithCarry(result, value, 0, modulus);
}

void modularAdd(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
    Limbs sum;
    const uint32_t carry = add(sum, a, b);
    reduceWithCarry(result, sum, carry, modulus);
}

void modularSubtract(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
    Limbs difference;
    const uint32_t borrow = subtract(difference, a, b);
    Limbs correction;
    const uint32_t mask = 0 - borrow;
    for (uint8_t i = 0; i < LimbCount; ++i)
        correction.word[i] = modulus.value.word[i] & mask;
    add(result, difference, correction);
}

namespace {

// Limbs viewed as base-2^16 or base-2^32 digits, least significant first.
inline void toDigits(uint32_t digits[LimbCount], const Limbs &value)
{
    memcpy(digits, value.word, sizeof value.word);
}

inline void toDigits(uint16_t digits[2 * LimbCount], const Limbs &value)
{
    for (uint8_t i = 0; i < LimbCount; ++i) {
        digits[2 * i] = uint16_t(value.word[i]);
        digits[2 * i + 1] = uint16_t(value.word[i] >> 16);
    }
}

inline void fromDigits(Limbs &value, const uint32_t digits[LimbCount])
{
    memcpy(value.word, digits, sizeof value.word);
}

inline void fromDigits(Limbs &value, const uint16_t digits[2 * LimbCount])
{
    for (uint8_t i = 0; i < LimbCount; ++i)
        value.word[i] = uint32_t(digits[2 * i]) | (uint32_t(digits[2 * i + 1]) << 16);
}

// Coarsely integrated operand scanning (Montgomery multiplication) on Digit-sized words
// with Wide = double-width products. After each outer step t < 2m, held in t[0..count];
// no Wide accumulator overflows because (B-1) + (B-1)^2 + (B-1) = B^2 - 1 for base B.
// Both widths give identical results; the AVR uses 16-bit digits because it multiplies
// 16 x 16 -> 32 bits cheaply but has no 32 x 32 -> 64-bit multiply.
template<typename Digit, typename Wide>
void montgomeryMultiplyDigits(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
    const uint8_t count = uint8_t(sizeof(Limbs) / sizeof(Digit));
    const uint8_t digitBits = uint8_t(8 * sizeof(Digit));
    Digit aDigits[sizeof(Limbs) / sizeof(Digit)];
    Digit bDigits[sizeof(Limbs) / sizeof(Digit)];
    Digit mDigits[sizeof(Limbs) / sizeof(Digit)];
    Digit t[sizeof(Limbs) / sizeof(Digit) + 2];
    toDigits(aDigits, a);
    toDigits(bDigits, b);
    toDigits(mDigits, modulus.value);
    memset(t, 0, sizeof t);
    // -m^-1 mod 2^16 is the low half of -m^-1 mod 2^32.
    const Digit negativeInverse = Digit(modulus.negativeInverse);
    for (uint8_t i = 0; i < count; ++i) {
        Wide carry = 0;
        for (uint8_t j = 0; j < count; ++j) {
            const Wide sum = Wide(t[j]) + Wide(aDigits[j]) * bDigits[i] + carry;
            t[j] = Digit(sum);
            carry = sum >> digitBits;
        }
        Wide sum = Wide(t[count]) + carry;
        t[count] = Digit(sum);
        t[count + 1] = Digit(sum >> digitBits);

        const Digit factor = Digit(Wide(t[0]) * negativeInverse);
        sum = Wide(t[0]) + Wide(factor) * mDigits[0];
        carry = sum >> digitBits;
        for (uint8_t j = 1; j < count; ++j) {
            sum = Wide(t[j]) + Wide(factor) * mDigits[j] + carry;
            t[j - 1] = Digit(sum);
            carry = sum >> digitBits;
        }
        sum = Wide(t[count]) + carry;
        t[count - 1] = Digit(sum);
        t[count] = Digit(t[count + 1] + Digit(sum >> digitBits));
    }
    Limbs low;
    fromDigits(low, t);
    reduceWithCarry(result, low, uint32_t(t[count]), modulus);
    wipeSecret(aDigits, sizeof aDigits);
    wipeSecret(bDigits, sizeof bDigits);
    wipeSecret(t, sizeof t);
    wipeSecret(&low, sizeof low);
}

#if defined(__AVR__)
// montmul_avr.S: the operands interleaved (a with the m digits it computes, b with the
// modulus) so that two pointers walk both products of a column.
extern "C" uint8_t portal_avr_montmul(uint8_t result[32], uint8_t am[64], const uint8_t bn[64],
                                      uint8_t negativeInverse);

void montgomeryMultiplyAvr(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
    // Limbs are little-endian words, so on the little-endian AVR their bytes are the digits.
    const uint8_t *aBytes = reinterpret_cast<const uint8_t *>(a.word);
    const uint8_t *bBytes = reinterpret_cast<const uint8_t *>(b.word);
    const uint8_t *mBytes = reinterpret_cast<const uint8_t *>(modulus.value.word);
    uint8_t am[64];
    uint8_t bn[64];
    for (uint8_t j = 0; j < 32; ++j) {
        am[2 * j] = aBytes[j];
        am[2 * j + 1] = 0;
        bn[2 * j] = bBytes[j];
        bn[2 * j + 1] = mBytes[j];
    }
    Limbs low;
    const uint8_t carry = portal_avr_montmul(reinterpret_cast<uint8_t *>(low.word), am, bn,
                                             uint8_t(modulus.negativeInverse));
    reduceWithCarry(result, low, carry, modulus);
    wipeSecret(am, sizeof am);
    wipeSecret(bn, sizeof bn);
    wipeSecret(&low, sizeof low);
}
#endif

} // namespace

void montgomeryMultiply(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
#if defined(__AVR__)
    montgomeryMultiplyAvr(result, a, b, modulus);
#else
    montgomeryMultiplyDigits<uint32_t, uint64_t>(result, a, b, modulus);
#endif
}

void montgomeryMultiplyNarrow(Limbs &result, const Limbs &a, const Limbs &b, const Modulus &modulus)
{
    montgomeryMultiplyDigits<uint16_t, uint32_t>(result, a, b, modulus);
}

void toMontgomery(Limbs &result, const Limbs &plain, const Modulus &modulus)
{
    montgomeryMultiply(result, plain, modulus.montgomeryRSquared, modulus);
}

void fromMontgomery(Limbs &plain, const Limbs &value, const Modulus &modulus)
{
    const Limbs one = {{1, 0, 0, 0, 0, 0, 0, 0}};
    montgomeryMultiply(plain, value, one, modulus);
}

void modularInverse(Limbs &result, const Limbs &value, const Modulus &modulus)
{
    // The exponent m - 2 is a public constant, so branching on its bits leaks nothing
    // about value.
    Limbs exponent;
    const Limbs two = {{2, 0, 0, 0, 0, 0, 0, 0}};
    subtract(exponent, modulus.value, two);
    Limbs accumulator = modulus.montgomeryOne;
    for (int16_t bit = 255; bit >= 0; --bit) {
        montgomeryMultiply(accumulator, accumulator, accumulator, modulus);
        if (bitAt(exponent, uint16_t(bit)))
            montgomeryMultiply(accumulator, accumulator, value, modulus);
    }
    result = accumulator;
    wipeSecret(&accumulator, sizeof accumulator);
}

void setIdentity(ProjectivePoint &point)
{
    memset(&point.x, 0, sizeof point.x);
    point.y = fieldPrime.montgomeryOne;
    memset(&point.z, 0, sizeof point.z);
}

void setBasePoint(ProjectivePoint &point)
{
    toMontgomery(point.x, baseX, fieldPrime);
    toMontgomery(point.y, baseY, fieldPrime);
    point.z = fieldPrime.montgomeryOne;
}

void pointAdd(ProjectivePoint &result, const ProjectivePoint &p, const ProjectivePoint &q)
{
    // Renes–Costello–Batina 2016, Algorithm 4 (complete addition, a = -3).
    const Modulus &m = fieldPrime;
    Limbs t0, t1, t2, t3, t4, x3, y3, z3;
    const Limbs &b = curveBMontgomery;
    montgomeryMultiply(t0, p.x, q.x, m);
    montgomeryMultiply(t1, p.y, q.y, m);
    montgomeryMultiply(t2, p.z, q.z, m);
    modularAdd(t3, p.x, p.y, m);
    modularAdd(t4, q.x, q.y, m);
    montgomeryMultiply(t3, t3, t4, m);
    modularAdd(t4, t0, t1, m);
    modularSubtract(t3, t3, t4, m);
    modularAdd(t4, p.y, p.z, m);
    modularAdd(x3, q.y, q.z, m);
    montgomeryMultiply(t4, t4, x3, m);
    modularAdd(x3, t1, t2, m);
    modularSubtract(t4, t4, x3, m);
    modularAdd(x3, p.x, p.z, m);
    modularAdd(y3, q.x, q.z, m);
    montgomeryMultiply(x3, x3, y3, m);
    modularAdd(y3, t0, t2, m);
    modularSubtract(y3, x3, y3, m);
    montgomeryMultiply(z3, b, t2, m);
    modularSubtract(x3, y3, z3, m);
    modularAdd(z3, x3, x3, m);
    modularAdd(x3, x3, z3, m);
    modularSubtract(z3, t1, x3, m);
    modularAdd(x3, t1, x3, m);
    montgomeryMultiply(y3, b, y3, m);
    modularAdd(t1, t2, t2, m);
    modularAdd(t2, t1, t2, m);
    modularSubtract(y3, y3, t2, m);
    modularSubtract(y3, y3, t0, m);
    modularAdd(t1, y3, y3, m);
    modularAdd(y3, t1, y3, m);
    modularAdd(t1, t0, t0, m);
    modularAdd(t0, t1, t0, m);
    modularSubtract(t0, t0, t2, m);
    montgomeryMultiply(t1, t4, y3, m);
    montgomeryMultiply(t2, t0, y3, m);
    montgomeryMultiply(y3, x3, z3, m);
    modularAdd(y3, y3, t2, m);
    montgomeryMultiply(x3, x3, t3, m);
    modularSubtract(x3, x3, t1, m);
    montgomeryMultiply(z3, z3, t4, m);
    montgomeryMultiply(t1, t3, t0, m);
    modularAdd(z3, z3, t1, m);
    result.x = x3;
    result.y = y3;
    result.z = z3;
    wipeSecret(&t0, sizeof t0);
    wipeSecret(&t1, sizeof t1);
    wipeSecret(&t2, sizeof t2);
    wipeSecret(&t3, sizeof t3);
    wipeSecret(&t4, sizeof t4);
}

void pointDouble(ProjectivePoint &result, const ProjectivePoint &p)
{
    // Renes–Costello–Batina 2016, Algorithm 6 (exception-free doubling, a = -3).
    const Modulus &m = fieldPrime;
    Limbs t0, t1, t2, t3, x3, y3, z3;
    const Limbs &b = curveBMontgomery;
    montgomeryMultiply(t0, p.x, p.x, m);
    montgomeryMultiply(t1, p.y, p.y, m);
    montgomeryMultiply(t2, p.z, p.z, m);
    montgomeryMultiply(t3, p.x, p.y, m);
    modularAdd(t3, t3, t3, m);
    montgomeryMultiply(z3, p.x, p.z, m);
    modularAdd(z3, z3, z3, m);
    montgomeryMultiply(y3, b, t2, m);
    modularSubtract(y3, y3, z3, m);
    modularAdd(x3, y3, y3, m);
    modularAdd(y3, x3, y3, m);
    modularSubtract(x3, t1, y3, m);
    modularAdd(y3, t1, y3, m);
    montgomeryMultiply(y3, x3, y3, m);
    montgomeryMultiply(x3, x3, t3, m);
    modularAdd(t3, t2, t2, m);
    modularAdd(t2, t2, t3, m);
    montgomeryMultiply(z3, b, z3, m);
    modularSubtract(z3, z3, t2, m);
    modularSubtract(z3, z3, t0, m);
    modularAdd(t3, z3, z3, m);
    modularAdd(z3, z3, t3, m);
    modularAdd(t3, t0, t0, m);
    modularAdd(t0, t3, t0, m);
    modularSubtract(t0, t0, t2, m);
    montgomeryMultiply(t0, t0, z3, m);
    modularAdd(y3, y3, t0, m);
    montgomeryMultiply(t0, p.y, p.z, m);
    modularAdd(t0, t0, t0, m);
    montgomeryMultiply(z3, t0, z3, m);
    modularSubtract(x3, x3, z3, m);
    montgomeryMultiply(z3, t0, t1, m);
    modularAdd(z3, z3, z3, m);
    modularAdd(z3, z3, z3, m);
    result.x = x3;
    result.y = y3;
    result.z = z3;
    wipeSecret(&t0, sizeof t0);
    wipeSecret(&t1, sizeof t1);
    wipeSecret(&t2, sizeof t2);
    wipeSecret(&t3, sizeof t3);
}

void scalarMultiply(ProjectivePoint &result, const uint8_t scalar[32], const ProjectivePoint &point)
{
    // Invariant: high - low = point. Every bit costs one addition and one doubling, and
    // the swaps are masked, so time and memory access do not depend on the scalar.
    ProjectivePoint low;
    ProjectivePoint high = point;
    setIdentity(low);
    for (int16_t bit = 255; bit >= 0; --bit) {
        const uint32_t mask = 0 - uint32_t((scalar[31 - (bit >> 3)] >> (bit & 7)) & 1);
        swapConditional(low, high, mask);
        pointAdd(high, low, high);
        pointDouble(low, low);
        swapConditional(low, high, mask);
    }
    result = low;
    wipeSecret(&low, sizeof low);
    wipeSecret(&high, sizeof high);
}

namespace {

// p256combtable.inc: generated by tests/firmware/tst_p256field (combTableMatchesTheCurve
// prints it when run with PORTAL_PRINT_COMB_TABLE=1) and checked there entry by entry against
// the ladder. x ‖ y words of each entry.
const uint32_t combTable[CombEntries][2 * LimbCount] PORTAL_FLASH = {
#include "p256combtable.inc"
};

void readCombEntry(Limbs &x, Limbs &y, uint8_t index)
{
#if defined(__AVR__)
    memcpy_P(x.word, combTable[index], sizeof x.word);
    memcpy_P(y.word, combTable[index] + LimbCount, sizeof y.word);
#else
    memcpy(x.word, combTable[index], sizeof x.word);
    memcpy(y.word, combTable[index] + LimbCount, sizeof y.word);
#endif
}

// 0xffffffff when a == b, else 0, without a branch (a, b < 256).
uint32_t equalMask(uint8_t a, uint8_t b)
{
    const uint32_t difference = uint32_t(a ^ b);
    return 0 - (((difference - 1) >> 8) & 1);
}

uint8_t combTableByte(const uint8_t *address)
{
#if defined(__AVR__)
    return pgm_read_byte(address);
#else
    return *address;
#endif
}

// entry = table[index], reading every entry (index is secret). Byte-wise: the AVR's loads
// from flash are byte loads, and masking a byte is one instruction.
void selectCombEntry(ProjectivePoint &entry, uint8_t index)
{
    uint8_t selected[sizeof combTable[0]];
    memset(selected, 0, sizeof selected);
    for (uint16_t candidate = 0; candidate < CombEntries; ++candidate) {
        const uint8_t mask = uint8_t(equalMask(index, uint8_t(candidate)));
        const uint8_t *source = reinterpret_cast<const uint8_t *>(combTable[candidate]);
        for (uint8_t i = 0; i < sizeof selected; ++i)
            selected[i] = uint8_t(selected[i] | (combTableByte(source + i) & mask));
    }
    // The table's words are stored in the target's own byte order, as Limbs are.
    memcpy(entry.x.word, selected, sizeof entry.x.word);
    memcpy(entry.y.word, selected + sizeof entry.x.word, sizeof entry.y.word);
    wipeSecret(selected, sizeof selected);
    // z = 1 for a finite entry, 0 for the identity (entry 0: x = 0, y = 1).
    const uint32_t finite = ~equalMask(index, 0);
    for (uint8_t i = 0; i < LimbCount; ++i)
        entry.z.word[i] = fieldPrime.montgomeryOne.word[i] & finite;
}

} // namespace

void combEntry(Limbs &x, Limbs &y, uint8_t index)
{
    readCombEntry(x, y, uint8_t(index % CombEntries));
}

void baseMultiply(ProjectivePoint &result, const uint8_t scalar[32])
{
    Limbs k;
    loadBigEndian(k, scalar);
    ProjectivePoint accumulator;
    ProjectivePoint entry;
    setIdentity(accumulator);
    for (int8_t column = CombSpacing - 1; column >= 0; --column) {
        pointDouble(accumulator, accumulator);
        uint8_t index = 0;
        for (uint8_t tooth = 0; tooth < CombTeeth; ++tooth) {
            const uint16_t bit = uint16_t(tooth * CombSpacing + column);
            if (bit < 256) // public: the same bits are read for every scalar
                index = uint8_t(index | (bitAt(k, bit) << tooth));
        }
        selectCombEntry(entry, index);
        pointAdd(accumulator, accumulator, entry);
    }
    result = accumulator;
    wipeSecret(&k, sizeof k);
    wipeSecret(&accumulator, sizeof accumulator);
    wipeSecret(&entry, sizeof entry);
}

void doubleScalarMultiplyPublic(ProjectivePoint &result, const Limbs &u1Plain, const Limbs &u2Plain,
                                const ProjectivePoint &q)
{
    ProjectivePoint generator;
    setBasePoint(generator);
    ProjectivePoint sum;
    pointAdd(sum, generator, q);
    ProjectivePoint accumulator;
    setIdentity(accumulator);
    for (int16_t bit = 255; bit >= 0; --bit) {
        pointDouble(accumulator, accumulator);
        const uint32_t take1 = bitAt(u1Plain, uint16_t(bit));
        const uint32_t take2 = bitAt(u2Plain, uint16_t(bit));
        if (take1 && take2)
            pointAdd(accumulator, accumulator, sum);
        else if (take1)
            pointAdd(accumulator, accumulator, generator);
        else if (take2)
            pointAdd(accumulator, accumulator, q);
    }
    result = accumulator;
}

bool toAffine(Limbs &xPlain, Limbs &yPlain, const ProjectivePoint &point)
{
    if (isZero(point.z))
        return false;
    Limbs zInverse, coordinate;
    modularInverse(zInverse, point.z, fieldPrime);
    montgomeryMultiply(coordinate, point.x, zInverse, fieldPrime);
    fromMontgomery(xPlain, coordinate, fieldPrime);
    montgomeryMultiply(coordinate, point.y, zInverse, fieldPrime);
    fromMontgomery(yPlain, coordinate, fieldPrime);
    wipeSecret(&zInverse, sizeof zInverse);
    wipeSecret(&coordinate, sizeof coordinate);
    return true;
}

bool loadPublicPoint(ProjectivePoint &point, const uint8_t publicKey[64])
{
    Limbs xPlain, yPlain;
    loadBigEndian(xPlain, publicKey);
    loadBigEndian(yPlain, publicKey + 32);
    if (!lessThan(xPlain, fieldPrime.value) || !lessThan(yPlain, fieldPrime.value))
        return false;
    toMontgomery(point.x, xPlain, fieldPrime);
    toMontgomery(point.y, yPlain, fieldPrime);
    point.z = fieldPrime.montgomeryOne;

    // y^2 = x^3 - 3x + b
    Limbs left, right;
    montgomeryMultiply(left, point.y, point.y, fieldPrime);
    montgomeryMultiply(right, point.x, point.x, fieldPrime);
    montgomeryMultiply(right, right, point.x, fieldPrime);
    for (uint8_t i = 0; i < 3; ++i)
        modularSubtract(right, right, point.x, fieldPrime);
    const Limbs &b = curveBMontgomery;
    modularAdd(right, right, b, fieldPrime);
    return memcmp(&left, &right, sizeof left) == 0;
}

} // namespace Internal
} // namespace FirmwareCrypto
} // namespace Portal
