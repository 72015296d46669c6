#include "simboard.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Portal::SensorNodeSim {

void TcpLink::attach(int socketFd)
{
    disconnect();
    const int flags = ::fcntl(socketFd, F_GETFL, 0);
    ::fcntl(socketFd, F_SETFL, flags | O_NONBLOCK);
    m_fd = socketFd;
}

void TcpLink::disconnect()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

void TcpLink::dropIfPeerClosed()
{
    if (m_fd < 0)
        return;
    uint8_t byte = 0;
    const ssize_t got = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        disconnect();
}

size_t TcpLink::read(uint8_t *buffer, size_t capacity)
{
    if (m_fd < 0)
        return 0;
    for (;;) {
        const ssize_t got = ::recv(m_fd, buffer, capacity, 0);
        if (got > 0)
            return size_t(got);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        disconnect(); // EOF or a socket error: the peer is gone
        return 0;
    }
}

bool TcpLink::write(const uint8_t *data, size_t size)
{
    size_t sent = 0;
    while (sent < size && m_fd >= 0) {
        const ssize_t n = ::send(m_fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += size_t(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd writable = {m_fd, POLLOUT, 0};
            if (::poll(&writable, 1, kWriteTimeoutMs) > 0)
                continue;
        }
        // A peer that does not read for seconds is treated as gone, like a stalled UART.
        disconnect();
    }
    return sent == size;
}

uint32_t MonotonicClock::nowMs()
{
    timespec now = {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return uint32_t(uint64_t(now.tv_sec) * 1000u + uint64_t(now.tv_nsec) / 1000000u);
}

bool SystemEntropy::fill(uint8_t *output, size_t size)
{
    size_t filled = 0;
    while (filled < size) {
        const ssize_t got = ::getrandom(output + filled, size - filled, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        filled += size_t(got);
    }
    return true;
}

bool SimulatedThermometer::sample(uint8_t index, SensorNode::SensorSample &sample)
{
    if (index != 0)
        return false;
    // Triangle wave over 40 samples: 0, +5, … +50, … −50, … in centi-degrees.
    const int32_t phase = int32_t(m_samples++ % 40);
    const int32_t offset = phase <= 10   ? phase * 5
                           : phase <= 30 ? (20 - phase) * 5
                                         : (phase - 40) * 5;
    sample.value = m_baseCentiCelsius + offset;
    sample.scaleExponent = -2;
    sample.unit = "Cel";
    return true;
}

Protocol::CommandStatus SimulatedLed::apply(uint8_t index, int32_t value, int32_t &valueNow)
{
    if (index != 0)
        return Protocol::CommandStatus::UnknownActuator;
    if (value != 0 && value != 1) {
        valueNow = m_value;
        return Protocol::CommandStatus::ValueOutOfRange;
    }
    m_value = value;
    valueNow = m_value;
    std::fprintf(stderr, "sensor-node-sim: led 0 %s\n", m_value ? "on" : "off");
    return Protocol::CommandStatus::Done;
}

} // namespace Portal::SensorNodeSim
