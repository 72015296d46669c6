#pragma once
// Board support for the Arduino Mega 2560 (ATmega2560, 16 MHz): the board.h interfaces on the
// chip's own peripherals. One instance of each class at most: they own interrupt vectors.
//
//   USART0   115200 8N1 (U2X, 2.1 % rate error), interrupt-driven 256-byte rings each way
//   Timer1   CTC at 1 kHz: the millisecond clock, and with TCNT1 a cycle counter
//   ADC0     temperature from a TMP36 (10 mV/°C, 500 mV at 0 °C) against AVcc = 5 V
//   PB7      the on-board LED (Arduino pin 13), actuator 0
//   EEPROM   the device record in two slots (see AvrEepromStore)
//
// Emulators: simavr models all of these. qemu-system-avr 7.2 has no ADC and no EEPROM; the
// thermometer then reports a simulated value (AdcThermometer::isSimulated()) and the store
// fails its integrity check, so the device stays a factory device there.

#include <firmware/app/board.h>

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace SensorNodeAvr {

constexpr uint32_t kCpuHz = 16000000UL;
constexpr uint32_t kCyclesPerMs = kCpuHz / 1000;

// Starts USART0 and Timer1 and enables interrupts.
void startBoard();
// Whether SLEEP may be used: qemu-system-avr 7.2 never wakes from it (its tick interrupt does
// run, but the halted CPU stays halted). qemu has no ADC either, and a real ATmega2560 and
// simavr have one, so a completed ADC conversion tells them apart.
bool sleepWakesUp();

// The watchdog (8 s, its longest period) is fed by the 1 ms tick as long as the main loop
// called checkIn() within the last kMaxBusyMs. One signature takes ≈ 4.3 s at 16 MHz
// (scripts/bench sign), a key generation with its EEPROM writes a little more; the margin
// keeps a slower build of the crypto from resetting the device. A loop stuck longer is reset.
constexpr uint32_t kMaxBusyMs = 20000;
void startWatchdog();
void checkIn();

class Usart0Link final : public SensorNode::ByteLink
{
public:
    size_t read(uint8_t *buffer, size_t capacity) override;
    // Waits for room in the transmit ring for at most kWriteTimeoutMs; false (and the rest of
    // the bytes dropped) when the ring did not drain, which only a stuck line causes.
    bool write(const uint8_t *data, size_t size) override;
    // Bytes lost because the receive ring was full (the app's reader then drops the frame).
    uint16_t receiveOverruns() const;
    bool hasInput() const;
    // Every queued byte has left the shift register.
    bool isDrained() const;

private:
    static constexpr uint32_t kWriteTimeoutMs = 200;
};

class Timer1Clock final : public SensorNode::Clock
{
public:
    uint32_t nowMs() override;
};

// CPU cycles since startBoard(), wrapping every 2^32 cycles (268 s at 16 MHz): differences of
// two readings less than that apart are exact to one cycle.
uint32_t cycleCount();

// Entropy: the jitter of byte arrival on USART0 against the CPU clock (sampled in the receive
// interrupt), the low bits of Timer1 when asked, and the noise of ADC readings of a floating
// input, hashed with SHA-256 together with a call counter. On a real board ADC noise and
// arrival jitter are genuine; in an emulator they are only as unpredictable as the host's
// timing, which is why key generation also mixes in the provisioning host's entropy
// (firmware/app/devicekey.h).
class JitterEntropy final : public SensorNode::EntropySource
{
public:
    bool fill(uint8_t *output, size_t size) override;
};

class AdcThermometer final : public SensorNode::Sensors
{
public:
    uint8_t sensorCount() override { return 1; }
    bool sample(uint8_t index, SensorNode::SensorSample &sample) override;
    // True when the last sample had no ADC to read (qemu) and reported 21.50 °C plus a slow
    // triangle wave instead.
    bool isSimulated() const { return m_simulated; }

private:
    bool m_simulated = false;
    uint16_t m_simulatedSamples = 0;
};

class LedActuator final : public SensorNode::Actuators
{
public:
    uint8_t actuatorCount() override { return 1; }
    Protocol::CommandStatus apply(uint8_t index, int32_t value, int32_t &valueNow) override;
};

// The record in EEPROM, twice: slot A at 0x000 and slot B at 0x400, each a header (magic "PN",
// layout version, sequence number, length) + the record + CRC-16 over both. save() writes the
// slot not holding the newest valid copy and only the bytes that changed (eeprom_update_*), so
// a reset in the middle of a write leaves the older copy intact, and a counter reservation
// rewrites only a few cells. load() takes the valid slot with the higher sequence number.
class AvrEepromStore final : public SensorNode::DeviceStore
{
public:
    bool load(SensorNode::DeviceRecord &record) override;
    bool save(const SensorNode::DeviceRecord &record) override;

private:
    uint32_t m_sequence = 0;
    uint8_t m_newestSlot = 0xFF; // 0, 1, or none yet
};

// The factory identity, in the last 8 EEPROM bytes (0xFF8..0xFFF), written by the factory
// programmer (the simavr harness's --device-id). A blank area (all 0xFF or all 0x00) gets an id
// from `entropy`, written back so that it stays.
bool factoryDeviceId(SensorNode::EntropySource &entropy, uint8_t deviceId[8]);

} // namespace SensorNodeAvr
} // namespace Portal
