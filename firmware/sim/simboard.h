#pragma once
// The simulator's board: the app's UART is one accepted TCP connection, the clock is
// CLOCK_MONOTONIC, entropy comes from getrandom(), the sensor is a simulated thermometer and
// the actuator a simulated LED that logs its state.

#include <firmware/app/board.h>

#include <cstdint>

namespace Portal::SensorNodeSim {

// One connected peer at a time. read() and write() never block for more than writeTimeoutMs;
// an error or EOF closes the connection (isConnected() turns false) and later calls are no-ops.
class TcpLink final : public SensorNode::ByteLink
{
public:
    ~TcpLink() { disconnect(); }

    // Takes ownership of a connected socket (made non-blocking here).
    void attach(int socketFd);
    void disconnect();
    bool isConnected() const { return m_fd >= 0; }
    // Closes the connection if the peer already closed its end (without consuming data).
    void dropIfPeerClosed();
    int fd() const { return m_fd; }

    size_t read(uint8_t *buffer, size_t capacity) override;
    bool write(const uint8_t *data, size_t size) override;

private:
    static constexpr int kWriteTimeoutMs = 2000;
    int m_fd = -1;
};

class MonotonicClock final : public SensorNode::Clock
{
public:
    uint32_t nowMs() override;
};

class SystemEntropy final : public SensorNode::EntropySource
{
public:
    bool fill(uint8_t *output, size_t size) override;
};

// Sensor 0: temperature in centi-degrees Celsius (scale −2, UCUM "Cel"), the base value plus a
// slow triangle wave of ±0.50 °C, so successive readings differ.
class SimulatedThermometer final : public SensorNode::Sensors
{
public:
    explicit SimulatedThermometer(int32_t baseCentiCelsius) : m_baseCentiCelsius(baseCentiCelsius)
    {
    }
    uint8_t sensorCount() override { return 1; }
    bool sample(uint8_t index, SensorNode::SensorSample &sample) override;

private:
    int32_t m_baseCentiCelsius;
    uint32_t m_samples = 0;
};

// Actuator 0: an LED, value 0 (off) or 1 (on); other values are ValueOutOfRange.
class SimulatedLed final : public SensorNode::Actuators
{
public:
    uint8_t actuatorCount() override { return 1; }
    Protocol::CommandStatus apply(uint8_t index, int32_t value, int32_t &valueNow) override;
    int32_t value() const { return m_value; }

private:
    int32_t m_value = 0;
};

} // namespace Portal::SensorNodeSim
