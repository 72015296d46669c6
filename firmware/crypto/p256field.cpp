#include "p256field.h"

#include "bytes.h"
#include "sha256.h"

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

const Limbs fieldOne = {{1, 0, 0, 0, 0, 0, 0, 0}};

namespace {

const Limbs curveB = {{0x27d2604b, 0x3bce3c3e, 0xcc53b0f6, 0x651d06b0, 0x769886bc, 0xb3ebbd55,
                       0xaa3a93e7, 0x5ac635d8}};
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

#if defined(__AVR__)
// addsub256_avr.S. Limbs are little-endian in memory on the AVR, so their bytes are digits.
extern "C" uint8_t portal_avr_add256(uint8_t result[32], const uint8_t a[32], const uint8_t b[32]);
extern "C" uint8_t portal_avr_sub256(uint8_t result[32], const uint8_t a[32], const uint8_t b[32]);

uint8_t *digitBytes(Limbs &value)
{
    return reinterpret_cast<uint8_t *>(value.word);
}

const uint8_t *digitBytes(const Limbs &value)
{
    return reinterpret_cast<const uint8_t *>(value.word);
}

// Returns the borrow (0 or 1).
uint32_t subtract(Limbs &result, const Limbs &a, const Limbs &b)
{
    return portal_avr_sub256(digitBytes(result), digitBytes(a), digitBytes(b));
}

// Returns the carry (0 or 1).
uint32_t add(Limbs &result, const Limbs &a, const Limbs &b)
{
    return portal_avr_add256(digitBytes(result), digitBytes(a), digitBytes(b));
}
#else
// Carries and borrows move through 16-bit halves so that only 32-bit arithmetic is needed
// and no comparison can compile to a branch.

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
#endif

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

// value = (value + carryIn·2^256) / 2.
void halve(Limbs &value, uint32_t carryIn)
{
    for (uint8_t i = 0; i + 1 < LimbCount; ++i)
        value.word[i] = (value.word[i] >> 1) | (value.word[i + 1] << 31);
    value.word[LimbCount - 1] = (value.word[LimbCount - 1] >> 1) | (carryIn << 31);
}

// value = value / 2 mod m (m odd): value + m is even when value is odd.
void halveModular(Limbs &value, const Modulus &modulus)
{
    uint32_t carry = 0;
    if (value.word[0] & 1) // public: only for inverseVariableTime()
        carry = add(value, value, modulus.value);
    halve(value, carry);
}

uint32_t isOnePublic(const Limbs &value)
{
    if (value.word[0] != 1)
        return 0;
    for (uint8_t i = 1; i < LimbCount; ++i) {
        if (value.word[i] != 0)
            return 0;
    }
    return 1;
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

#if defined(__AVR__)
extern "C" void portal_avr_multiply256(uint8_t product[64], const uint8_t a[32],
                                       const uint8_t b[32]);
#endif

// Accumulates one 16-bit digit of the reduction: acc += terms, digit = acc mod 2^16,
// acc = floor(acc / 2^16). GCC's >> on a negative int32_t is arithmetic (documented).
inline void emitDigit(int32_t &acc, uint16_t &digit, int32_t terms)
{
    acc += terms;
    digit = uint16_t(acc);
    acc >>= 16;
}

// Carries acc through digits [from, to).
inline void rippleDigits(int32_t &acc, uint16_t digits[16], uint8_t from, uint8_t to)
{
    for (uint8_t i = from; i < to; ++i)
        emitDigit(acc, digits[i], digits[i]);
}

// digits + carry·2^256 ≡ digits + carry·(2^224 - 2^192 - 2^96 + 1) (mod p), for a small
// signed carry; returns the new carry. 2^96, 2^192 and 2^224 are digits 6, 12 and 14.
int32_t foldCarry(uint16_t digits[16], int32_t carry)
{
    int32_t acc = 0;
    emitDigit(acc, digits[0], int32_t(digits[0]) + carry);
    rippleDigits(acc, digits, 1, 6);
    emitDigit(acc, digits[6], int32_t(digits[6]) - carry);
    rippleDigits(acc, digits, 7, 12);
    emitDigit(acc, digits[12], int32_t(digits[12]) - carry);
    rippleDigits(acc, digits, 13, 14);
    emitDigit(acc, digits[14], int32_t(digits[14]) + carry);
    rippleDigits(acc, digits, 15, 16);
    return acc;
}

} // namespace

void multiplyWide(uint16_t product[32], const Limbs &a, const Limbs &b)
{
#if defined(__AVR__)
    // Limbs and the product are little-endian in memory on the AVR, so bytes are digits.
    portal_avr_multiply256(reinterpret_cast<uint8_t *>(product),
                           reinterpret_cast<const uint8_t *>(a.word),
                           reinterpret_cast<const uint8_t *>(b.word));
#else
    uint32_t words[2 * LimbCount] = {};
    for (uint8_t i = 0; i < LimbCount; ++i) {
        uint64_t carry = 0;
        for (uint8_t j = 0; j < LimbCount; ++j) {
            const uint64_t sum = words[i + j] + uint64_t(a.word[i]) * b.word[j] + carry;
            words[i + j] = uint32_t(sum);
            carry = sum >> 32;
        }
        words[i + LimbCount] = uint32_t(carry);
    }
    for (uint8_t i = 0; i < 2 * LimbCount; ++i) {
        product[2 * i] = uint16_t(words[i]);
        product[2 * i + 1] = uint16_t(words[i] >> 16);
    }
    wipeSecret(words, sizeof words);
#endif
}

void reduceFieldPrime(Limbs &result, const uint16_t product[32])
{
    // FIPS 186-4 D.2.3 on the 32-bit words c0..c15 of the product:
    //   s1 + 2 s2 + 2 s3 + s4 + s5 - s6 - s7 - s8 - s9, regrouped by result word, each word
    // summed as two 16-bit digits (the same terms over the low and then the high halves).
    // The sum lies in (-4·2^256, 7·2^256): the final carry is in [-4, 6] and two folds bring it
    // to 0 (the first leaves a carry in {-1, 0, 1}, the second none).
    uint16_t digits[16];
    int32_t acc = 0;
    // w(i, h): half h of word c_i.
    auto w = [product](uint8_t i, uint8_t h) { return int32_t(product[2 * i + h]); };
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[0 + h],
                  w(0, h) + w(8, h) + w(9, h) - w(11, h) - w(12, h) - w(13, h) - w(14, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[2 + h],
                  w(1, h) + w(9, h) + w(10, h) - w(12, h) - w(13, h) - w(14, h) - w(15, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[4 + h],
                  w(2, h) + w(10, h) + w(11, h) - w(13, h) - w(14, h) - w(15, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[6 + h],
                  w(3, h) + 2 * (w(11, h) + w(12, h)) + w(13, h) - w(15, h) - w(8, h) - w(9, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[8 + h],
                  w(4, h) + 2 * (w(12, h) + w(13, h)) + w(14, h) - w(9, h) - w(10, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[10 + h],
                  w(5, h) + 2 * (w(13, h) + w(14, h)) + w(15, h) - w(10, h) - w(11, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[12 + h],
                  w(6, h) + w(13, h) + 3 * w(14, h) + 2 * w(15, h) - w(8, h) - w(9, h));
    for (uint8_t h = 0; h < 2; ++h)
        emitDigit(acc, digits[14 + h],
                  w(7, h) + w(8, h) + 3 * w(15, h) - w(10, h) - w(11, h) - w(12, h) - w(13, h));
    acc = foldCarry(digits, acc);
    foldCarry(digits, acc);
    Limbs value;
    for (uint8_t i = 0; i < LimbCount; ++i)
        value.word[i] = uint32_t(digits[2 * i]) | (uint32_t(digits[2 * i + 1]) << 16);
    reduceOnce(result, value, fieldPrime);
}

// The product and the reduction's digits stay on the stack unwiped: every multiplication
// overwrites the same frame, and the callers wipe the points and scalars they are made of
// (wiping here would cost 6 % of a multiplication).
void fieldMultiply(Limbs &result, const Limbs &a, const Limbs &b)
{
    uint16_t product[4 * LimbCount];
    multiplyWide(product, a, b);
    reduceFieldPrime(result, product);
}

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

void inverseVariableTime(Limbs &result, const Limbs &value, const Modulus &modulus)
{
    // Invariants: x1·value ≡ u, x2·value ≡ v (mod m); gcd(u, v) = 1 throughout because m
    // is prime and 0 < value < m, so one of u, v reaches 1.
    if (isZero(value)) {
        result = Limbs{};
        return;
    }
    Limbs u = value;
    Limbs v = modulus.value;
    Limbs x1 = fieldOne;
    Limbs x2 = {};
    while (!isOnePublic(u) && !isOnePublic(v)) {
        while (!(u.word[0] & 1)) {
            halve(u, 0);
            halveModular(x1, modulus);
        }
        while (!(v.word[0] & 1)) {
            halve(v, 0);
            halveModular(x2, modulus);
        }
        if (!lessThan(u, v)) {
            subtract(u, u, v);
            modularSubtract(x1, x1, x2, modulus);
        } else {
            subtract(v, v, u);
            modularSubtract(x2, x2, x1, modulus);
        }
    }
    result = isOnePublic(u) ? x1 : x2;
}

void fieldInverseBlinded(Limbs &result, const Limbs &value, const Limbs &blind)
{
    Limbs blinded;
    fieldMultiply(blinded, value, blind);
    inverseVariableTime(blinded, blinded, fieldPrime);
    fieldMultiply(result, blinded, blind);
    wipeSecret(&blinded, sizeof blinded);
}

void scalarInverseBlinded(Limbs &resultMont, const Limbs &valueMont, const Limbs &blindMont)
{
    // With R = 2^256: (a·R)(β·R)/R = aβR; its plain inverse times βR / R is a^-1·R^-1, and a
    // Montgomery product with R^3 = (R^2)(R^2)/R turns that into a^-1·R.
    const Modulus &n = groupOrder;
    Limbs blinded, rCubed;
    montgomeryMultiply(blinded, valueMont, blindMont, n);
    inverseVariableTime(blinded, blinded, n);
    montgomeryMultiply(blinded, blinded, blindMont, n);
    montgomeryMultiply(rCubed, n.montgomeryRSquared, n.montgomeryRSquared, n);
    montgomeryMultiply(resultMont, blinded, rCubed, n);
    wipeSecret(&blinded, sizeof blinded);
}

void deriveBlind(Limbs &blind, const uint8_t secret[32], BlindPurpose purpose,
                 const Modulus &modulus)
{
    Sha256 hash;
    const uint8_t purposeByte = purpose;
    hash.update(&purposeByte, 1);
    hash.update(secret, 32);
    uint8_t digest[Sha256::DigestBytes];
    hash.finish(digest);
    Limbs value;
    loadBigEndian(value, digest);
    reduceOnce(blind, value, modulus); // digest < 2^256 < 2m
    blind.word[0] |= isZero(blind);
    wipeSecret(digest, sizeof digest);
    wipeSecret(&value, sizeof value);
}

void setIdentity(ProjectivePoint &point)
{
    memset(&point.x, 0, sizeof point.x);
    point.y = fieldOne;
    memset(&point.z, 0, sizeof point.z);
}

void setBasePoint(ProjectivePoint &point)
{
    point.x = baseX;
    point.y = baseY;
    point.z = fieldOne;
}

void pointAdd(ProjectivePoint &result, const ProjectivePoint &p, const ProjectivePoint &q)
{
    // Renes–Costello–Batina 2016, Algorithm 4 (complete addition, a = -3).
    const Modulus &m = fieldPrime;
    Limbs t0, t1, t2, t3, t4, x3, y3, z3;
    const Limbs &b = curveB;
    fieldMultiply(t0, p.x, q.x);
    fieldMultiply(t1, p.y, q.y);
    fieldMultiply(t2, p.z, q.z);
    modularAdd(t3, p.x, p.y, m);
    modularAdd(t4, q.x, q.y, m);
    fieldMultiply(t3, t3, t4);
    modularAdd(t4, t0, t1, m);
    modularSubtract(t3, t3, t4, m);
    modularAdd(t4, p.y, p.z, m);
    modularAdd(x3, q.y, q.z, m);
    fieldMultiply(t4, t4, x3);
    modularAdd(x3, t1, t2, m);
    modularSubtract(t4, t4, x3, m);
    modularAdd(x3, p.x, p.z, m);
    modularAdd(y3, q.x, q.z, m);
    fieldMultiply(x3, x3, y3);
    modularAdd(y3, t0, t2, m);
    modularSubtract(y3, x3, y3, m);
    fieldMultiply(z3, b, t2);
    modularSubtract(x3, y3, z3, m);
    modularAdd(z3, x3, x3, m);
    modularAdd(x3, x3, z3, m);
    modularSubtract(z3, t1, x3, m);
    modularAdd(x3, t1, x3, m);
    fieldMultiply(y3, b, y3);
    modularAdd(t1, t2, t2, m);
    modularAdd(t2, t1, t2, m);
    modularSubtract(y3, y3, t2, m);
    modularSubtract(y3, y3, t0, m);
    modularAdd(t1, y3, y3, m);
    modularAdd(y3, t1, y3, m);
    modularAdd(t1, t0, t0, m);
    modularAdd(t0, t1, t0, m);
    modularSubtract(t0, t0, t2, m);
    fieldMultiply(t1, t4, y3);
    fieldMultiply(t2, t0, y3);
    fieldMultiply(y3, x3, z3);
    modularAdd(y3, y3, t2, m);
    fieldMultiply(x3, x3, t3);
    modularSubtract(x3, x3, t1, m);
    fieldMultiply(z3, z3, t4);
    fieldMultiply(t1, t3, t0);
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
    const Limbs &b = curveB;
    fieldMultiply(t0, p.x, p.x);
    fieldMultiply(t1, p.y, p.y);
    fieldMultiply(t2, p.z, p.z);
    fieldMultiply(t3, p.x, p.y);
    modularAdd(t3, t3, t3, m);
    fieldMultiply(z3, p.x, p.z);
    modularAdd(z3, z3, z3, m);
    fieldMultiply(y3, b, t2);
    modularSubtract(y3, y3, z3, m);
    modularAdd(x3, y3, y3, m);
    modularAdd(y3, x3, y3, m);
    modularSubtract(x3, t1, y3, m);
    modularAdd(y3, t1, y3, m);
    fieldMultiply(y3, x3, y3);
    fieldMultiply(x3, x3, t3);
    modularAdd(t3, t2, t2, m);
    modularAdd(t2, t2, t3, m);
    fieldMultiply(z3, b, z3);
    modularSubtract(z3, z3, t2, m);
    modularSubtract(z3, z3, t0, m);
    modularAdd(t3, z3, z3, m);
    modularAdd(z3, z3, t3, m);
    modularAdd(t3, t0, t0, m);
    modularAdd(t0, t3, t0, m);
    modularSubtract(t0, t0, t2, m);
    fieldMultiply(t0, t0, z3);
    modularAdd(y3, y3, t0, m);
    fieldMultiply(t0, p.y, p.z);
    modularAdd(t0, t0, t0, m);
    fieldMultiply(z3, t0, z3);
    modularSubtract(x3, x3, z3, m);
    fieldMultiply(z3, t0, t1);
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
        entry.z.word[i] = fieldOne.word[i] & finite;
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

namespace {

bool toAffineWith(Limbs &x, Limbs &y, const ProjectivePoint &point, const Limbs *zBlind)
{
    if (isZero(point.z))
        return false;
    Limbs zInverse;
    if (zBlind)
        fieldInverseBlinded(zInverse, point.z, *zBlind);
    else
        inverseVariableTime(zInverse, point.z, fieldPrime);
    fieldMultiply(x, point.x, zInverse);
    fieldMultiply(y, point.y, zInverse);
    wipeSecret(&zInverse, sizeof zInverse);
    return true;
}

} // namespace

bool toAffine(Limbs &x, Limbs &y, const ProjectivePoint &point, const Limbs &zBlind)
{
    return toAffineWith(x, y, point, &zBlind);
}

bool toAffinePublic(Limbs &x, Limbs &y, const ProjectivePoint &point)
{
    return toAffineWith(x, y, point, nullptr);
}

bool loadPublicPoint(ProjectivePoint &point, const uint8_t publicKey[64])
{
    loadBigEndian(point.x, publicKey);
    loadBigEndian(point.y, publicKey + 32);
    if (!lessThan(point.x, fieldPrime.value) || !lessThan(point.y, fieldPrime.value))
        return false;
    point.z = fieldOne;

    // y^2 = x^3 - 3x + b
    Limbs left, right;
    fieldMultiply(left, point.y, point.y);
    fieldMultiply(right, point.x, point.x);
    fieldMultiply(right, right, point.x);
    for (uint8_t i = 0; i < 3; ++i)
        modularSubtract(right, right, point.x, fieldPrime);
    modularAdd(right, right, curveB, fieldPrime);
    return memcmp(&left, &right, sizeof left) == 0;
}

} // namespace Internal
} // namespace FirmwareCrypto
} // namespace Portal
