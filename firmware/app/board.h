#pragma once
// What a board gives the sensor-node application (DESIGN §4.1): a byte link, a millisecond
// clock, persistent storage, an entropy source, sensors and actuators. The AVR image and the
// host simulator implement these; tests use in-memory fakes.
//
// Plain abstract classes without virtual destructors: nothing is ever deleted through them (no
// heap on the device). Their destructors are protected, so implementations should be `final`.
// An AVR image must define __cxa_pure_virtual (the Arduino core does).

#include <firmware/app/devicerecord.h>
#include <portal-core/protocol/messages.h>

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace SensorNode {

// The UART (or the simulator's TCP connection). Neither call blocks for long.
class ByteLink
{
public:
    // Copies up to `capacity` bytes that have arrived into `buffer`; returns how many (0: none).
    virtual size_t read(uint8_t *buffer, size_t capacity) = 0;
    // Sends `size` bytes; false when the link dropped them (the application resends readings).
    virtual bool write(const uint8_t *data, size_t size) = 0;

protected:
    ~ByteLink() = default;
};

// Milliseconds since some start; wraps after 2^32 ms (≈ 49.7 days), which the app tolerates.
class Clock
{
public:
    virtual uint32_t nowMs() = 0;

protected:
    ~Clock() = default;
};

// Holds one DeviceRecord (EEPROM on the AVR, a 0600 file on the host).
class DeviceStore
{
public:
    // False when no valid record is stored (first start, or it failed its integrity check).
    virtual bool load(DeviceRecord &record) = 0;
    // True only once the record is durable: after a reset, load() returns it.
    virtual bool save(const DeviceRecord &record) = 0;

protected:
    ~DeviceStore() = default;
};

// Unpredictable bytes from the board (ADC noise, jitter, /dev/urandom).
class EntropySource
{
public:
    // False when the source cannot deliver; the caller then refuses the operation.
    virtual bool fill(uint8_t *output, size_t size) = 0;

protected:
    ~EntropySource() = default;
};

// One measurement: reading = value × 10^scaleExponent unit.
struct SensorSample
{
    int32_t value;
    int8_t scaleExponent;
    const char *unit; // UCUM code, NUL-terminated, at most Protocol::kMaxUnitBytes bytes
};

class Sensors
{
public:
    virtual uint8_t sensorCount() = 0;
    // `index` < sensorCount(). False when the sensor could not be read.
    virtual bool sample(uint8_t index, SensorSample &sample) = 0;

protected:
    ~Sensors() = default;
};

class Actuators
{
public:
    virtual uint8_t actuatorCount() = 0;
    // `index` < actuatorCount(). Sets the actuator; `valueNow` receives its value afterwards,
    // also when the value was refused. Returns Done, ValueOutOfRange, Rejected or Failed.
    virtual Protocol::CommandStatus apply(uint8_t index, int32_t value, int32_t &valueNow) = 0;

protected:
    ~Actuators() = default;
};

} // namespace SensorNode
} // namespace Portal
