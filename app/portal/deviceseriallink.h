#pragma once
// The provisioning wizard's side of the device link (DESIGN §4.1) over a serial port: one
// request at a time, each answered by exactly one answered() or failed() (unless cancelled).
// Frames are bounded by Protocol::FrameReader (at most kMaxFrameBytes before a 0x00); frames
// that fail COBS or CRC are counted and dropped, unsolicited ones (a locked device's HELLO
// and readings) ignored.

#include <portal-core/base/result.h>
#include <portal-core/protocol/frame.h>
#include <portal-core/protocol/messages.h>

#include <QByteArray>
#include <QObject>
#include <QSerialPort>
#include <QString>
#include <QTimer>

namespace Portal::Gui {

class DeviceSerialLink final : public QObject
{
    Q_OBJECT

public:
    explicit DeviceSerialLink(QObject *parent = nullptr);

    // Errors: `serial.open_failed` (message says why and what to do).
    Result<void> open(const QString &portPath, qint32 baudRate);
    void close();
    bool isOpen() const { return m_port.isOpen(); }
    QString portPath() const { return m_portPath; }
    qint32 baudRate() const { return m_baudRate; }

    // Sends `message` and waits for a frame of `answerType` for at most timeoutMs. An ERROR
    // frame from the device, a timeout or the port going away end it with failed().
    // With attempts > 1 an unanswered request is sent again after each timeoutMs (for
    // requests that may be repeated, like PROV_INFO to a board still starting up).
    template<typename Message>
    void request(const Message &message, Protocol::MessageType answerType, int timeoutMs,
                 int attempts = 1)
    {
        Protocol::Payload payload;
        if (message.encode(payload) != Protocol::MessageError::None) {
            fail(tr("The request could not be encoded."));
            return;
        }
        sendRequest(Message::kType, payload, answerType, timeoutMs, attempts);
    }
    void cancel();
    bool isBusy() const { return m_waiting; }
    // Frames dropped since open(): bad COBS, bad CRC, oversize, wrong version.
    quint32 droppedFrames() const;

signals:
    void answered(quint8 type, const QByteArray &payload);
    void failed(const QString &message);

private:
    void sendRequest(Protocol::MessageType type, const Protocol::Payload &payload,
                     Protocol::MessageType answerType, int timeoutMs, int attempts);
    void writeRequestFrame();
    void onReadyRead();
    void onPortError(QSerialPort::SerialPortError error);
    void onTimeout();
    bool lineHungUp();
    void checkLine();
    void portWentAway(const QString &reason);
    void fail(const QString &message);

    QSerialPort m_port;
    QString m_portPath;
    qint32 m_baudRate = 115200;
    Protocol::FrameReader m_reader;
    QTimer m_timeout;
    // A pty whose other end closed (and some USB adapters) only show POLLHUP: QSerialPort
    // reports no error for it, so the line is checked while the port is open.
    QTimer m_lineCheck;
    bool m_waiting = false;
    Protocol::MessageType m_answerType = Protocol::MessageType::Ack;
    uint16_t m_requestSeq = 0;
    QByteArray m_requestFrame;
    int m_attemptsLeft = 0;
    uint16_t m_nextSeq = 1;
    quint32 m_dropsAtRequest = 0;
};

} // namespace Portal::Gui
