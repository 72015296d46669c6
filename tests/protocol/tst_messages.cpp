// Device-link messages. Reference payloads were produced by an independent encoder (Python
// cbor2, canonical mode) from the field values written here; every message also round-trips,
// and malformed payloads are refused with the specific error.
#include <portal-core/protocol/messages.h>

#include <QtTest>

using namespace Portal::Protocol;

Q_DECLARE_METATYPE(MessageError)

class TestMessages : public QObject
{
    Q_OBJECT

private slots:
    void typeNumbers();
    void helloCapture();
    void attachChallengeCapture();
    void attachProofAndAcceptCapture();
    void commandCapture();
    void commandStatusCapture();
    void ackCapture();
    void errorCapture();
    void provInfoCaptures();
    void provSetConfigCapture();
    void provGenKeyRequestCapture();
    void provTestReadingAndLockCaptures();
    void roundTripRest();
    void readingMessage();
    void malformed_data();
    void malformed();
    void encodeRefusesBrokenFields();
};

static const char kPublicKeyHex[] =
    "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e9"
    "5628bc64f2f1b20c2d7e9f5177a3c294d4462299";
static const uint8_t kDeviceId[kDeviceIdBytes] = {1, 2, 3, 4, 5, 6, 7, 8};

static ByteView viewOf(const QByteArray &bytes)
{
    return makeByteView(reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
}

template<typename Message>
static QByteArray encodedHex(const Message &message)
{
    Payload payload;
    const MessageError error = message.encode(payload);
    if (error != MessageError::None)
        return QByteArray("error: ") + messageErrorName(error);
    return QByteArray(reinterpret_cast<const char *>(payload.bytes), int(payload.size)).toHex();
}

template<size_t N>
static void setText(BoundedText<N> &text, const char *value)
{
    QVERIFY(text.assign(value, strlen(value)));
}

static QByteArray textOf(const char *data, size_t size)
{
    return QByteArray(data, int(size));
}

void TestMessages::typeNumbers()
{
    // The numbers of docs/protocol.md; changing one breaks deployed devices.
    const struct
    {
        MessageType type;
        int number;
        const char *name;
    } rows[] = {
        {HelloMessage::kType, 0x01, "HELLO"},
        {AttachChallengeMessage::kType, 0x02, "ATTACH_CHALLENGE"},
        {AttachProofMessage::kType, 0x03, "ATTACH_PROOF"},
        {ReadingMessage::kType, 0x04, "READING"},
        {CommandMessage::kType, 0x05, "COMMAND"},
        {CommandStatusMessage::kType, 0x06, "COMMAND_STATUS"},
        {AckMessage::kType, 0x07, "ACK"},
        {ErrorMessage::kType, 0x08, "ERROR"},
        {AttachAcceptMessage::kType, 0x09, "ATTACH_ACCEPT"},
        {ProvInfoRequestMessage::kType, 0x20, "PROV_INFO_REQUEST"},
        {ProvInfoResponseMessage::kType, 0x21, "PROV_INFO_RESPONSE"},
        {ProvSetConfigMessage::kType, 0x22, "PROV_SET_CONFIG"},
        {ProvGenKeyRequestMessage::kType, 0x23, "PROV_GENKEY_REQUEST"},
        {ProvGenKeyResponseMessage::kType, 0x24, "PROV_GENKEY_RESPONSE"},
        {ProvTestReadingRequestMessage::kType, 0x25, "PROV_TEST_READING_REQUEST"},
        {ProvTestReadingResponseMessage::kType, 0x26, "PROV_TEST_READING_RESPONSE"},
        {ProvLockMessage::kType, 0x27, "PROV_LOCK"},
        {ProvSetAuthorityMessage::kType, 0x28, "PROV_SET_AUTHORITY"},
    };
    int known = 0;
    for (int number = 0; number < 256; ++number)
        known += isKnownMessageType(uint8_t(number)) ? 1 : 0;
    QCOMPARE(known, int(sizeof rows / sizeof rows[0]));
    for (const auto &row : rows) {
        QCOMPARE(int(row.type), row.number);
        QVERIFY(isKnownMessageType(uint8_t(row.number)));
        QCOMPARE(QByteArray(messageTypeName(row.type)), QByteArray(row.name));
    }
    QCOMPARE(int(ErrorCode::Malformed), 1);
    QCOMPARE(int(ErrorCode::Internal), 9);
    QCOMPARE(int(CommandStatus::Failed), 4);
    QCOMPARE(int(ProvisioningState::Locked), 3);
}

static HelloMessage sampleHello()
{
    HelloMessage hello;
    memset(&hello, 0, sizeof hello);
    memcpy(hello.deviceId, kDeviceId, kDeviceIdBytes);
    hello.firmwareVersion.assign("1.0.0", 5);
    hello.classAttributes.vendor.assign("acme", 4);
    hello.classAttributes.type.assign("thermo", 6);
    hello.classAttributes.subscriber.assign("lab", 3);
    hello.capabilities = kCapabilityReadings | kCapabilityCommands;
    const QByteArray key = QByteArray::fromHex(kPublicKeyHex);
    memcpy(hello.publicKey, key.constData(), kPublicKeyBytes);
    return hello;
}

void TestMessages::helloCapture()
{
    const QByteArray capture =
        QByteArray("a7014801020304050607080265312e302e30036461636d650466746865726d6f05636c61620603"
                   "075841") +
        kPublicKeyHex;
    QCOMPARE(encodedHex(sampleHello()), capture);

    const QByteArray bytes = QByteArray::fromHex(capture);
    HelloMessage decoded;
    QCOMPARE(decoded.decode(viewOf(bytes)), MessageError::None);
    QVERIFY(memcmp(decoded.deviceId, kDeviceId, kDeviceIdBytes) == 0);
    QVERIFY(decoded.firmwareVersion.equals("1.0.0", 5));
    QVERIFY(decoded.classAttributes.vendor.equals("acme", 4));
    QVERIFY(decoded.classAttributes.type.equals("thermo", 6));
    QVERIFY(decoded.classAttributes.subscriber.equals("lab", 3));
    QCOMPARE(decoded.capabilities, uint16_t(3));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(decoded.publicKey), 65).toHex(),
             QByteArray(kPublicKeyHex));
}

void TestMessages::attachChallengeCapture()
{
    AttachChallengeMessage challenge;
    for (uint8_t i = 0; i < kAttachChallengeBytes; ++i)
        challenge.challenge[i] = i;
    memcpy(challenge.gatewayKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    const QByteArray capture =
        QByteArray("a20150000102030405060708090a0b0c0d0e0f025841") + kPublicKeyHex;
    QCOMPARE(encodedHex(challenge), capture);
    AttachChallengeMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QVERIFY(memcmp(decoded.challenge, challenge.challenge, kAttachChallengeBytes) == 0);
    QVERIFY(memcmp(decoded.gatewayKey, challenge.gatewayKey, kPublicKeyBytes) == 0);
    // Only uncompressed points; both keys are required.
    QByteArray compressed = QByteArray::fromHex(capture);
    compressed[22] = 0x02;
    QCOMPARE(decoded.decode(viewOf(compressed)), MessageError::OutOfRange);
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex("a10150000102030405060708090a0b0c0d0e0f"))),
             MessageError::MissingKey);
}

void TestMessages::attachProofAndAcceptCapture()
{
    AttachProofMessage proof;
    memcpy(proof.deviceKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    memset(proof.signature, 0x11, sizeof proof.signature);
    const QByteArray proofCapture =
        QByteArray("a2015841") + kPublicKeyHex + "025840" + QByteArray(128, '1');
    QCOMPARE(encodedHex(proof), proofCapture);
    AttachProofMessage decodedProof;
    QCOMPARE(decodedProof.decode(viewOf(QByteArray::fromHex(proofCapture))), MessageError::None);
    QCOMPARE(decodedProof.signature[63], uint8_t(0x11));

    AttachAcceptMessage accept;
    setText(accept.gatewayId, "test-gw");
    memset(accept.authorisation, 0x22, sizeof accept.authorisation);
    const QByteArray acceptCapture = "a20167746573742d6777025840" + QByteArray(128, '2');
    QCOMPARE(encodedHex(accept), acceptCapture);
    AttachAcceptMessage decodedAccept;
    QCOMPARE(decodedAccept.decode(viewOf(QByteArray::fromHex(acceptCapture))), MessageError::None);
    QVERIFY(decodedAccept.gatewayId.equals("test-gw", 7));
    // A gateway id is 1..40 bytes.
    QCOMPARE(
        decodedAccept.decode(viewOf(QByteArray::fromHex("a20160025840" + QByteArray(128, '2')))),
        MessageError::OutOfRange);
    Payload payload;
    accept.gatewayId.size = 0;
    QCOMPARE(accept.encode(payload), MessageError::OutOfRange);
}

void TestMessages::commandCapture()
{
    CommandMessage command;
    command.commandId = 42;
    command.actuatorIndex = 1;
    command.value = -5;
    const QByteArray capture = "a301182a02010324";
    QCOMPARE(encodedHex(command), capture);
    CommandMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QCOMPARE(decoded.commandId, 42u);
    QCOMPARE(decoded.actuatorIndex, uint8_t(1));
    QCOMPARE(decoded.value, -5);
}

void TestMessages::commandStatusCapture()
{
    CommandStatusMessage status;
    status.commandId = 42;
    status.status = CommandStatus::Done;
    status.value = 250;
    const QByteArray capture = "a301182a02000318fa";
    QCOMPARE(encodedHex(status), capture);
    CommandStatusMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QCOMPARE(decoded.commandId, 42u);
    QCOMPARE(decoded.status, CommandStatus::Done);
    QCOMPARE(decoded.value, 250);
}

void TestMessages::ackCapture()
{
    AckMessage ack;
    ack.ackedSeq = 0x1234;
    ack.hasReadingCounter = true;
    ack.readingCounter = 65536;
    QCOMPARE(encodedHex(ack), QByteArray("a201191234021a00010000"));
    ack.ackedSeq = 7;
    ack.hasReadingCounter = false;
    QCOMPARE(encodedHex(ack), QByteArray("a10107"));

    AckMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex("a201191234021a00010000"))),
             MessageError::None);
    QCOMPARE(decoded.ackedSeq, uint16_t(0x1234));
    QVERIFY(decoded.hasReadingCounter);
    QCOMPARE(decoded.readingCounter, 65536u);
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex("a10107"))), MessageError::None);
    QCOMPARE(decoded.ackedSeq, uint16_t(7));
    QVERIFY(!decoded.hasReadingCounter);
}

void TestMessages::errorCapture()
{
    ErrorMessage error;
    error.code = ErrorCode::UnknownMessageType;
    error.refersToSeq = 7;
    QCOMPARE(encodedHex(error), QByteArray("a201020207"));
    ErrorMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex("a201020207"))), MessageError::None);
    QCOMPARE(decoded.code, ErrorCode::UnknownMessageType);
    QCOMPARE(decoded.refersToSeq, uint16_t(7));
    // A code this version does not know is kept, not refused.
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex("a20118c80200"))), MessageError::None);
    QCOMPARE(int(decoded.code), 200);
}

void TestMessages::provInfoCaptures()
{
    QCOMPARE(encodedHex(ProvInfoRequestMessage()), QByteArray("a0"));
    ProvInfoRequestMessage request;
    QCOMPARE(request.decode(viewOf(QByteArray::fromHex("a0"))), MessageError::None);

    ProvInfoResponseMessage response;
    memset(&response, 0, sizeof response);
    memcpy(response.deviceId, kDeviceId, kDeviceIdBytes);
    response.firmwareVersion.assign("1.0.0", 5);
    response.state = ProvisioningState::Configured;
    response.capabilities = 7;
    response.hasPublicKey = false;
    response.board.assign("mega2560", 8);
    response.hasAuthority = true;
    const QByteArray capture =
        "a6014801020304050607080265312e302e300301040706686d656761323536300701";
    QCOMPARE(encodedHex(response), capture);
    ProvInfoResponseMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QCOMPARE(decoded.state, ProvisioningState::Configured);
    QCOMPARE(decoded.capabilities, uint16_t(7));
    QVERIFY(!decoded.hasPublicKey);
    QVERIFY(decoded.board.equals("mega2560", 8));
    QVERIFY(decoded.hasAuthority);
    // Key 7 is 0 or 1, and required.
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(
                 "a6014801020304050607080265312e302e300301040706686d656761323536300702"))),
             MessageError::OutOfRange);
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(
                 "a5014801020304050607080265312e302e300301040706686d65676132353630"))),
             MessageError::MissingKey);

    ProvSetAuthorityMessage authority;
    memcpy(authority.authorityKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    QCOMPARE(encodedHex(authority), QByteArray("a1015841") + kPublicKeyHex);
    ProvSetAuthorityMessage authorityBack;
    QCOMPARE(authorityBack.decode(viewOf(QByteArray::fromHex(encodedHex(authority)))),
             MessageError::None);
    authority.authorityKey[0] = 0x03;
    Payload refused;
    QCOMPARE(authority.encode(refused), MessageError::OutOfRange);

    response.state = ProvisioningState::KeyGenerated;
    response.hasPublicKey = true;
    memcpy(response.publicKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    Payload payload;
    QCOMPARE(response.encode(payload), MessageError::None);
    QCOMPARE(decoded.decode(makeByteView(payload.bytes, payload.size)), MessageError::None);
    QVERIFY(decoded.hasPublicKey);
    QVERIFY(memcmp(decoded.publicKey, response.publicKey, kPublicKeyBytes) == 0);
}

void TestMessages::provSetConfigCapture()
{
    ProvSetConfigMessage config;
    memset(&config, 0, sizeof config);
    config.panId = 0x1A2B;
    config.channel = 15;
    setText(config.classAttributes.vendor, "acme");
    setText(config.classAttributes.type, "thermo");
    setText(config.classAttributes.subscriber, "");
    config.reportingIntervalS = 60;
    memcpy(config.authorityKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    const QByteArray capture =
        QByteArray("a701191a2b020f036461636d650466746865726d6f056006183c075841") + kPublicKeyHex;
    QCOMPARE(encodedHex(config), capture);
    ProvSetConfigMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QCOMPARE(decoded.panId, uint16_t(0x1A2B));
    QCOMPARE(decoded.channel, uint8_t(15));
    QCOMPARE(textOf(decoded.classAttributes.type.data, decoded.classAttributes.type.size),
             QByteArray("thermo"));
    QCOMPARE(decoded.classAttributes.subscriber.size, uint8_t(0));
    QCOMPARE(decoded.reportingIntervalS, 60u);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(decoded.authorityKey), 65).toHex(),
             QByteArray(kPublicKeyHex));
}

void TestMessages::provGenKeyRequestCapture()
{
    ProvGenKeyRequestMessage request;
    memset(request.hostEntropy, 0xAA, kHostEntropyBytes);
    const QByteArray capture = "a1015820" + QByteArray(64, 'a');
    QCOMPARE(encodedHex(request), capture);
    ProvGenKeyRequestMessage decoded;
    QCOMPARE(decoded.decode(viewOf(QByteArray::fromHex(capture))), MessageError::None);
    QCOMPARE(decoded.hostEntropy[31], uint8_t(0xAA));
}

void TestMessages::provTestReadingAndLockCaptures()
{
    ProvTestReadingRequestMessage request;
    request.sensorIndex = 3;
    QCOMPARE(encodedHex(request), QByteArray("a10103"));
    ProvLockMessage lock;
    memcpy(lock.deviceId, kDeviceId, kDeviceIdBytes);
    QCOMPARE(encodedHex(lock), QByteArray("a101480102030405060708"));
    ProvLockMessage decodedLock;
    QCOMPARE(decodedLock.decode(viewOf(QByteArray::fromHex("a101480102030405060708"))),
             MessageError::None);
    QVERIFY(memcmp(decodedLock.deviceId, kDeviceId, kDeviceIdBytes) == 0);
}

template<typename Message>
static Message roundTrip(const Message &message, bool &ok)
{
    Payload payload;
    Message back;
    memset(&back, 0, sizeof back);
    ok = message.encode(payload) == MessageError::None &&
         back.decode(makeByteView(payload.bytes, payload.size)) == MessageError::None;
    return back;
}

void TestMessages::roundTripRest()
{
    bool ok = false;
    AttachProofMessage proof;
    memset(proof.deviceKey, 0x33, sizeof proof.deviceKey);
    proof.deviceKey[0] = 0x04;
    for (size_t i = 0; i < kEs256SignatureBytes; ++i)
        proof.signature[i] = uint8_t(0xFF - i);
    const AttachProofMessage proofBack = roundTrip(proof, ok);
    QVERIFY(ok);
    QVERIFY(memcmp(proofBack.signature, proof.signature, kEs256SignatureBytes) == 0);

    ProvGenKeyResponseMessage key;
    memcpy(key.publicKey, QByteArray::fromHex(kPublicKeyHex).constData(), kPublicKeyBytes);
    const ProvGenKeyResponseMessage keyBack = roundTrip(key, ok);
    QVERIFY(ok);
    QVERIFY(memcmp(keyBack.publicKey, key.publicKey, kPublicKeyBytes) == 0);

    // Extremes of every bounded field.
    HelloMessage hello = sampleHello();
    setText(hello.firmwareVersion, "0123456789abcdef");
    setText(hello.classAttributes.vendor, "\xc3\xbc"
                                          "0123456789abcdefghijkl");
    setText(hello.classAttributes.type, "");
    setText(hello.classAttributes.subscriber, "sub-123456789012345678x");
    hello.capabilities = 0xFFFF;
    const HelloMessage helloBack = roundTrip(hello, ok);
    QVERIFY(ok);
    QVERIFY(helloBack.classAttributes.vendor.equals(hello.classAttributes.vendor.data,
                                                    hello.classAttributes.vendor.size));
    QCOMPARE(helloBack.capabilities, uint16_t(0xFFFF));

    CommandMessage command;
    command.commandId = 0xFFFFFFFFu;
    command.actuatorIndex = 255;
    command.value = -2147483647 - 1;
    const CommandMessage commandBack = roundTrip(command, ok);
    QVERIFY(ok);
    QCOMPARE(commandBack.commandId, command.commandId);
    QCOMPARE(commandBack.value, command.value);

    CommandStatusMessage status;
    status.commandId = 1;
    status.status = CommandStatus::Failed;
    status.value = 2147483647;
    const CommandStatusMessage statusBack = roundTrip(status, ok);
    QVERIFY(ok);
    QCOMPARE(statusBack.status, CommandStatus::Failed);
    QCOMPARE(statusBack.value, 2147483647);

    ProvSetConfigMessage config;
    memset(&config, 0, sizeof config);
    config.panId = 0xFFFF;
    config.channel = kMaxChannel;
    config.reportingIntervalS = kMaxReportingIntervalS;
    config.authorityKey[0] = 0x04;
    const ProvSetConfigMessage configBack = roundTrip(config, ok);
    QVERIFY(ok);
    QCOMPARE(configBack.reportingIntervalS, kMaxReportingIntervalS);
    QCOMPARE(configBack.channel, kMaxChannel);
}

void TestMessages::readingMessage()
{
    // Golden case 1 of tests/data/cose-sign1-es256.txt.
    const QByteArray sign1 = QByteArray::fromHex(
        "d28443a10126a104480102030405060708581aa6014801020304050607080201030004190866052106634365"
        "6c584088a1c4f6b687653cdb54e5f5d528e373d0f39aafcc5682f5775500a06bd736ccaf49f7e2869f9bbe09"
        "d9239113a7e38d0cb319b877f092578c2149929525ad52");
    ReadingMessage reading;
    reading.sign1 = viewOf(sign1);
    Payload payload;
    QCOMPARE(reading.encode(payload), MessageError::None);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(payload.bytes), int(payload.size)), sign1);

    ProvTestReadingResponseMessage decoded;
    QCOMPARE(decoded.decode(viewOf(sign1)), MessageError::None);
    QCOMPARE(decoded.reading.value, 2150);
    QCOMPARE(decoded.reading.scaleExponent, int8_t(-2));
    QCOMPARE(decoded.sign1.size, size_t(sign1.size()));

    QByteArray broken = sign1;
    broken[12] = char(0x09); // kid no longer equals the payload's device id
    QCOMPARE(decoded.decode(viewOf(broken)), MessageError::BadReading);
    reading.sign1 = viewOf(broken);
    QCOMPARE(reading.encode(payload), MessageError::BadReading);
}

enum class Kind {
    Hello,
    Challenge,
    Command,
    Status,
    Ack,
    Error,
    InfoRequest,
    SetConfig,
    GenKeyResponse,
    Reading
};
Q_DECLARE_METATYPE(Kind)

static MessageError decodeAs(Kind kind, const QByteArray &bytes)
{
    const ByteView view = viewOf(bytes);
    switch (kind) {
    case Kind::Hello: {
        HelloMessage m;
        return m.decode(view);
    }
    case Kind::Challenge: {
        AttachChallengeMessage m;
        return m.decode(view);
    }
    case Kind::Command: {
        CommandMessage m;
        return m.decode(view);
    }
    case Kind::Status: {
        CommandStatusMessage m;
        return m.decode(view);
    }
    case Kind::Ack: {
        AckMessage m;
        return m.decode(view);
    }
    case Kind::Error: {
        ErrorMessage m;
        return m.decode(view);
    }
    case Kind::InfoRequest: {
        ProvInfoRequestMessage m;
        return m.decode(view);
    }
    case Kind::SetConfig: {
        ProvSetConfigMessage m;
        return m.decode(view);
    }
    case Kind::GenKeyResponse: {
        ProvGenKeyResponseMessage m;
        return m.decode(view);
    }
    case Kind::Reading: {
        ReadingMessage m;
        return m.decode(view);
    }
    }
    return MessageError::None;
}

void TestMessages::malformed_data()
{
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<MessageError>("expected");
    const auto row = [](const char *name, Kind kind, const QByteArray &hex, MessageError error) {
        QTest::newRow(name) << kind << QByteArray::fromHex(hex) << error;
    };
    const QByteArray helloHead =
        "014801020304050607080265312e302e30036461636d650466746865726d6f05636c6162060307";
    row("HELLO reference", Kind::Hello, "a7" + helloHead + "5841" + kPublicKeyHex,
        MessageError::None);
    row("HELLO without public key", Kind::Hello, "a6" + helloHead.left(helloHead.size() - 2),
        MessageError::MissingKey);
    row("HELLO compressed key", Kind::Hello,
        "a7" + helloHead + "5841" + QByteArray("02") + QByteArray(kPublicKeyHex).mid(2),
        MessageError::OutOfRange);
    row("HELLO vendor 25 bytes", Kind::Hello,
        "a7014801020304050607080265312e302e30037819" + QByteArray(50, '6') +
            "0466746865726d6f05636c6162060307" + "5841" + kPublicKeyHex,
        MessageError::OutOfRange);
    row("HELLO capabilities 0x10000", Kind::Hello,
        "a7014801020304050607080265312e302e30036461636d650466746865726d6f05636c6162061a00010000"
        "07"
        "5841" +
            QByteArray(kPublicKeyHex),
        MessageError::OutOfRange);
    row("challenge nonce 15 bytes", Kind::Challenge, "a1014f" + QByteArray(30, '1'),
        MessageError::OutOfRange);
    row("challenge nonce as text", Kind::Challenge, "a10170" + QByteArray(32, '4'),
        MessageError::WrongType);
    row("COMMAND unknown key 4", Kind::Command, "a401182a020103240400", MessageError::UnknownKey);
    row("COMMAND duplicate key", Kind::Command, "a301182a01182a0324", MessageError::DuplicateKey);
    row("COMMAND negative key", Kind::Command, "a320182a02010324", MessageError::UnknownKey);
    row("COMMAND key 32", Kind::Command, "a301182a0201182000", MessageError::UnknownKey);
    row("COMMAND id as text", Kind::Command, "a3016134020103 24", MessageError::WrongType);
    row("COMMAND id negative", Kind::Command, "a3012002010324", MessageError::OutOfRange);
    row("COMMAND actuator 256", Kind::Command, "a301182a021901000324", MessageError::OutOfRange);
    row("COMMAND value 2^31", Kind::Command, "a301182a0201031a80000000", MessageError::OutOfRange);
    row("COMMAND missing value", Kind::Command, "a201182a0201", MessageError::MissingKey);
    row("COMMAND as array", Kind::Command, "83182a0124", MessageError::MalformedCbor);
    row("COMMAND trailing byte", Kind::Command, "a301182a0201032400", MessageError::MalformedCbor);
    row("COMMAND non-canonical id", Kind::Command, "a30119002a02010324",
        MessageError::MalformedCbor);
    row("COMMAND indefinite map", Kind::Command, "bf01182a02010324ff", MessageError::MalformedCbor);
    row("COMMAND empty payload", Kind::Command, "", MessageError::MalformedCbor);
    row("COMMAND_STATUS status 5", Kind::Status, "a301182a02050318fa", MessageError::OutOfRange);
    row("ACK seq 0x10000", Kind::Ack, "a1011a00010000", MessageError::OutOfRange);
    row("ACK counter only", Kind::Ack, "a1021a00010000", MessageError::MissingKey);
    row("ERROR code 0", Kind::Error, "a201000207", MessageError::OutOfRange);
    row("ERROR code 256", Kind::Error, "a20119010002 07", MessageError::OutOfRange);
    row("PROV_INFO_REQUEST with a key", Kind::InfoRequest, "a10100", MessageError::UnknownKey);
    row("PROV_INFO_REQUEST as null", Kind::InfoRequest, "f6", MessageError::MalformedCbor);
    const QByteArray config = "036461636d650466746865726d6f0560";
    row("SET_CONFIG channel 10", Kind::SetConfig, "a601191a2b020a" + config + "06183c",
        MessageError::OutOfRange);
    row("SET_CONFIG channel 27", Kind::SetConfig, "a601191a2b02181b" + config + "06183c",
        MessageError::OutOfRange);
    row("SET_CONFIG interval 0", Kind::SetConfig, "a601191a2b020f" + config + "0600",
        MessageError::OutOfRange);
    row("SET_CONFIG interval 86401", Kind::SetConfig, "a601191a2b020f" + config + "061a00015181",
        MessageError::OutOfRange);
    row("SET_CONFIG vendor not UTF-8", Kind::SetConfig,
        "a601191a2b020f" + QByteArray("0361ff") + "0466746865726d6f0560" + "06183c",
        MessageError::OutOfRange);
    row("GENKEY response compressed key", Kind::GenKeyResponse,
        "a1015841" + QByteArray("03") + QByteArray(128, '1'), MessageError::OutOfRange);
    row("GENKEY response 64-byte key", Kind::GenKeyResponse, "a1015840" + QByteArray(128, '1'),
        MessageError::OutOfRange);
    row("READING map payload", Kind::Reading, "a0", MessageError::BadReading);
}

void TestMessages::malformed()
{
    QFETCH(Kind, kind);
    QFETCH(QByteArray, payload);
    QFETCH(MessageError, expected);
    QCOMPARE(decodeAs(kind, payload), expected);
}

void TestMessages::encodeRefusesBrokenFields()
{
    HelloMessage hello = sampleHello();
    hello.classAttributes.vendor.size = kMaxClassAttributeBytes + 1;
    Payload payload;
    QCOMPARE(hello.encode(payload), MessageError::OutOfRange);
    hello = sampleHello();
    hello.publicKey[0] = 0x02;
    QCOMPARE(hello.encode(payload), MessageError::OutOfRange);

    ProvSetConfigMessage config;
    memset(&config, 0, sizeof config);
    config.channel = 11;
    config.reportingIntervalS = 0;
    QCOMPARE(config.encode(payload), MessageError::OutOfRange);

    CommandStatusMessage status;
    status.commandId = 1;
    status.value = 0;
    status.status = static_cast<CommandStatus>(9);
    QCOMPARE(status.encode(payload), MessageError::OutOfRange);

    ErrorMessage error;
    error.code = static_cast<ErrorCode>(0);
    error.refersToSeq = 0;
    QCOMPARE(error.encode(payload), MessageError::OutOfRange);
}

QTEST_APPLESS_MAIN(TestMessages)
#include "tst_messages.moc"
