#include "deviceseriallink.h"

#include <poll.h>

namespace Portal::Gui {

namespace {

QString errorCodeText(Protocol::ErrorCode code)
{
    switch (code) {
    case Protocol::ErrorCode::Malformed:
        return DeviceSerialLink::tr("it could not decode the request");
    case Protocol::ErrorCode::UnknownMessageType:
        return DeviceSerialLink::tr("its firmware does not know this request");
    case Protocol::ErrorCode::UnsupportedVersion:
        return DeviceSerialLink::tr("it speaks another protocol version");
    case Protocol::ErrorCode::NotProvisioned:
        return DeviceSerialLink::tr("it is not provisioned yet");
    case Protocol::ErrorCode::Locked:
        return DeviceSerialLink::tr("it is locked (already provisioned)");
    case Protocol::ErrorCode::Busy:
        return DeviceSerialLink::tr("it is busy; try again");
    case Protocol::ErrorCode::BadState:
        return DeviceSerialLink::tr("the request does not fit its state");
    case Protocol::ErrorCode::InvalidArgument:
        return DeviceSerialLink::tr("it refused a value of the request");
    case Protocol::ErrorCode::Internal:
        return DeviceSerialLink::tr("its storage or hardware failed");
    }
    return DeviceSerialLink::tr("error %1").arg(int(code));
}

quint32 dropTotal(const Protocol::FrameDropCounters &drops)
{
    return drops.oversize + drops.badCobs + drops.badCrc + drops.badVersion + drops.tooShort;
}

} // namespace

DeviceSerialLink::DeviceSerialLink(QObject *parent) : QObject(parent)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, &DeviceSerialLink::onTimeout);
    m_lineCheck.setInterval(250);
    connect(&m_lineCheck, &QTimer::timeout, this, &DeviceSerialLink::checkLine);
    connect(&m_port, &QSerialPort::readyRead, this, &DeviceSerialLink::onReadyRead);
    connect(&m_port, &QSerialPort::errorOccurred, this, &DeviceSerialLink::onPortError);
}

Result<void> DeviceSerialLink::open(const QString &portPath, qint32 baudRate)
{
    close();
    m_portPath = portPath;
    m_baudRate = baudRate;
    m_port.setPortName(portPath);
    if (!m_port.setBaudRate(baudRate) || !m_port.open(QIODevice::ReadWrite)) {
        const QString reason = m_port.errorString();
        m_port.close();
        return makeError("serial.open_failed",
                         tr("Could not open %1: %2. Check that the device is plugged in and "
                            "that no other program uses the port.")
                             .arg(portPath, reason)
                             .toStdString());
    }
    m_port.setBaudRate(baudRate);
    m_port.setDataBits(QSerialPort::Data8);
    m_port.setParity(QSerialPort::NoParity);
    m_port.setStopBits(QSerialPort::OneStop);
    m_port.setFlowControl(QSerialPort::NoFlowControl);
    m_port.clear();
    m_reader.reset();
    m_lineCheck.start();
    return {};
}

void DeviceSerialLink::close()
{
    cancel();
    m_lineCheck.stop();
    if (m_port.isOpen())
        m_port.close();
}

void DeviceSerialLink::cancel()
{
    m_waiting = false;
    m_timeout.stop();
}

quint32 DeviceSerialLink::droppedFrames() const
{
    return dropTotal(m_reader.drops());
}

void DeviceSerialLink::sendRequest(Protocol::MessageType type, const Protocol::Payload &payload,
                                   Protocol::MessageType answerType, int timeoutMs, int attempts)
{
    if (!m_port.isOpen()) {
        fail(tr("The serial port %1 is closed. Plug the device in and press Retry.")
                 .arg(m_portPath));
        return;
    }
    uint8_t frame[Protocol::kMaxFrameBytes];
    m_requestSeq = m_nextSeq++;
    const Protocol::FrameEncodeResult encoded = Protocol::encodeFrame(
        uint8_t(type), m_requestSeq, payload.bytes, payload.size, frame, sizeof frame);
    if (encoded.error != Protocol::FrameEncodeError::None) {
        fail(tr("The request could not be framed."));
        return;
    }
    m_answerType = answerType;
    m_dropsAtRequest = droppedFrames();
    m_requestFrame = QByteArray(reinterpret_cast<const char *>(frame), int(encoded.size));
    m_attemptsLeft = qMax(1, attempts);
    m_waiting = true;
    m_timeout.setInterval(timeoutMs);
    writeRequestFrame();
}

void DeviceSerialLink::writeRequestFrame()
{
    --m_attemptsLeft;
    m_timeout.start();
    if (m_port.write(m_requestFrame) != m_requestFrame.size())
        fail(tr("Writing to %1 failed: %2").arg(m_portPath, m_port.errorString()));
}

void DeviceSerialLink::onReadyRead()
{
    // QSerialPort buffers without bound by default; reading everything at once and feeding
    // the bounded reader keeps what is held to one frame.
    const QByteArray bytes = m_port.readAll();
    const uint8_t *data = reinterpret_cast<const uint8_t *>(bytes.constData());
    size_t offset = 0;
    while (offset < size_t(bytes.size())) {
        offset += m_reader.feed(data + offset, size_t(bytes.size()) - offset);
        if (!m_reader.hasFrame() || !m_waiting)
            continue;
        const Protocol::Frame &frame = m_reader.frame();
        const QByteArray payload(reinterpret_cast<const char *>(frame.payload.data),
                                 int(frame.payload.size));
        if (frame.type == uint8_t(Protocol::MessageType::Error)) {
            Protocol::ErrorMessage error;
            if (error.decode(frame.payload) == Protocol::MessageError::None &&
                error.refersToSeq == m_requestSeq) {
                fail(tr("The device refused the request: %1.").arg(errorCodeText(error.code)));
                return;
            }
            continue;
        }
        if (frame.type != uint8_t(m_answerType))
            continue;
        m_waiting = false;
        m_timeout.stop();
        emit answered(frame.type, payload);
        return;
    }
}

void DeviceSerialLink::onPortError(QSerialPort::SerialPortError error)
{
    if (error == QSerialPort::NoError || error == QSerialPort::TimeoutError)
        return;
    const QString reason = m_port.errorString();
    // After a hang-up the port's next call fails with whatever error that call gives (an
    // ioctl's ENOTTY, a read's EIO), so the line itself decides whether it is an unplug.
    if (error == QSerialPort::ResourceError || error == QSerialPort::DeviceNotFoundError ||
        lineHungUp()) {
        portWentAway(reason);
        return;
    }
    if (m_waiting)
        fail(tr("Serial port error on %1: %2").arg(m_portPath, reason));
}

bool DeviceSerialLink::lineHungUp()
{
    if (!m_port.isOpen())
        return false;
    pollfd line = {int(m_port.handle()), POLLIN, 0};
    return ::poll(&line, 1, 0) > 0 && (line.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void DeviceSerialLink::checkLine()
{
    if (lineHungUp())
        portWentAway(tr("hang-up"));
}

void DeviceSerialLink::portWentAway(const QString &reason)
{
    // On USB this is an unplug (or the board reset its USB bridge).
    m_lineCheck.stop();
    m_port.close();
    if (m_waiting)
        fail(tr("The serial port %1 went away (%2): the device was unplugged or reset. Plug it "
                "in again and press Retry; the wizard continues where it stopped.")
                 .arg(m_portPath, reason));
}

void DeviceSerialLink::onTimeout()
{
    if (!m_waiting)
        return;
    if (m_attemptsLeft > 0 && m_port.isOpen()) {
        writeRequestFrame();
        return;
    }
    const quint32 drops = droppedFrames() - m_dropsAtRequest;
    if (drops > 0)
        fail(tr("No valid answer: %n frame(s) from the device failed their checks (CRC or "
                "framing). Check the baud rate and the cable.",
                nullptr, int(drops)));
    else
        fail(tr("The device did not answer. Check that it runs the sensor-node firmware, the "
                "baud rate, and that it is not still busy; then press Retry."));
}

void DeviceSerialLink::fail(const QString &message)
{
    m_waiting = false;
    m_timeout.stop();
    emit failed(message);
}

} // namespace Portal::Gui
