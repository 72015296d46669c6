// sensor-node-signbench: what one ES256 reading costs the ATmega2560, measured by the chip's
// own Timer1 (cycleCount()). Prints a text table on USART0, then stops the CPU (SLEEP with
// interrupts off, which ends a simavr run).
#include "avrboard.h"

#include <firmware/app/devicekey.h>
#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/p256field.h>
#include <firmware/crypto/sha256.h>

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdio.h>
#include <string.h>

using namespace Portal;

extern "C" void __cxa_pure_virtual()
{
    for (;;) {
    }
}

namespace {

SensorNodeAvr::Usart0Link g_link;

void print(const char *text)
{
    g_link.write(reinterpret_cast<const uint8_t *>(text), strlen(text));
}

void printCycles(const char *what, uint32_t cycles)
{
    char line[64];
    snprintf(line, sizeof line, "%s %lu\n", what, static_cast<unsigned long>(cycles));
    print(line);
}

} // namespace

int main()
{
    SensorNodeAvr::startBoard();
    print("signbench atmega2560 16000000\n");

    uint8_t deviceEntropy[32];
    uint8_t hostEntropy[32];
    uint8_t deviceId[8];
    for (uint8_t i = 0; i < 32; ++i) {
        deviceEntropy[i] = uint8_t(i * 7 + 1);
        hostEntropy[i] = uint8_t(0xA5 ^ i);
    }
    memset(deviceId, 0x42, sizeof deviceId);
    uint8_t privateKey[32];
    uint8_t publicKey[64];
    uint32_t start = SensorNodeAvr::cycleCount();
    const bool keyOk =
        SensorNode::deriveDeviceKey(deviceEntropy, hostEntropy, deviceId, privateKey, publicKey);
    printCycles(keyOk ? "keygen_cycles" : "keygen_failed", SensorNodeAvr::cycleCount() - start);

    // The field operations one signature is made of (modulo p).
    FirmwareCrypto::Internal::Limbs x;
    FirmwareCrypto::Internal::Limbs y;
    memcpy(x.word, publicKey, sizeof x.word);
    memcpy(y.word, publicKey + 32, sizeof y.word);
    x.word[7] &= 0x7fffffff; // below p
    y.word[7] &= 0x7fffffff;
    start = SensorNodeAvr::cycleCount();
    for (uint8_t i = 0; i < 100; ++i)
        FirmwareCrypto::Internal::fieldMultiply(x, x, y);
    printCycles("field_multiply_cycles", (SensorNodeAvr::cycleCount() - start) / 100);
    start = SensorNodeAvr::cycleCount();
    FirmwareCrypto::Internal::fieldInverseBlinded(x, x, y);
    printCycles("field_inverse_cycles", SensorNodeAvr::cycleCount() - start);
    start = SensorNodeAvr::cycleCount();
    for (uint8_t i = 0; i < 100; ++i)
        FirmwareCrypto::Internal::modularAdd(x, x, y, FirmwareCrypto::Internal::fieldPrime);
    printCycles("field_add_cycles", (SensorNodeAvr::cycleCount() - start) / 100);

    uint8_t message[64];
    uint8_t digest[32];
    uint8_t signature[64];
    for (uint8_t round = 0; round < 3; ++round) {
        memset(message, round, sizeof message);
        start = SensorNodeAvr::cycleCount();
        FirmwareCrypto::Sha256::hash(message, sizeof message, digest);
        printCycles("sha256_64_cycles", SensorNodeAvr::cycleCount() - start);
        start = SensorNodeAvr::cycleCount();
        const bool signed_ = FirmwareCrypto::sign(privateKey, digest, signature);
        printCycles(signed_ ? "sign_cycles" : "sign_failed", SensorNodeAvr::cycleCount() - start);
    }
    // The rest of an attach on the device: verifying the portal's ATTACH_ACCEPT and ECDH.
    start = SensorNodeAvr::cycleCount();
    const bool verified = FirmwareCrypto::verify(publicKey, digest, signature);
    printCycles(verified ? "verify_cycles" : "verify_failed", SensorNodeAvr::cycleCount() - start);
    uint8_t shared[32];
    start = SensorNodeAvr::cycleCount();
    const bool agreed = FirmwareCrypto::sharedSecret(privateKey, publicKey, shared);
    printCycles(agreed ? "ecdh_cycles" : "ecdh_failed", SensorNodeAvr::cycleCount() - start);
    print("end\n");
    while (!g_link.isDrained()) {
    }
    cli();
    sleep_enable();
    sleep_cpu();
    return 0;
}
