// The sensor-node application driven through in-memory fakes of its board. Every signature the
// device produces (test reading, attach proof, readings) is verified with OpenSSL over bytes
// assembled by the test (linkcheck.h), the link key and seals are OpenSSL's against the
// firmware's, and every frame goes through the real frame codec.
#include "linkcheck.h"

#include <firmware/app/sensornodeapp.h>

#include <QtTest>

#include <algorithm>
#include <cstring>

using namespace Portal::SensorNode;
using namespace LinkCheck;
namespace P = Portal::Protocol;

namespace {

// QCOMPARE for helpers that return a value.
#define QCOMPARE_OR_FAIL(actual, expected, result)                                                 \
    do {                                                                                           \
        if (!QTest::qCompare(actual, expected, #actual, #expected, __FILE__, __LINE__))            \
            return result;                                                                         \
    } while (false)

const uint8_t kDeviceId[P::kDeviceIdBytes] = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};
const QByteArray kDeviceIdBytes = bytesOf(kDeviceId, sizeof kDeviceId);

class FakeLink final : public ByteLink
{
public:
    size_t read(uint8_t *buffer, size_t capacity) override
    {
        const size_t size = std::min(capacity, size_t(incoming.size()));
        std::memcpy(buffer, incoming.constData(), size);
        incoming.remove(0, int(size));
        return size;
    }
    bool write(const uint8_t *data, size_t size) override
    {
        if (!writable)
            return false;
        outgoing.append(reinterpret_cast<const char *>(data), int(size));
        return true;
    }
    QByteArray incoming;
    QByteArray outgoing;
    bool writable = true;
};

class FakeClock final : public Clock
{
public:
    uint32_t nowMs() override { return now; }
    uint32_t now = 5000;
};

// Survives a simulated reset: a new app instance loads what the old one saved.
class MemoryStore final : public DeviceStore
{
public:
    bool load(DeviceRecord &record) override
    {
        if (!hasRecord)
            return false;
        record = stored;
        return true;
    }
    bool save(const DeviceRecord &record) override
    {
        if (failSaves)
            return false;
        stored = record;
        hasRecord = true;
        ++saves;
        return true;
    }
    DeviceRecord stored = {};
    bool hasRecord = false;
    bool failSaves = false;
    int saves = 0;
};

class FakeEntropy final : public EntropySource
{
public:
    bool fill(uint8_t *output, size_t size) override
    {
        for (size_t i = 0; i < size; ++i)
            output[i] = uint8_t(seed + 31 * i);
        return true;
    }
    uint8_t seed = 1;
};

class FakeThermometer final : public Sensors
{
public:
    uint8_t sensorCount() override { return 1; }
    bool sample(uint8_t index, SensorSample &sample) override
    {
        if (index != 0)
            return false;
        sample.value = value++;
        sample.scaleExponent = -2;
        sample.unit = "Cel";
        return true;
    }
    int32_t value = 2150;
};

class FakeLed final : public Actuators
{
public:
    uint8_t actuatorCount() override { return 1; }
    P::CommandStatus apply(uint8_t, int32_t requested, int32_t &valueNow) override
    {
        if (requested == 0 || requested == 1)
            value = requested;
        valueNow = value;
        return requested == 0 || requested == 1 ? P::CommandStatus::Done
                                                : P::CommandStatus::ValueOutOfRange;
    }
    int32_t value = 0;
};

SensorNodeSettings testSettings()
{
    SensorNodeSettings settings = defaultSettings("1.2.3", "test-board");
    settings.reportingIntervalMsOverride = 10000;
    return settings;
}

DeviceConfig testConfig()
{
    DeviceConfig config = {};
    config.panId = 0x3332;
    config.channel = 15;
    config.classAttributes.vendor.assign("acme", 4);
    config.classAttributes.type.assign("thermo", 6);
    config.classAttributes.subscriber.assign("sub-1", 5);
    config.reportingIntervalS = 60;
    return config;
}

// One device on a bench: its board fakes and the app, started with begin().
struct Node
{
    explicit Node(MemoryStore &memory, const SensorNodeSettings &settings = testSettings())
        : store(memory), app(link, clock, store, entropy, thermometer, led, settings)
    {
        app.begin(kDeviceId);
        collector.setSession(&session);
    }

    // A frame to the device, sealed once the link is open (for the types that are sealed).
    template<typename Message>
    QByteArray toDevice(const Message &message, uint16_t seq)
    {
        if (session.isOpen() && P::isSealedType(uint8_t(Message::kType)))
            return session.sealMessage(message, seq);
        return messageFrame(message, seq);
    }
    QByteArray ack(uint32_t counter, uint16_t seq)
    {
        P::AckMessage message;
        message.ackedSeq = 0;
        message.hasReadingCounter = true;
        message.readingCounter = counter;
        return toDevice(message, seq);
    }

    // Feeds bytes from the peer, runs one poll and returns the frames the device sent.
    QList<LinkFrame> exchange(const QByteArray &bytes)
    {
        link.incoming += bytes;
        app.poll();
        return sent();
    }
    QList<LinkFrame> advance(uint32_t ms)
    {
        clock.now += ms;
        app.poll();
        return sent();
    }
    QList<LinkFrame> sent()
    {
        collector.append(link.outgoing);
        link.outgoing.clear();
        return collector.take();
    }
    QByteArray publicKey() const
    {
        return QByteArray(1, char(0x04)) + bytesOf(app.record().publicKey, 64);
    }
    // Provisioned and locked through the app's API (the wire flow has its own test).
    void provision(uint8_t hostEntropySeed = 7)
    {
        QVERIFY(app.configure(testConfig(), u8(testAuthorityPoint()) + 1).ok);
        uint8_t hostEntropy[P::kHostEntropyBytes];
        std::memset(hostEntropy, hostEntropySeed, sizeof hostEntropy);
        uint8_t publicKey[P::kPublicKeyBytes];
        QVERIFY(app.generateKey(hostEntropy, publicKey).ok);
        QVERIFY(app.lock(kDeviceId).ok);
    }
    // ATTACH_CHALLENGE → ATTACH_PROOF (checked with OpenSSL) → ATTACH_ACCEPT. Returns the
    // frames sent after the ACCEPT in the same poll (the resends that waited for an attach).
    QList<LinkFrame> attach()
    {
        sent();
        session.restart();
        QList<LinkFrame> frames = exchange(messageFrame(session.challenge(), 900));
        if (frames.isEmpty()) {
            QTest::qFail("no ATTACH_PROOF", __FILE__, __LINE__);
            return frames;
        }
        QCOMPARE_OR_FAIL(session.checkProof(frames.takeFirst(), kDeviceIdBytes, publicKey()),
                         QString(), frames);
        frames += exchange(messageFrame(session.accept(kDeviceIdBytes), 901));
        if (!app.isAttached())
            QTest::qFail("not attached", __FILE__, __LINE__);
        return frames;
    }

    MemoryStore &store;
    FakeLink link;
    FakeClock clock;
    FakeEntropy entropy;
    FakeThermometer thermometer;
    FakeLed led;
    SensorNodeApp app;
    FrameCollector collector;
    GatewaySession session;
};

QList<LinkFrame> ofType(const QList<LinkFrame> &frames, P::MessageType type)
{
    QList<LinkFrame> matching;
    for (const LinkFrame &frame : frames) {
        if (frame.type == uint8_t(type))
            matching.append(frame);
    }
    return matching;
}

// The counter of a READING whose signature verifies; 0 (never used) when it does not.
uint32_t verifiedCounter(const LinkFrame &frame, const QByteArray &publicKey)
{
    P::SignedReading reading;
    if (frame.type != uint8_t(P::MessageType::Reading) ||
        !verifySignedReading(frame.payload, publicKey, reading).isEmpty())
        return 0;
    return reading.counter;
}

bool isError(const LinkFrame &frame, P::ErrorCode code, uint16_t refersToSeq)
{
    P::ErrorMessage error;
    return decodeAs(frame, error) && error.code == code && error.refersToSeq == refersToSeq;
}

} // namespace

class TestSensorNodeApp : public QObject
{
    Q_OBJECT

private slots:
    void factoryInfo();
    void provisioningOverTheLink();
    void provisioningRefusals();
    void keyDependsOnDeviceAndHostEntropy();
    void genKeyStorageFailureKeepsState();
    void helloRepeatsUntilChallenge();
    void attachProofAndReattach();
    void forgedAcceptChangesNothing();
    void sealedLinkDropsInjectedFrames();
    void unansweredResendsOrTimeoutAttachAgain();
    void gatewayThatForgotTheDeviceGetsHello();
    void readingsAtIntervalWithIncreasingCounters();
    void resendUntilAcknowledged();
    void ringOverflowDropsOldest();
    void lostFrameDelaysNewerReadings();
    void counterNeverRepeatsAfterReset();
    void commandDrivesLed();
    void garbageAndUnusableFrames();
    void operationalMessagesNeedProvisioning();
    void firstLayoutDeviceTakesTheAuthorityOnce();
};

void TestSensorNodeApp::factoryInfo()
{
    MemoryStore store;
    Node node(store);
    QVERIFY(store.hasRecord); // the factory record was saved
    QCOMPARE(node.app.provisioningState(), P::ProvisioningState::Factory);
    QCOMPARE(node.advance(10000).size(), 0); // no HELLO while unlocked

    const QList<LinkFrame> frames = node.exchange(messageFrame(P::ProvInfoRequestMessage(), 1));
    QCOMPARE(frames.size(), 1);
    P::ProvInfoResponseMessage info;
    QVERIFY(decodeAs(frames[0], info));
    QCOMPARE(bytesOf(info.deviceId, 8), kDeviceIdBytes);
    QVERIFY(info.firmwareVersion.equals("1.2.3", 5));
    QVERIFY(info.board.equals("test-board", 10));
    QCOMPARE(info.state, P::ProvisioningState::Factory);
    QCOMPARE(info.capabilities, uint16_t(P::kCapabilityReadings | P::kCapabilityCommands |
                                         P::kCapabilityProvisioning));
    QVERIFY(!info.hasPublicKey);
}

void TestSensorNodeApp::provisioningOverTheLink()
{
    MemoryStore store;
    Node node(store);

    P::ProvSetConfigMessage setConfig;
    const DeviceConfig config = testConfig();
    setConfig.panId = config.panId;
    setConfig.channel = config.channel;
    setConfig.classAttributes = config.classAttributes;
    setConfig.reportingIntervalS = config.reportingIntervalS;
    std::memcpy(setConfig.authorityKey, testAuthorityPoint().constData(), 65);
    QList<LinkFrame> frames = node.exchange(messageFrame(setConfig, 10));
    QCOMPARE(frames.size(), 1);
    P::AckMessage ack;
    QVERIFY(decodeAs(frames[0], ack));
    QCOMPARE(ack.ackedSeq, uint16_t(10));
    QVERIFY(!ack.hasReadingCounter);
    QCOMPARE(node.app.provisioningState(), P::ProvisioningState::Configured);
    QCOMPARE(store.stored.config.channel, uint8_t(15));

    P::ProvGenKeyRequestMessage genKey;
    std::memset(genKey.hostEntropy, 0xa5, sizeof genKey.hostEntropy);
    frames = node.exchange(messageFrame(genKey, 11));
    QCOMPARE(frames.size(), 1);
    P::ProvGenKeyResponseMessage keyResponse;
    QVERIFY(decodeAs(frames[0], keyResponse));
    const QByteArray publicKey = bytesOf(keyResponse.publicKey, 65);
    QVERIFY(Portal::Crypto::Es256PublicKey::fromUncompressedPoint(
                Portal::Crypto::ByteView(keyResponse.publicKey, 65))
                .ok());
    QCOMPARE(publicKey, node.publicKey());
    QCOMPARE(node.app.provisioningState(), P::ProvisioningState::KeyGenerated);
    QVERIFY(store.stored.hasKey);

    // PROV_INFO now carries the same key.
    frames = node.exchange(messageFrame(P::ProvInfoRequestMessage(), 12));
    P::ProvInfoResponseMessage info;
    QVERIFY(decodeAs(frames.value(0), info));
    QVERIFY(info.hasPublicKey);
    QCOMPARE(bytesOf(info.publicKey, 65), publicKey);
    QCOMPARE(info.state, P::ProvisioningState::KeyGenerated);

    // A test reading verifies with OpenSSL against the key the wizard received.
    P::ProvTestReadingRequestMessage testReading;
    testReading.sensorIndex = 0;
    frames = node.exchange(messageFrame(testReading, 13));
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames[0].type, uint8_t(P::MessageType::ProvTestReadingResponse));
    P::SignedReading reading;
    QCOMPARE(verifySignedReading(frames[0].payload, publicKey, reading), QString());
    QCOMPARE(bytesOf(reading.deviceId, 8), kDeviceIdBytes);
    QCOMPARE(reading.value, 2150);
    QCOMPARE(reading.scaleExponent, int8_t(-2));
    QCOMPARE(QByteArray(reading.unit, reading.unitSize), QByteArray("Cel"));
    QVERIFY(reading.counter >= kFirstReadingCounter);
    QCOMPARE(node.app.pendingReadings().count(), uint8_t(0)); // not queued

    // A lock naming another device is refused; the right id locks.
    P::ProvLockMessage lock;
    std::memset(lock.deviceId, 0xee, sizeof lock.deviceId);
    frames = node.exchange(messageFrame(lock, 14));
    QVERIFY(isError(frames.value(0), P::ErrorCode::InvalidArgument, 14));
    std::memcpy(lock.deviceId, kDeviceId, sizeof lock.deviceId);
    frames = node.exchange(messageFrame(lock, 15));
    QVERIFY(!frames.isEmpty());
    QVERIFY(decodeAs(frames[0], ack));
    QCOMPARE(ack.ackedSeq, uint16_t(15));
    QVERIFY(store.stored.locked);
    QCOMPARE(node.app.provisioningState(), P::ProvisioningState::Locked);
    // Operational from now on: HELLO right away (same poll) …
    QCOMPARE(ofType(frames + node.advance(0), P::MessageType::Hello).size(), 1);
    // … and provisioning is closed, except PROV_INFO.
    frames = node.exchange(messageFrame(setConfig, 16));
    QVERIFY(isError(frames.value(0), P::ErrorCode::Locked, 16));
    frames = node.exchange(messageFrame(genKey, 17));
    QVERIFY(isError(frames.value(0), P::ErrorCode::Locked, 17));
    frames = node.exchange(messageFrame(P::ProvInfoRequestMessage(), 18));
    QVERIFY(decodeAs(frames.value(0), info));
    QCOMPARE(info.state, P::ProvisioningState::Locked);
    QCOMPARE(info.capabilities, uint16_t(P::kCapabilityReadings | P::kCapabilityCommands));

    // The private key never left the device.
    QVERIFY(!node.link.outgoing.contains(bytesOf(store.stored.privateKey, 32)));
}

void TestSensorNodeApp::provisioningRefusals()
{
    MemoryStore store;
    Node node(store);
    P::ProvLockMessage lock;
    std::memcpy(lock.deviceId, kDeviceId, sizeof lock.deviceId);
    QVERIFY(isError(node.exchange(messageFrame(lock, 1)).value(0), P::ErrorCode::BadState, 1));

    P::ProvTestReadingRequestMessage testReading;
    testReading.sensorIndex = 0;
    QVERIFY(isError(node.exchange(messageFrame(testReading, 2)).value(0),
                    P::ErrorCode::NotProvisioned, 2));

    node.provision();
    node.sent();
    // Already locked by provision(): every step refuses now.
    QCOMPARE(node.app.configure(testConfig(), u8(testAuthorityPoint()) + 1).error,
             P::ErrorCode::Locked);

    MemoryStore otherStore;
    Node unlocked(otherStore);
    QVERIFY(unlocked.app.configure(testConfig(), u8(testAuthorityPoint()) + 1).ok);
    uint8_t hostEntropy[P::kHostEntropyBytes] = {};
    uint8_t publicKey[P::kPublicKeyBytes];
    QVERIFY(unlocked.app.generateKey(hostEntropy, publicKey).ok);
    testReading.sensorIndex = 3; // no such sensor
    QVERIFY(isError(unlocked.exchange(messageFrame(testReading, 3)).value(0),
                    P::ErrorCode::InvalidArgument, 3));
    // A config that decodes but breaks a bound (channel 27) is malformed on the wire.
    const QByteArray badChannel = QByteArray::fromHex("a60119333202181b03600460056006183c");
    QVERIFY(
        isError(unlocked.exchange(frameBytes(uint8_t(P::MessageType::ProvSetConfig), 4, badChannel))
                    .value(0),
                P::ErrorCode::Malformed, 4));
    DeviceConfig config = testConfig();
    config.channel = 27;
    QCOMPARE(unlocked.app.configure(config, u8(testAuthorityPoint()) + 1).error,
             P::ErrorCode::InvalidArgument);
    // An authority key that is not a point on P-256 is refused too.
    uint8_t offCurve[64] = {};
    offCurve[63] = 1;
    QCOMPARE(unlocked.app.configure(testConfig(), offCurve).error, P::ErrorCode::InvalidArgument);
}

void TestSensorNodeApp::keyDependsOnDeviceAndHostEntropy()
{
    const auto publicKeyFor = [](uint8_t deviceSeed, uint8_t hostSeed) {
        MemoryStore store;
        Node node(store);
        node.entropy.seed = deviceSeed;
        uint8_t hostEntropy[P::kHostEntropyBytes];
        std::memset(hostEntropy, hostSeed, sizeof hostEntropy);
        uint8_t publicKey[P::kPublicKeyBytes];
        if (!node.app.generateKey(hostEntropy, publicKey).ok)
            return QByteArray();
        return bytesOf(publicKey, sizeof publicKey);
    };
    const QByteArray base = publicKeyFor(1, 1);
    QCOMPARE(base.size(), 65);
    QVERIFY(Portal::Crypto::Es256PublicKey::fromUncompressedPoint(
                Portal::Crypto::ByteView(reinterpret_cast<const uint8_t *>(base.constData()), 65))
                .ok());
    // Both inputs, and nothing else, determine the key.
    QCOMPARE(publicKeyFor(1, 1), base);
    QVERIFY(publicKeyFor(1, 2) != base);
    QVERIFY(publicKeyFor(2, 1) != base);
    QVERIFY(publicKeyFor(1, 2) != publicKeyFor(2, 1));
}

void TestSensorNodeApp::genKeyStorageFailureKeepsState()
{
    MemoryStore store;
    Node node(store);
    QVERIFY(node.app.configure(testConfig(), u8(testAuthorityPoint()) + 1).ok);
    store.failSaves = true;
    P::ProvGenKeyRequestMessage genKey;
    std::memset(genKey.hostEntropy, 3, sizeof genKey.hostEntropy);
    QVERIFY(isError(node.exchange(messageFrame(genKey, 5)).value(0), P::ErrorCode::Internal, 5));
    QCOMPARE(node.app.provisioningState(), P::ProvisioningState::Configured);
    QVERIFY(!node.app.record().hasKey);
    QCOMPARE(node.app.stats().storageFailures, 1u);
}

void TestSensorNodeApp::helloRepeatsUntilChallenge()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    QList<LinkFrame> frames = node.advance(0);
    QCOMPARE(frames.size(), 1);
    P::HelloMessage hello;
    QVERIFY(decodeAs(frames[0], hello));
    QCOMPARE(bytesOf(hello.deviceId, 8), kDeviceIdBytes);
    QVERIFY(hello.firmwareVersion.equals("1.2.3", 5));
    QVERIFY(hello.classAttributes.vendor.equals("acme", 4));
    QVERIFY(hello.classAttributes.type.equals("thermo", 6));
    QVERIFY(hello.classAttributes.subscriber.equals("sub-1", 5));
    QCOMPARE(hello.capabilities, uint16_t(P::kCapabilityReadings | P::kCapabilityCommands));
    QCOMPARE(bytesOf(hello.publicKey, 65), node.publicKey());

    QCOMPARE(node.advance(2999).size(), 0);
    QCOMPARE(ofType(node.advance(1), P::MessageType::Hello).size(), 1);
    QCOMPARE(ofType(node.advance(3000), P::MessageType::Hello).size(), 1);
    QCOMPARE(node.app.stats().hellosSent, 3u);

    node.attach();
    QCOMPARE(ofType(node.advance(3000) + node.advance(3000), P::MessageType::Hello).size(), 0);
    // A new connection (simulator) attaches again from HELLO.
    node.app.linkRestarted();
    QCOMPARE(ofType(node.advance(0), P::MessageType::Hello).size(), 1);
}

void TestSensorNodeApp::attachProofAndReattach()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    node.attach();
    // A fresh challenge at any time is answered with a proof over the new challenge and G.
    node.attach();
    QCOMPARE(node.app.stats().attaches, 2u);
    QCOMPARE(node.app.stats().proofsSent, 2u);

    // A proof checked against another challenge and G must not verify (the check can fail).
    const QList<LinkFrame> frames = node.exchange(messageFrame(node.session.challenge(), 7));
    node.session.restart();
    QVERIFY(!node.session.checkProof(frames.value(0), kDeviceIdBytes, node.publicKey()).isEmpty());
}

void TestSensorNodeApp::forgedAcceptChangesNothing()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    node.sent();
    QList<LinkFrame> frames = node.exchange(messageFrame(node.session.challenge(), 1));
    QCOMPARE(node.session.checkProof(frames.value(0), kDeviceIdBytes, node.publicKey()), QString());

    // Signed by a key that is not the provisioned authority, or naming another gateway than
    // the one signed for: refused, counted, the exchange still pending.
    const auto impostor = std::move(*Portal::Crypto::PrivateKey::generateP256());
    QCOMPARE(
        node.exchange(messageFrame(node.session.accept(kDeviceIdBytes, "test-gw", impostor), 2))
            .size(),
        0);
    P::AttachAcceptMessage renamed = node.session.accept(kDeviceIdBytes, "test-gw");
    renamed.gatewayId.assign("other-gw", 8);
    QCOMPARE(node.exchange(messageFrame(renamed, 3)).size(), 0);
    QVERIFY(!node.app.isAttached());
    QCOMPARE(node.app.stats().acceptsRefused, 2u);
    QCOMPARE(node.app.stats().attaches, 0u);

    // The genuine ACCEPT still attaches, and the first reading comes sealed.
    node.exchange(messageFrame(node.session.accept(kDeviceIdBytes), 4));
    QVERIFY(node.app.isAttached());
    frames = node.advance(10000);
    QCOMPARE(frames.size(), 1);
    QVERIFY(frames[0].sealed);
    QCOMPARE(frames[0].counter, 1u);
    QVERIFY(verifiedCounter(frames[0], node.publicKey()) != 0);
    // An ACCEPT with no exchange pending is refused too.
    QCOMPARE(node.exchange(messageFrame(node.session.accept(kDeviceIdBytes), 5)).size(), 0);
    QCOMPARE(node.app.stats().acceptsRefused, 3u);
}

void TestSensorNodeApp::sealedLinkDropsInjectedFrames()
{
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.reportingIntervalMsOverride = 60000;
    Node node(store, settings);
    node.provision();
    node.attach();
    const QList<LinkFrame> first = node.advance(60000);
    const uint32_t counter = verifiedCounter(first.value(0), node.publicKey());
    QVERIFY(counter != 0);

    // An unsealed ACK, a sealed one with a flipped tag bit, and one replaying a used counter:
    // all dropped and counted; the reading stays pending.
    P::AckMessage ack;
    ack.ackedSeq = 0;
    ack.hasReadingCounter = true;
    ack.readingCounter = counter;
    QCOMPARE(node.exchange(messageFrame(ack, 50)).size(), 0);
    QByteArray tampered = node.session.sealMessage(ack, 51);
    P::FrameReader reader;
    QByteArray decoded;
    {
        // Flip one bit of the tag inside the COBS-decoded body, then encode it again.
        const auto *bytes = u8(tampered);
        for (int i = 0; i < tampered.size(); ++i) {
            if (reader.feed(bytes[i])) {
                const P::Frame &frame = reader.frame();
                decoded = bytesOf(frame.payload.data, frame.payload.size);
                decoded[decoded.size() - 1] = char(decoded[decoded.size() - 1] ^ 0x01);
                tampered = frameBytes(frame.type, frame.seq, decoded);
            }
        }
    }
    QCOMPARE(node.exchange(tampered).size(), 0);
    // A genuine ACK for a counter not pending (harmless), then the same bytes again.
    const QByteArray harmless = node.ack(counter + 1000, 52);
    QCOMPARE(node.exchange(harmless).size(), 0);
    QCOMPARE(node.exchange(harmless).size(), 0);
    QCOMPARE(node.app.stats().sealFailures, 3u);
    QCOMPARE(node.app.stats().readingsAcked, 0u);
    QCOMPARE(node.app.pendingReadings().count(), uint8_t(1));

    // An unsealed COMMAND does not switch the LED; a replayed sealed one does not either.
    P::CommandMessage command;
    command.commandId = 5;
    command.actuatorIndex = 0;
    command.value = 1;
    QCOMPARE(node.exchange(messageFrame(command, 53)).size(), 0);
    QCOMPARE(node.led.value, 0);
    const QByteArray sealedCommand = node.toDevice(command, 54);
    QCOMPARE(node.exchange(sealedCommand).size(), 1);
    QCOMPARE(node.led.value, 1);
    node.led.value = 0;
    QCOMPARE(node.exchange(sealedCommand).size(), 0);
    QCOMPARE(node.led.value, 0);
    QCOMPARE(node.app.stats().sealFailures, 5u);

    // The genuine ACK still works.
    QCOMPARE(node.exchange(node.ack(counter, 55)).size(), 0);
    QCOMPARE(node.app.stats().readingsAcked, 1u);
}

void TestSensorNodeApp::unansweredResendsOrTimeoutAttachAgain()
{
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.reportingIntervalMsOverride = 60000;
    Node node(store, settings);
    node.provision();
    node.attach();
    QCOMPARE(ofType(node.advance(60000), P::MessageType::Reading).size(), 1);
    // kResendsBeforeReattach resends without an ACK: HELLO, the link still in use.
    QList<LinkFrame> frames;
    for (uint8_t i = 0; i < kResendsBeforeReattach; ++i)
        frames += node.advance(2000);
    QCOMPARE(ofType(frames, P::MessageType::Reading).size(), int(kResendsBeforeReattach));
    QCOMPARE(ofType(frames, P::MessageType::Hello).size(), 1);
    QVERIFY(node.app.isAttached());

    // A challenge, a proof, and no ACCEPT within attachTimeoutMs: HELLO again.
    frames = node.exchange(messageFrame(node.session.challenge(), 60));
    QCOMPARE(ofType(frames, P::MessageType::AttachProof).size(), 1);
    QCOMPARE(ofType(node.advance(3000), P::MessageType::Hello).size(), 0);
    QCOMPARE(ofType(node.advance(settings.attachTimeoutMs), P::MessageType::Hello).size(), 1);
    // The old link still carries the pending reading.
    QVERIFY(node.app.isAttached());
}

void TestSensorNodeApp::gatewayThatForgotTheDeviceGetsHello()
{
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.reportingIntervalMsOverride = 60000; // one reading during the whole test
    Node node(store, settings);
    node.provision();
    node.attach();
    const QList<LinkFrame> first = node.advance(60000);
    const uint32_t counter = verifiedCounter(first.value(0), node.publicKey());
    QVERIFY(counter != 0);

    // Another error changes nothing: the reading is resent, no HELLO.
    P::ErrorMessage error;
    error.code = P::ErrorCode::Busy;
    error.refersToSeq = first[0].seq;
    QCOMPARE(node.exchange(node.toDevice(error, 30)).size(), 0);
    QVERIFY(node.app.isAttached());
    QCOMPARE(ofType(node.advance(2000), P::MessageType::Reading).size(), 1);

    // A restarted gateway (no link key) refuses the sealed resend with an unsealed BadState:
    // HELLO now. The old link stays until a new ACCEPT verifies (that ERROR could be forged).
    error.code = P::ErrorCode::BadState;
    QList<LinkFrame> frames = node.exchange(messageFrame(error, 31));
    QVERIFY(node.app.isAttached());
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames[0].type, uint8_t(P::MessageType::Hello));
    // HELLOs keep their interval: a gateway repeating BadState cannot make the device flood.
    QCOMPARE(node.exchange(messageFrame(error, 32)).size(), 0);
    QCOMPARE(ofType(node.advance(0), P::MessageType::Hello).size(), 0);
    QCOMPARE(ofType(node.advance(1000), P::MessageType::Hello).size(), 0);
    QCOMPARE(ofType(node.advance(2000), P::MessageType::Hello).size(), 1);

    // Attached again: the pending reading, unchanged, comes right after the ACCEPT.
    frames = node.attach();
    QCOMPARE(frames.size(), 1);
    QCOMPARE(frames[0].payload, first[0].payload);
    QCOMPARE(node.app.stats().errorsReceived, 3u);
}

void TestSensorNodeApp::readingsAtIntervalWithIncreasingCounters()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    node.attach();
    QCOMPARE(node.advance(9999).size(), 0);

    uint32_t previous = 0;
    for (int i = 0; i < 5; ++i) {
        const QList<LinkFrame> frames = node.advance(i == 0 ? 1 : 10000);
        QCOMPARE(frames.size(), 1);
        P::SignedReading reading;
        QCOMPARE(verifySignedReading(frames[0].payload, node.publicKey(), reading), QString());
        QVERIFY2(reading.counter > previous, "counters strictly increase");
        previous = reading.counter;
        QCOMPARE(reading.value, 2150 + i);
        QCOMPARE(QByteArray(reading.unit, reading.unitSize), QByteArray("Cel"));
        QCOMPARE(bytesOf(reading.deviceId, 8), kDeviceIdBytes);
        node.exchange(node.ack(reading.counter, uint16_t(100 + i)));
    }
    QCOMPARE(node.app.stats().readingsCreated, 5u);
    QCOMPARE(node.app.stats().readingsAcked, 5u);
    QCOMPARE(node.app.pendingReadings().count(), uint8_t(0));
}

void TestSensorNodeApp::resendUntilAcknowledged()
{
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.reportingIntervalMsOverride = 60000; // one reading during the whole test
    Node node(store, settings);
    node.provision();
    node.attach();
    const QList<LinkFrame> first = node.advance(60000);
    QCOMPARE(first.size(), 1);
    const uint32_t counter = verifiedCounter(first[0], node.publicKey());
    QVERIFY(counter != 0);

    QCOMPARE(node.advance(1999).size(), 0);
    QList<LinkFrame> resent = node.advance(1);
    QCOMPARE(resent.size(), 1);
    QCOMPARE(resent[0].payload, first[0].payload); // the same signed bytes
    QVERIFY(resent[0].seq != first[0].seq);
    resent = node.advance(2000);
    QCOMPARE(resent.size(), 1);
    QCOMPARE(resent[0].payload, first[0].payload);

    // An ACK for another counter changes nothing; the right one ends the resends.
    QCOMPARE(node.exchange(node.ack(counter + 100, 1)).size(), 0);
    QCOMPARE(node.advance(2000).size(), 1);
    QCOMPARE(node.exchange(node.ack(counter, 2)).size(), 0);
    QCOMPARE(node.advance(2000).size(), 0);
    QCOMPARE(node.advance(2000).size(), 0);
    QCOMPARE(node.app.stats().readingsResent, 3u);
    QCOMPARE(node.app.stats().readingsAcked, 1u);
}

void TestSensorNodeApp::ringOverflowDropsOldest()
{
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.resendIntervalMs = 600000; // keep resends out of the way while the ring fills
    Node node(store, settings);
    node.provision();
    node.attach();
    // Only the oldest pending reading is on the wire; when the full ring pushes it out, the
    // next oldest goes out at once.
    QList<uint32_t> sent;
    for (int i = 0; i < ReadingRing::Capacity + 2; ++i) {
        for (const LinkFrame &frame : node.advance(10000)) {
            sent.append(verifiedCounter(frame, node.publicKey()));
            QVERIFY(sent.last() != 0);
        }
    }
    const ReadingRing &ring = node.app.pendingReadings();
    QCOMPARE(int(ring.count()), int(ReadingRing::Capacity));
    QCOMPARE(node.app.stats().readingsCreated, uint32_t(ReadingRing::Capacity + 2));
    QCOMPARE(node.app.stats().readingsDropped, 2u);
    QList<uint32_t> kept;
    for (uint8_t i = 0; i < ring.count(); ++i)
        kept.append(ring.at(i).counter);
    QCOMPARE(sent.size(), 3);
    QCOMPARE(sent.last(), kept.first());
    QVERIFY(sent[0] < sent[1] && sent[1] < kept.first());

    // A new attach sends the oldest kept at once; each ACK lets the next one out, in order.
    QList<uint32_t> delivered;
    QList<LinkFrame> frames = node.attach();
    for (uint16_t seq = 300; !frames.isEmpty() && delivered.size() <= kept.size(); ++seq) {
        QCOMPARE(frames.size(), 1);
        delivered.append(verifiedCounter(frames[0], node.publicKey()));
        frames = node.exchange(node.ack(delivered.last(), seq));
    }
    QCOMPARE(delivered, kept);
    QCOMPARE(int(ring.count()), 0);
}

void TestSensorNodeApp::lostFrameDelaysNewerReadings()
{
    // The gateway never saw the first reading (a lost frame): the ones created after it wait
    // for its ACK instead of overtaking it, so they reach the gateway in counter order.
    MemoryStore store;
    SensorNodeSettings settings = testSettings();
    settings.reportingIntervalMsOverride = 1000;
    settings.resendIntervalMs = 2500;
    Node node(store, settings);
    node.provision();
    node.attach();
    const QList<LinkFrame> first = node.advance(1000);
    QCOMPARE(first.size(), 1);
    const uint32_t oldest = verifiedCounter(first[0], node.publicKey());
    QVERIFY(oldest != 0);
    QCOMPARE(node.advance(1000).size(), 0);            // created, held back
    const QList<LinkFrame> again = node.advance(1500); // a third created; the oldest is due
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].payload, first[0].payload);
    QCOMPARE(node.app.stats().readingsResent, 1u);

    QList<uint32_t> delivered{oldest};
    QList<LinkFrame> frames = node.exchange(node.ack(oldest, 7));
    for (uint16_t seq = 8; !frames.isEmpty() && delivered.size() < 10; ++seq) {
        QCOMPARE(frames.size(), 1);
        delivered.append(verifiedCounter(frames[0], node.publicKey()));
        frames = node.exchange(node.ack(delivered.last(), seq));
    }
    QCOMPARE(delivered.size(), 3);
    QVERIFY(delivered[0] < delivered[1] && delivered[1] < delivered[2]);
}

void TestSensorNodeApp::counterNeverRepeatsAfterReset()
{
    MemoryStore store;
    uint32_t highest = 0;
    {
        Node node(store);
        node.provision();
        node.attach();
        // Readings that are never acknowledged, crossing a reservation block; the ring keeps
        // the newest.
        for (int i = 0; i < 20; ++i)
            node.advance(10000);
        const ReadingRing &ring = node.app.pendingReadings();
        QVERIFY(ring.count() > 0);
        highest = ring.at(uint8_t(ring.count() - 1)).counter;
        QCOMPARE(node.app.stats().readingsCreated, 20u);
        // A test reading before the reset would also have used a counter; none is reused.
    }
    QVERIFY(highest >= 20);
    const int savesBefore = store.saves;
    for (int reset = 0; reset < 3; ++reset) {
        Node node(store); // the reset: a new instance over the same storage
        QVERIFY(node.app.record().locked);
        node.attach();
        const QList<LinkFrame> frames = ofType(node.advance(10000), P::MessageType::Reading);
        QCOMPARE(frames.size(), 1);
        const uint32_t counter = verifiedCounter(frames[0], node.publicKey());
        QVERIFY2(counter > highest, "a counter after a reset lies above every earlier one");
        highest = counter;
    }
    // Storage is written once per block of counters, not per reading.
    QVERIFY(store.saves - savesBefore <= 3);
}

void TestSensorNodeApp::commandDrivesLed()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    node.attach();

    P::CommandMessage command;
    command.commandId = 7;
    command.actuatorIndex = 0;
    command.value = 1;
    QList<LinkFrame> frames = node.exchange(node.toDevice(command, 40));
    P::CommandStatusMessage status;
    QVERIFY(decodeAs(frames.value(0), status));
    QCOMPARE(status.commandId, 7u);
    QCOMPARE(status.status, P::CommandStatus::Done);
    QCOMPARE(status.value, 1);
    QCOMPARE(node.led.value, 1);

    command.commandId = 8;
    command.actuatorIndex = 3;
    QVERIFY(decodeAs(node.exchange(node.toDevice(command, 41)).value(0), status));
    QCOMPARE(status.commandId, 8u);
    QCOMPARE(status.status, P::CommandStatus::UnknownActuator);

    command.commandId = 9;
    command.actuatorIndex = 0;
    command.value = 5;
    QVERIFY(decodeAs(node.exchange(node.toDevice(command, 42)).value(0), status));
    QCOMPARE(status.status, P::CommandStatus::ValueOutOfRange);
    QCOMPARE(status.value, 1); // unchanged
    QCOMPARE(node.led.value, 1);
}

void TestSensorNodeApp::garbageAndUnusableFrames()
{
    MemoryStore store;
    Node node(store);
    node.provision();
    node.attach();

    // Noise, a frame with a broken CRC and an oversize run: dropped, counted, never answered.
    QByteArray corrupted = messageFrame(P::ProvInfoRequestMessage(), 3);
    corrupted[corrupted.size() - 2] = char(corrupted[corrupted.size() - 2] ^ 0x01);
    const QByteArray noise = QByteArray::fromHex("1337deadbeef00") + corrupted +
                             QByteArray(300, char(0x41)) + QByteArray(1, char(0));
    QCOMPARE(node.exchange(noise).size(), 0);
    const P::FrameDropCounters &drops = node.app.frameDrops();
    QCOMPARE(drops.badCrc, 1u);
    QCOMPARE(drops.oversize, 1u);
    QVERIFY(drops.badCobs + drops.tooShort + drops.badCrc >= 2);

    // Unknown type, a device-only message and a malformed COMMAND: ERROR with their seq.
    QList<LinkFrame> frames = node.exchange(frameBytes(0x55, 77, QByteArray::fromHex("a0")));
    QCOMPARE(frames.size(), 1);
    QVERIFY(isError(frames[0], P::ErrorCode::UnknownMessageType, 77));
    frames = node.exchange(node.session.seal(uint8_t(P::MessageType::Reading), 78, QByteArray()));
    QVERIFY(frames.value(0).sealed);
    QVERIFY(isError(frames.value(0), P::ErrorCode::UnknownMessageType, 78));
    frames = node.exchange(
        node.session.seal(uint8_t(P::MessageType::Command), 79, QByteArray::fromHex("a10101")));
    QVERIFY(isError(frames.value(0), P::ErrorCode::Malformed, 79));
    // An ERROR from the peer is counted and never answered.
    P::ErrorMessage peerError;
    peerError.code = P::ErrorCode::Busy;
    peerError.refersToSeq = 1;
    QCOMPARE(node.exchange(node.toDevice(peerError, 80)).size(), 0);
    QCOMPARE(node.app.stats().errorsReceived, 1u);
    QCOMPARE(node.app.stats().errorsSent, 3u);

    // The stream is intact: a valid COMMAND split across polls right after noise still works.
    P::CommandMessage command;
    command.commandId = 1;
    command.actuatorIndex = 0;
    command.value = 1;
    const QByteArray valid = QByteArray::fromHex("ff00") + node.toDevice(command, 81);
    QCOMPARE(node.exchange(valid.left(5)).size(), 0);
    P::CommandStatusMessage status;
    QVERIFY(decodeAs(node.exchange(valid.mid(5)).value(0), status));
    QCOMPARE(status.status, P::CommandStatus::Done);
    // And readings continue.
    QCOMPARE(ofType(node.advance(10000), P::MessageType::Reading).size(), 1);
}

void TestSensorNodeApp::operationalMessagesNeedProvisioning()
{
    MemoryStore store;
    Node node(store);
    QVERIFY(isError(node.exchange(messageFrame(node.session.challenge(), 5)).value(0),
                    P::ErrorCode::NotProvisioned, 5));
    P::CommandMessage command;
    command.commandId = 1;
    command.actuatorIndex = 0;
    command.value = 1;
    QVERIFY(
        isError(node.exchange(messageFrame(command, 6)).value(0), P::ErrorCode::NotProvisioned, 6));
    QVERIFY(!node.app.isAttached());
    QCOMPARE(node.led.value, 0);
}

void TestSensorNodeApp::firstLayoutDeviceTakesTheAuthorityOnce()
{
    // A device provisioned before device-link version 2: its record (migrated from the first
    // layout) is locked and holds no authority key.
    MemoryStore store;
    {
        Node node(store);
        node.provision();
    }
    store.stored.hasAuthority = false;
    memset(store.stored.authorityKey, 0, sizeof store.stored.authorityKey);
    Node node(store);
    QVERIFY(node.app.record().locked);
    QVERIFY(isError(node.exchange(messageFrame(node.session.challenge(), 1)).value(0),
                    P::ErrorCode::NotProvisioned, 1));
    P::ProvInfoResponseMessage info;
    QVERIFY(decodeAs(ofType(node.exchange(messageFrame(P::ProvInfoRequestMessage(), 2)),
                            P::MessageType::ProvInfoResponse)
                         .value(0),
                     info));
    QCOMPARE(info.state, P::ProvisioningState::Locked);
    QVERIFY(!info.hasAuthority);

    // Locked, yet PROV_SET_AUTHORITY is taken: an off-curve key is refused first.
    P::ProvSetAuthorityMessage authority;
    std::memset(authority.authorityKey, 0x01, sizeof authority.authorityKey);
    authority.authorityKey[0] = 0x04;
    QVERIFY(isError(node.exchange(messageFrame(authority, 3)).value(0),
                    P::ErrorCode::InvalidArgument, 3));
    std::memcpy(authority.authorityKey, testAuthorityPoint().constData(), 65);
    P::AckMessage ack;
    QVERIFY(decodeAs(
        ofType(node.exchange(messageFrame(authority, 4)), P::MessageType::Ack).value(0), ack));
    QCOMPARE(ack.ackedSeq, uint16_t(4));
    QVERIFY(store.stored.hasAuthority);
    // Once only.
    QVERIFY(isError(node.exchange(messageFrame(authority, 5)).value(0), P::ErrorCode::BadState, 5));
    // It attaches now, through the portal's authorisation.
    node.attach();
    QVERIFY(node.app.isAttached());
}

QTEST_APPLESS_MAIN(TestSensorNodeApp)
#include "tst_sensornodeapp.moc"
