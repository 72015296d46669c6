// The attach exchange's shared definitions (portal-core/protocol/attachexchange.h): the
// signed strings as docs/protocol.md lists them, and sealed frames against a tag computed
// independently (Python's hmac over the bytes the document names), with OpenSSL's HMAC
// (Crypto::LinkMac) as the MAC.
#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/protocol/attachexchange.h>

#include <QtTest>

using namespace Portal::Protocol;

namespace {

QByteArray joined(const SignedParts &parts)
{
    QByteArray bytes;
    for (uint8_t i = 0; i < parts.count; ++i)
        bytes.append(reinterpret_cast<const char *>(parts.part[i].data),
                     qsizetype(parts.part[i].size));
    return bytes;
}

QByteArray filled(int size, char value)
{
    return QByteArray(size, value);
}

const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

// Key 01 02 … 20.
QByteArray testKey()
{
    QByteArray key;
    for (int i = 1; i <= 32; ++i)
        key.append(char(i));
    return key;
}

// The frame the reader delivers for `bytes` (one complete frame).
bool readFrame(const QByteArray &bytes, FrameReader &reader)
{
    for (const char byte : bytes) {
        if (reader.feed(uint8_t(byte)))
            return true;
    }
    return false;
}

} // namespace

class TestAttachExchange : public QObject
{
    Q_OBJECT

private slots:
    void signedStrings();
    void sealedFrameVector();
    void openRefusesWhatIsNotGenuine_data();
    void openRefusesWhatIsNotGenuine();
    void sealedTypes();
};

void TestAttachExchange::signedStrings()
{
    const QByteArray challenge = filled(16, 'c');
    const QByteArray deviceId = filled(8, 'i');
    const QByteArray gatewayKey = filled(65, 'g');
    const QByteArray deviceKey = filled(65, 'd');
    QCOMPARE(joined(attachProofParts(u8(challenge), u8(deviceId), u8(gatewayKey), u8(deviceKey))),
             QByteArray("iot-portal attach proof v2") + challenge + deviceId + gatewayKey +
                 deviceKey);
    QCOMPARE(joined(attachAuthorisationParts(u8(deviceId), u8(challenge), u8(gatewayKey),
                                             u8(deviceKey), "gw-1", 4)),
             QByteArray("iot-portal attach authorisation v2") + deviceId + challenge + gatewayKey +
                 deviceKey + "gw-1");
    QCOMPARE(QByteArray(kLinkKeyInfo), QByteArray("iot-portal link key v2"));
    QCOMPARE(kMaxSealedMessageBytes, size_t(180));
}

void TestAttachExchange::sealedFrameVector()
{
    // ACK {1: 7} (a1 01 07), seq 0x0102, counter 1, gateway → device. The tag is the first 16
    // bytes of HMAC-SHA-256(key, 02 02 87 01 02 a1 01 07 00 00 00 01), from Python.
    Portal::Crypto::LinkMac mac(Portal::Crypto::ByteView(u8(testKey()), 32));
    const QByteArray message = QByteArray::fromHex("a10107");
    uint8_t frame[kMaxFrameBytes];
    const FrameEncodeResult encoded =
        encodeSealedFrame(uint8_t(MessageType::Ack), 0x0102, u8(message), size_t(message.size()), 1,
                          LinkDirection::GatewayToDevice, mac, frame, sizeof frame);
    QCOMPARE(encoded.error, FrameEncodeError::None);
    FrameReader reader;
    QVERIFY(readFrame(QByteArray(reinterpret_cast<const char *>(frame), qsizetype(encoded.size)),
                      reader));
    const Frame &delivered = reader.frame();
    QCOMPARE(delivered.type, uint8_t(0x87));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(delivered.payload.data),
                        qsizetype(delivered.payload.size))
                 .toHex(),
             QByteArray("a1010700000001be2f698e84580cff9007c911c5570e10"));
    OpenedFrame opened;
    QCOMPARE(openSealedFrame(delivered, LinkDirection::GatewayToDevice, mac, 0, opened),
             SealError::None);
    QCOMPARE(opened.type, uint8_t(MessageType::Ack));
    QCOMPARE(opened.seq, uint16_t(0x0102));
    QCOMPARE(opened.counter, 1u);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(opened.message.data),
                        qsizetype(opened.message.size)),
             message);
    // A message too long for a sealed frame is refused.
    const QByteArray tooLong(int(kMaxSealedMessageBytes) + 1, 'x');
    QCOMPARE(encodeSealedFrame(uint8_t(MessageType::Reading), 1, u8(tooLong),
                               size_t(tooLong.size()), 2, LinkDirection::DeviceToGateway, mac,
                               frame, sizeof frame)
                 .error,
             FrameEncodeError::PayloadTooLarge);
}

void TestAttachExchange::openRefusesWhatIsNotGenuine_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("direction");
    QTest::addColumn<int>("lastCounter");
    QTest::addColumn<int>("flipByte"); // -1: none; else index into the payload
    QTest::addColumn<int>("expected");
    const QByteArray other = filled(32, '\x77');
    QTest::newRow("genuine") << testKey() << 2 << 4 << -1 << int(SealError::None);
    QTest::newRow("other key") << other << 2 << 4 << -1 << int(SealError::BadTag);
    QTest::newRow("other direction") << testKey() << 1 << 4 << -1 << int(SealError::BadTag);
    QTest::newRow("counter replayed") << testKey() << 2 << 5 << -1 << int(SealError::Replayed);
    QTest::newRow("counter below") << testKey() << 2 << 9 << -1 << int(SealError::Replayed);
    QTest::newRow("message changed") << testKey() << 2 << 4 << 0 << int(SealError::BadTag);
    QTest::newRow("counter changed") << testKey() << 2 << 4 << 5 << int(SealError::BadTag);
    QTest::newRow("tag changed") << testKey() << 2 << 4 << 20 << int(SealError::BadTag);
}

void TestAttachExchange::openRefusesWhatIsNotGenuine()
{
    QFETCH(QByteArray, key);
    QFETCH(int, direction);
    QFETCH(int, lastCounter);
    QFETCH(int, flipByte);
    QFETCH(int, expected);
    Portal::Crypto::LinkMac sender(Portal::Crypto::ByteView(u8(testKey()), 32));
    const QByteArray message = QByteArray::fromHex("a10107");
    uint8_t frame[kMaxFrameBytes];
    const FrameEncodeResult encoded =
        encodeSealedFrame(uint8_t(MessageType::Ack), 9, u8(message), size_t(message.size()), 5,
                          LinkDirection::GatewayToDevice, sender, frame, sizeof frame);
    FrameReader reader;
    QVERIFY(readFrame(QByteArray(reinterpret_cast<const char *>(frame), qsizetype(encoded.size)),
                      reader));
    Frame delivered = reader.frame();
    QByteArray payload(reinterpret_cast<const char *>(delivered.payload.data),
                       qsizetype(delivered.payload.size));
    if (flipByte >= 0)
        payload[flipByte] = char(payload[flipByte] ^ 0x01);
    delivered.payload = makeByteView(u8(payload), size_t(payload.size()));
    Portal::Crypto::LinkMac receiver(Portal::Crypto::ByteView(u8(key), 32));
    OpenedFrame opened;
    QCOMPARE(int(openSealedFrame(delivered, LinkDirection(direction), receiver,
                                 uint32_t(lastCounter), opened)),
             expected);
}

void TestAttachExchange::sealedTypes()
{
    Portal::Crypto::LinkMac mac(Portal::Crypto::ByteView(u8(testKey()), 32));
    for (const MessageType type : {MessageType::Reading, MessageType::Ack, MessageType::Command,
                                   MessageType::CommandStatus, MessageType::Error})
        QVERIFY(isSealedType(uint8_t(type)));
    for (const MessageType type :
         {MessageType::Hello, MessageType::AttachChallenge, MessageType::AttachProof,
          MessageType::AttachAccept, MessageType::ProvInfoRequest})
        QVERIFY(!isSealedType(uint8_t(type)));
    // An unsealed frame and a sealed one shorter than its seal are refused.
    const uint8_t shortPayload[4] = {1, 2, 3, 4};
    Frame frame{kLinkVersion, uint8_t(MessageType::Ack), 1, makeByteView(shortPayload, 4)};
    OpenedFrame opened;
    QCOMPARE(openSealedFrame(frame, LinkDirection::GatewayToDevice, mac, 0, opened),
             SealError::NotSealed);
    frame.type |= kSealedTypeFlag;
    QCOMPARE(openSealedFrame(frame, LinkDirection::GatewayToDevice, mac, 0, opened),
             SealError::TooShort);
}

QTEST_APPLESS_MAIN(TestAttachExchange)
#include "tst_attachexchange.moc"
