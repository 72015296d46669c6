#include "sensornodeapp.h"

#include "devicekey.h"

#include <firmware/crypto/bytes.h>
#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/hmacsha256.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/sha256.h>
#include <portal-core/protocol/cose.h>

#include <string.h>

namespace Portal {
namespace SensorNode {

using Protocol::ErrorCode;
using Protocol::Frame;
using Protocol::MessageError;
using Protocol::MessageType;

namespace {

// Counters reserved per save: a reset skips at most this many, and the store is written once
// per block (EEPROM cells endure ~100k writes).
constexpr uint32_t kCounterBlock = 16;
constexpr uint32_t kLastCounter = 0xFFFFFFFFu;
// Bytes taken from the link per read; a bounded number of reads per poll keeps the timers
// running under a flood.
constexpr size_t kReadChunkBytes = 32;
constexpr uint8_t kMaxReadsPerPoll = 16;

void bump(uint32_t &counter)
{
    if (counter != 0xFFFFFFFFu)
        ++counter;
}

// True once `nowMs` is at or past `deadlineMs`, across the 2^32 wrap (deadlines lie less than
// 2^31 ms ahead).
bool reached(uint32_t nowMs, uint32_t deadlineMs)
{
    return uint32_t(nowMs - deadlineMs) < 0x80000000u;
}

// HMAC-SHA-256 under the link key, for encodeSealedFrame / openSealedFrame.
class LinkHmac final
{
public:
    explicit LinkHmac(const uint8_t key[Protocol::kLinkKeyBytes]) : m_key(key) {}
    ~LinkHmac() { m_hmac.wipe(); }
    LinkHmac(const LinkHmac &) = delete;
    LinkHmac &operator=(const LinkHmac &) = delete;

    Protocol::LinkMac table()
    {
        Protocol::LinkMac mac;
        mac.context = this;
        mac.begin = [](void *context) {
            LinkHmac *self = static_cast<LinkHmac *>(context);
            self->m_hmac.init(self->m_key, Protocol::kLinkKeyBytes);
        };
        mac.update = [](void *context, const uint8_t *data, size_t size) {
            static_cast<LinkHmac *>(context)->m_hmac.update(data, size);
        };
        mac.finish = [](void *context, uint8_t tag[32]) {
            static_cast<LinkHmac *>(context)->m_hmac.finish(tag);
        };
        return mac;
    }

private:
    const uint8_t *m_key;
    FirmwareCrypto::HmacSha256 m_hmac;
};

void hashParts(const Protocol::SignedParts &parts, uint8_t digest[32])
{
    FirmwareCrypto::Sha256 sha;
    for (uint8_t i = 0; i < parts.count; ++i)
        sha.update(parts.part[i].data, parts.part[i].size);
    sha.finish(digest);
}

ProvisioningOutcome success()
{
    ProvisioningOutcome outcome = {true, ErrorCode::Internal};
    return outcome;
}

ProvisioningOutcome failure(ErrorCode error)
{
    ProvisioningOutcome outcome = {false, error};
    return outcome;
}

bool isConfigValid(const DeviceConfig &config)
{
    return config.channel >= Protocol::kMinChannel && config.channel <= Protocol::kMaxChannel &&
           config.reportingIntervalS >= Protocol::kMinReportingIntervalS &&
           config.reportingIntervalS <= Protocol::kMaxReportingIntervalS;
}

} // namespace

SensorNodeSettings defaultSettings(const char *firmwareVersion, const char *boardName)
{
    SensorNodeSettings settings;
    settings.firmwareVersion = firmwareVersion;
    settings.boardName = boardName;
    settings.helloIntervalMs = 3000;
    settings.resendIntervalMs = 2000;
    settings.reportingIntervalMsOverride = 0;
    settings.attachTimeoutMs = 30000;
    return settings;
}

SensorNodeApp::SensorNodeApp(ByteLink &link, Clock &clock, DeviceStore &store,
                             EntropySource &entropy, Sensors &sensors, Actuators &actuators,
                             const SensorNodeSettings &settings)
    : m_link(link), m_clock(clock), m_store(store), m_entropy(entropy), m_sensors(sensors),
      m_actuators(actuators), m_settings(settings), m_nextCounter(kFirstReadingCounter), m_txSeq(0),
      m_attached(false), m_readingTimerRunning(false), m_nextHelloMs(0), m_nextReadingMs(0),
      m_attachPending(false), m_reattachWanted(false), m_unansweredResends(0), m_attachStartedMs(0),
      m_txCounter(0), m_rxCounter(0)
{
    memset(&m_record, 0, sizeof m_record);
    memset(&m_stats, 0, sizeof m_stats);
    memset(m_linkKey, 0, sizeof m_linkKey);
    memset(m_ephemeralPrivateKey, 0, sizeof m_ephemeralPrivateKey);
}

SensorNodeApp::~SensorNodeApp()
{
    FirmwareCrypto::wipeSecret(m_record.privateKey, sizeof m_record.privateKey);
    FirmwareCrypto::wipeSecret(m_linkKey, sizeof m_linkKey);
    FirmwareCrypto::wipeSecret(m_ephemeralPrivateKey, sizeof m_ephemeralPrivateKey);
}

bool SensorNodeApp::begin(const uint8_t factoryDeviceId[Protocol::kDeviceIdBytes])
{
    bool saved = true;
    if (!m_store.load(m_record) || !isRecordConsistent(m_record)) {
        FirmwareCrypto::wipeSecret(&m_record, sizeof m_record);
        initFactoryRecord(m_record, factoryDeviceId);
        saved = saveRecord();
    }
    // Everything below counterLimit may have been used before the reset.
    m_nextCounter = m_record.counterLimit;
    m_attached = false;
    m_readingTimerRunning = false;
    m_nextHelloMs = m_clock.nowMs();
    return saved;
}

void SensorNodeApp::linkRestarted()
{
    m_reader.reset();
    m_attached = false;
    FirmwareCrypto::wipeSecret(m_linkKey, sizeof m_linkKey);
    endAttachExchange();
    m_nextHelloMs = m_clock.nowMs();
}

void SensorNodeApp::endAttachExchange()
{
    m_attachPending = false;
    FirmwareCrypto::wipeSecret(m_ephemeralPrivateKey, sizeof m_ephemeralPrivateKey);
}

Protocol::ProvisioningState SensorNodeApp::provisioningState() const
{
    return SensorNode::provisioningState(m_record);
}

void SensorNodeApp::poll()
{
    uint8_t chunk[kReadChunkBytes];
    for (uint8_t reads = 0; reads < kMaxReadsPerPoll; ++reads) {
        const size_t received = m_link.read(chunk, sizeof chunk);
        if (received == 0)
            break;
        size_t offset = 0;
        while (offset < received) {
            offset += m_reader.feed(chunk + offset, received - offset);
            if (m_reader.hasFrame())
                handleFrame(m_reader.frame());
        }
    }
    runTimers(m_clock.nowMs());
}

// ---- frames in --------------------------------------------------------------------------

void SensorNodeApp::handleFrame(const Frame &frame)
{
    bump(m_stats.framesHandled);
    if (frame.type & Protocol::kSealedTypeFlag) {
        handleSealed(frame);
        return;
    }
    const bool isProvisioningMessage = frame.type >= uint8_t(MessageType::ProvSetConfig) &&
                                       frame.type <= uint8_t(MessageType::ProvLock) &&
                                       frame.type != uint8_t(MessageType::ProvGenKeyResponse) &&
                                       frame.type != uint8_t(MessageType::ProvTestReadingResponse);
    if (isProvisioningMessage && m_record.locked) {
        sendError(ErrorCode::Locked, frame.seq);
        return;
    }
    const bool isOperationalRequest = frame.type == uint8_t(MessageType::AttachChallenge) ||
                                      frame.type == uint8_t(MessageType::AttachAccept) ||
                                      frame.type == uint8_t(MessageType::Command);
    if (isOperationalRequest && !m_record.locked) {
        sendError(ErrorCode::NotProvisioned, frame.seq);
        return;
    }
    // A locked device takes these only sealed: unsealed, they are someone else's.
    const bool mustBeSealed = frame.type == uint8_t(MessageType::Command) ||
                              (frame.type == uint8_t(MessageType::Ack) && m_record.locked);
    if (mustBeSealed) {
        bump(m_stats.sealFailures);
        return;
    }

    switch (frame.type) {
    case uint8_t(MessageType::ProvInfoRequest):
        handleProvInfo(frame);
        break;
    case uint8_t(MessageType::ProvSetConfig):
        handleProvSetConfig(frame);
        break;
    case uint8_t(MessageType::ProvGenKeyRequest):
        handleProvGenKey(frame);
        break;
    case uint8_t(MessageType::ProvTestReadingRequest):
        handleProvTestReading(frame);
        break;
    case uint8_t(MessageType::ProvLock):
        handleProvLock(frame);
        break;
    case uint8_t(MessageType::ProvSetAuthority):
        handleProvSetAuthority(frame);
        break;
    case uint8_t(MessageType::AttachChallenge):
        handleAttachChallenge(frame);
        break;
    case uint8_t(MessageType::AttachAccept):
        handleAttachAccept(frame);
        break;
    case uint8_t(MessageType::Ack):
        handleAck(frame.seq, frame.payload);
        break;
    case uint8_t(MessageType::Error):
        handlePeerError(frame.payload);
        break;
    default:
        // Unknown numbers and the messages a device sends but never receives.
        sendError(ErrorCode::UnknownMessageType, frame.seq);
        break;
    }
}

void SensorNodeApp::handleProvInfo(const Frame &frame)
{
    Protocol::ProvInfoRequestMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    Protocol::ProvInfoResponseMessage response;
    memcpy(response.deviceId, m_record.deviceId, sizeof response.deviceId);
    const char *version = m_settings.firmwareVersion;
    if (!response.firmwareVersion.assign(version, strlen(version)))
        response.firmwareVersion.assign("", 0);
    const char *board = m_settings.boardName;
    if (!response.board.assign(board, strlen(board)))
        response.board.assign("", 0);
    response.state = provisioningState();
    response.capabilities = capabilities();
    response.hasPublicKey = m_record.hasKey;
    response.hasAuthority = m_record.hasAuthority;
    if (m_record.hasKey) {
        response.publicKey[0] = 0x04;
        memcpy(response.publicKey + 1, m_record.publicKey, sizeof m_record.publicKey);
    }
    sendMessage(response);
}

void SensorNodeApp::handleProvSetConfig(const Frame &frame)
{
    Protocol::ProvSetConfigMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    DeviceConfig config;
    config.panId = request.panId;
    config.channel = request.channel;
    config.classAttributes = request.classAttributes;
    config.reportingIntervalS = request.reportingIntervalS;
    const ProvisioningOutcome outcome = configure(config, request.authorityKey + 1);
    if (outcome.ok)
        sendAck(frame.seq);
    else
        sendError(outcome.error, frame.seq);
}

void SensorNodeApp::handleProvGenKey(const Frame &frame)
{
    Protocol::ProvGenKeyRequestMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    Protocol::ProvGenKeyResponseMessage response;
    const ProvisioningOutcome outcome = generateKey(request.hostEntropy, response.publicKey);
    FirmwareCrypto::wipeSecret(request.hostEntropy, sizeof request.hostEntropy);
    if (outcome.ok)
        sendMessage(response);
    else
        sendError(outcome.error, frame.seq);
}

void SensorNodeApp::handleProvTestReading(const Frame &frame)
{
    Protocol::ProvTestReadingRequestMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    if (!m_record.hasKey) {
        sendError(ErrorCode::NotProvisioned, frame.seq);
        return;
    }
    if (request.sensorIndex >= m_sensors.sensorCount()) {
        sendError(ErrorCode::InvalidArgument, frame.seq);
        return;
    }
    uint8_t sign1[Protocol::kMaxSign1Bytes];
    size_t size = 0;
    uint32_t counter = 0;
    if (!signReading(request.sensorIndex, sign1, size, counter)) {
        sendError(ErrorCode::Internal, frame.seq);
        return;
    }
    sendFrame(MessageType::ProvTestReadingResponse, sign1, size);
}

void SensorNodeApp::handleProvLock(const Frame &frame)
{
    Protocol::ProvLockMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    const ProvisioningOutcome outcome = lock(request.deviceId);
    if (outcome.ok)
        sendAck(frame.seq);
    else
        sendError(outcome.error, frame.seq);
}

void SensorNodeApp::handleSealed(const Frame &frame)
{
    Protocol::OpenedFrame opened;
    if (!m_attached) {
        bump(m_stats.sealFailures);
        return;
    }
    LinkHmac hmac(m_linkKey);
    if (Protocol::openSealedFrame(frame, Protocol::LinkDirection::GatewayToDevice, hmac.table(),
                                  m_rxCounter, opened) != Protocol::SealError::None) {
        bump(m_stats.sealFailures);
        return;
    }
    m_rxCounter = opened.counter;
    // A genuine frame from the gateway: the link works, whatever it carries.
    m_unansweredResends = 0;
    m_reattachWanted = false;
    switch (opened.type) {
    case uint8_t(MessageType::Command):
        handleCommand(opened.seq, opened.message);
        break;
    case uint8_t(MessageType::Ack):
        handleAck(opened.seq, opened.message);
        break;
    case uint8_t(MessageType::Error):
        handlePeerError(opened.message);
        break;
    default:
        sendError(ErrorCode::UnknownMessageType, opened.seq);
        break;
    }
}

void SensorNodeApp::handleProvSetAuthority(const Frame &frame)
{
    Protocol::ProvSetAuthorityMessage request;
    if (request.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    const ProvisioningOutcome outcome = setAuthority(request.authorityKey + 1);
    if (outcome.ok)
        sendAck(frame.seq);
    else
        sendError(outcome.error, frame.seq);
}

void SensorNodeApp::handleAttachChallenge(const Frame &frame)
{
    Protocol::AttachChallengeMessage challenge;
    if (challenge.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    if (!m_record.hasAuthority) {
        sendError(ErrorCode::NotProvisioned, frame.seq);
        return;
    }
    if (!FirmwareCrypto::validatePublicKey(challenge.gatewayKey + 1)) {
        sendError(ErrorCode::InvalidArgument, frame.seq);
        return;
    }
    // D from the device's entropy, mixed with the challenge and G (public, but fresh).
    uint8_t entropy[kKeyEntropyBytes];
    if (!m_entropy.fill(entropy, sizeof entropy)) {
        sendError(ErrorCode::Busy, frame.seq);
        return;
    }
    uint8_t mix[kKeyEntropyBytes];
    memcpy(mix, challenge.challenge, Protocol::kAttachChallengeBytes);
    memcpy(mix + Protocol::kAttachChallengeBytes, challenge.gatewayKey + 1,
           kKeyEntropyBytes - Protocol::kAttachChallengeBytes);
    const bool derived = deriveDeviceKey(entropy, mix, m_record.deviceId, m_ephemeralPrivateKey,
                                         m_ephemeralPublicKey + 1);
    FirmwareCrypto::wipeSecret(entropy, sizeof entropy);
    if (!derived) {
        sendError(ErrorCode::Internal, frame.seq);
        return;
    }
    m_ephemeralPublicKey[0] = 0x04;
    memcpy(m_challenge, challenge.challenge, sizeof m_challenge);
    memcpy(m_gatewayKey, challenge.gatewayKey, sizeof m_gatewayKey);

    Protocol::AttachProofMessage proof;
    memcpy(proof.deviceKey, m_ephemeralPublicKey, sizeof proof.deviceKey);
    uint8_t digest[FirmwareCrypto::Sha256::DigestBytes];
    hashParts(Protocol::attachProofParts(m_challenge, m_record.deviceId, m_gatewayKey,
                                         m_ephemeralPublicKey),
              digest);
    if (!FirmwareCrypto::sign(m_record.privateKey, digest, proof.signature)) {
        endAttachExchange();
        sendError(ErrorCode::Internal, frame.seq);
        return;
    }
    m_attachPending = true;
    m_attachStartedMs = m_clock.nowMs();
    if (sendMessage(proof))
        bump(m_stats.proofsSent);
}

void SensorNodeApp::handleAttachAccept(const Frame &frame)
{
    Protocol::AttachAcceptMessage accept;
    if (accept.decode(frame.payload) != MessageError::None) {
        sendError(ErrorCode::Malformed, frame.seq);
        return;
    }
    if (!m_attachPending) {
        bump(m_stats.acceptsRefused);
        return;
    }
    uint8_t digest[FirmwareCrypto::Sha256::DigestBytes];
    hashParts(Protocol::attachAuthorisationParts(m_record.deviceId, m_challenge, m_gatewayKey,
                                                 m_ephemeralPublicKey, accept.gatewayId.data,
                                                 accept.gatewayId.size),
              digest);
    // A forged ACCEPT changes nothing: the exchange stays pending until a genuine one or its
    // timeout.
    if (!FirmwareCrypto::verify(m_record.authorityKey, digest, accept.authorisation)) {
        bump(m_stats.acceptsRefused);
        return;
    }
    uint8_t sharedX[32];
    const bool agreed =
        FirmwareCrypto::sharedSecret(m_ephemeralPrivateKey, m_gatewayKey + 1, sharedX);
    endAttachExchange();
    if (!agreed) {
        bump(m_stats.acceptsRefused);
        return;
    }
    FirmwareCrypto::hkdfSha256(m_challenge, sizeof m_challenge, sharedX, sizeof sharedX,
                               reinterpret_cast<const uint8_t *>(Protocol::kLinkKeyInfo),
                               strlen(Protocol::kLinkKeyInfo), m_linkKey);
    FirmwareCrypto::wipeSecret(sharedX, sizeof sharedX);
    m_txCounter = 0;
    m_rxCounter = 0;
    m_attached = true;
    m_reattachWanted = false;
    m_unansweredResends = 0;
    bump(m_stats.attaches);

    const uint32_t nowMs = m_clock.nowMs();
    if (!m_readingTimerRunning) {
        m_readingTimerRunning = true;
        m_nextReadingMs = nowMs + reportingIntervalMs();
    }
    // What waited while detached goes out again at once, oldest first.
    if (m_ring.count() > 0)
        m_ring.at(0).lastSentMs = nowMs - m_settings.resendIntervalMs;
    sendOldestPending(nowMs);
}

void SensorNodeApp::handleCommand(uint16_t seq, Protocol::ByteView message)
{
    Protocol::CommandMessage command;
    if (command.decode(message) != MessageError::None) {
        sendError(ErrorCode::Malformed, seq);
        return;
    }
    Protocol::CommandStatusMessage status;
    status.commandId = command.commandId;
    status.value = 0;
    if (command.actuatorIndex >= m_actuators.actuatorCount())
        status.status = Protocol::CommandStatus::UnknownActuator;
    else
        status.status = m_actuators.apply(command.actuatorIndex, command.value, status.value);
    sendMessage(status);
}

void SensorNodeApp::handlePeerError(Protocol::ByteView message)
{
    // Never answered, whatever it holds: two peers must not trade ERRORs forever.
    bump(m_stats.errorsReceived);
    Protocol::ErrorMessage error;
    if (error.decode(message) != MessageError::None)
        return;
    // A gateway that has not attached this device refuses its READINGs with BadState; HELLO
    // (rate-limited by helloIntervalMs) lets it attach, and the pending readings follow. The
    // link key stays until a new ATTACH_ACCEPT verifies: an unsealed BadState may be forged.
    if (error.code == ErrorCode::BadState && m_attached && !m_reattachWanted) {
        m_reattachWanted = true;
        m_nextHelloMs = m_clock.nowMs();
    }
}

void SensorNodeApp::handleAck(uint16_t seq, Protocol::ByteView message)
{
    Protocol::AckMessage ack;
    if (ack.decode(message) != MessageError::None) {
        sendError(ErrorCode::Malformed, seq);
        return;
    }
    // An ACK naming a counter no longer pending (a duplicate) is harmless.
    if (ack.hasReadingCounter && m_ring.remove(ack.readingCounter)) {
        bump(m_stats.readingsAcked);
        m_unansweredResends = 0;
        if (m_attached)
            sendOldestPending(m_clock.nowMs());
    }
}

// ---- provisioning ------------------------------------------------------------------------

ProvisioningOutcome SensorNodeApp::configure(const DeviceConfig &config,
                                             const uint8_t authorityKey[64])
{
    if (m_record.locked)
        return failure(ErrorCode::Locked);
    if (!isConfigValid(config) || !FirmwareCrypto::validatePublicKey(authorityKey))
        return failure(ErrorCode::InvalidArgument);
    const DeviceConfig previous = m_record.config;
    const bool hadConfig = m_record.hasConfig;
    const bool hadAuthority = m_record.hasAuthority;
    uint8_t previousAuthority[64];
    memcpy(previousAuthority, m_record.authorityKey, sizeof previousAuthority);
    m_record.config = config;
    m_record.hasConfig = true;
    memcpy(m_record.authorityKey, authorityKey, sizeof m_record.authorityKey);
    m_record.hasAuthority = true;
    if (!saveRecord()) {
        m_record.config = previous;
        m_record.hasConfig = hadConfig;
        memcpy(m_record.authorityKey, previousAuthority, sizeof m_record.authorityKey);
        m_record.hasAuthority = hadAuthority;
        return failure(ErrorCode::Internal);
    }
    return success();
}

ProvisioningOutcome
SensorNodeApp::generateKey(const uint8_t hostEntropy[Protocol::kHostEntropyBytes],
                           uint8_t publicKey[Protocol::kPublicKeyBytes])
{
    if (m_record.locked)
        return failure(ErrorCode::Locked);
    uint8_t deviceEntropy[kKeyEntropyBytes];
    if (!m_entropy.fill(deviceEntropy, sizeof deviceEntropy))
        return failure(ErrorCode::Busy);
    uint8_t privateKey[32];
    uint8_t point[64];
    const bool derived =
        deriveDeviceKey(deviceEntropy, hostEntropy, m_record.deviceId, privateKey, point);
    FirmwareCrypto::wipeSecret(deviceEntropy, sizeof deviceEntropy);
    if (!derived)
        return failure(ErrorCode::Internal);

    uint8_t previousPrivateKey[32];
    uint8_t previousPublicKey[64];
    const bool hadKey = m_record.hasKey;
    memcpy(previousPrivateKey, m_record.privateKey, sizeof previousPrivateKey);
    memcpy(previousPublicKey, m_record.publicKey, sizeof previousPublicKey);
    memcpy(m_record.privateKey, privateKey, sizeof privateKey);
    memcpy(m_record.publicKey, point, sizeof point);
    m_record.hasKey = true;
    FirmwareCrypto::wipeSecret(privateKey, sizeof privateKey);
    const bool saved = saveRecord();
    if (!saved) {
        memcpy(m_record.privateKey, previousPrivateKey, sizeof previousPrivateKey);
        memcpy(m_record.publicKey, previousPublicKey, sizeof previousPublicKey);
        m_record.hasKey = hadKey;
    }
    FirmwareCrypto::wipeSecret(previousPrivateKey, sizeof previousPrivateKey);
    if (!saved)
        return failure(ErrorCode::Internal);
    publicKey[0] = 0x04;
    memcpy(publicKey + 1, point, sizeof point);
    return success();
}

ProvisioningOutcome SensorNodeApp::setAuthority(const uint8_t authorityKey[64])
{
    // Once only: the key that authorises gateways is not for anyone on the USB port to change.
    if (m_record.hasAuthority)
        return failure(ErrorCode::BadState);
    if (!FirmwareCrypto::validatePublicKey(authorityKey))
        return failure(ErrorCode::InvalidArgument);
    memcpy(m_record.authorityKey, authorityKey, sizeof m_record.authorityKey);
    m_record.hasAuthority = true;
    if (!saveRecord()) {
        m_record.hasAuthority = false;
        memset(m_record.authorityKey, 0, sizeof m_record.authorityKey);
        return failure(ErrorCode::Internal);
    }
    m_nextHelloMs = m_clock.nowMs();
    return success();
}

ProvisioningOutcome SensorNodeApp::lock(const uint8_t deviceId[Protocol::kDeviceIdBytes])
{
    if (m_record.locked)
        return failure(ErrorCode::Locked);
    if (memcmp(deviceId, m_record.deviceId, Protocol::kDeviceIdBytes) != 0)
        return failure(ErrorCode::InvalidArgument);
    if (!m_record.hasConfig || !m_record.hasKey || !m_record.hasAuthority)
        return failure(ErrorCode::BadState);
    m_record.locked = true;
    if (!saveRecord()) {
        m_record.locked = false;
        return failure(ErrorCode::Internal);
    }
    m_attached = false;
    m_nextHelloMs = m_clock.nowMs();
    return success();
}

// ---- timers ------------------------------------------------------------------------------

void SensorNodeApp::runTimers(uint32_t nowMs)
{
    if (!m_record.locked)
        return;
    if (m_attachPending && reached(nowMs, m_attachStartedMs + m_settings.attachTimeoutMs)) {
        endAttachExchange();
        m_nextHelloMs = nowMs;
    }
    if (m_attached) {
        if (m_readingTimerRunning && reached(nowMs, m_nextReadingMs)) {
            createReading(nowMs);
            const uint32_t intervalMs = reportingIntervalMs();
            m_nextReadingMs += intervalMs;
            // After a long stall (slow signing, a paused simulator) skip missed slots, no burst.
            if (reached(nowMs, m_nextReadingMs))
                m_nextReadingMs = nowMs + intervalMs;
        }
        sendOldestPending(nowMs);
    }
    // After the resends: the one that reaches kResendsBeforeReattach asks for HELLO at once.
    if ((!m_attached || m_reattachWanted) && !m_attachPending && reached(nowMs, m_nextHelloMs)) {
        sendHello();
        m_nextHelloMs = nowMs + m_settings.helloIntervalMs;
    }
}

uint32_t SensorNodeApp::reportingIntervalMs() const
{
    if (m_settings.reportingIntervalMsOverride != 0)
        return m_settings.reportingIntervalMsOverride;
    return m_record.config.reportingIntervalS * 1000u; // ≤ 86 400 000
}

void SensorNodeApp::sendHello()
{
    Protocol::HelloMessage hello;
    memcpy(hello.deviceId, m_record.deviceId, sizeof hello.deviceId);
    const char *version = m_settings.firmwareVersion;
    if (!hello.firmwareVersion.assign(version, strlen(version)))
        hello.firmwareVersion.assign("", 0);
    hello.classAttributes = m_record.config.classAttributes;
    hello.capabilities = capabilities();
    hello.publicKey[0] = 0x04;
    memcpy(hello.publicKey + 1, m_record.publicKey, sizeof m_record.publicKey);
    if (sendMessage(hello))
        bump(m_stats.hellosSent);
}

void SensorNodeApp::createReading(uint32_t nowMs)
{
    const uint8_t sensorCount = m_sensors.sensorCount();
    for (uint8_t index = 0; index < sensorCount; ++index) {
        uint8_t sign1[Protocol::kMaxSign1Bytes];
        size_t size = 0;
        uint32_t counter = 0;
        if (!signReading(index, sign1, size, counter)) {
            bump(m_stats.readingsFailed);
            continue;
        }
        bump(m_stats.readingsCreated);
        bool droppedOldest = false;
        PendingReading &slot = m_ring.append(droppedOldest);
        if (droppedOldest)
            bump(m_stats.readingsDropped);
        slot.counter = counter;
        slot.size = uint8_t(size);
        memcpy(slot.sign1, sign1, size);
        slot.sent = false;
        sendOldestPending(nowMs);
    }
}

// One reading in flight at a time: a newer one goes out only after the gateway acknowledged
// every older one. A lost frame or ACK then delays the newer readings instead of letting them
// overtake it, and the M2M service, which refuses a counter below one it already stored,
// receives them in counter order.
void SensorNodeApp::sendOldestPending(uint32_t nowMs)
{
    if (m_ring.count() == 0)
        return;
    PendingReading &oldest = m_ring.at(0);
    if (oldest.sent) {
        if (!reached(nowMs, oldest.lastSentMs + m_settings.resendIntervalMs))
            return;
        bump(m_stats.readingsResent);
        if (m_unansweredResends < 0xFF)
            ++m_unansweredResends;
        if (m_unansweredResends >= kResendsBeforeReattach && !m_reattachWanted) {
            m_reattachWanted = true; // the gateway may have lost the link key
            m_nextHelloMs = nowMs;
        }
    }
    oldest.sent = true;
    oldest.lastSentMs = nowMs;
    sendFrame(MessageType::Reading, oldest.sign1, oldest.size);
}

// ---- signing -----------------------------------------------------------------------------

bool SensorNodeApp::signReading(uint8_t sensorIndex, uint8_t *output, size_t &size,
                                uint32_t &counter)
{
    if (!m_record.hasKey)
        return false;
    SensorSample sample;
    if (!m_sensors.sample(sensorIndex, sample) || sample.unit == nullptr)
        return false;
    const size_t unitSize = strlen(sample.unit);
    if (unitSize > Protocol::kMaxUnitBytes)
        return false;
    if (!reserveCounter(counter))
        return false;

    Protocol::SignedReading reading;
    memcpy(reading.deviceId, m_record.deviceId, sizeof reading.deviceId);
    reading.counter = counter;
    reading.sensorIndex = sensorIndex;
    reading.value = sample.value;
    reading.scaleExponent = sample.scaleExponent;
    memcpy(reading.unit, sample.unit, unitSize);
    reading.unitSize = uint8_t(unitSize);

    uint8_t payload[Protocol::kMaxReadingPayloadBytes];
    size_t payloadSize = 0;
    if (Protocol::encodeReadingPayload(reading, payload, sizeof payload, payloadSize) !=
        Protocol::CoseError::None)
        return false;
    uint8_t sigStructure[Protocol::kMaxSigStructureBytes];
    size_t sigStructureSize = 0;
    if (Protocol::buildSigStructure(payload, payloadSize, sigStructure, sizeof sigStructure,
                                    sigStructureSize) != Protocol::CoseError::None)
        return false;
    uint8_t signature[Protocol::kEs256SignatureBytes];
    if (!signDigestOf(sigStructure, sigStructureSize, signature))
        return false;
    return Protocol::encodeSign1Tagged(m_record.deviceId, payload, payloadSize, signature, output,
                                       Protocol::kMaxSign1Bytes, size) == Protocol::CoseError::None;
}

bool SensorNodeApp::reserveCounter(uint32_t &counter)
{
    if (m_nextCounter == kLastCounter)
        return false; // exhausted: a counter never wraps, the device needs a new identity
    if (m_nextCounter >= m_record.counterLimit) {
        const uint32_t previousLimit = m_record.counterLimit;
        const uint32_t room = kLastCounter - m_nextCounter;
        m_record.counterLimit = m_nextCounter + (room < kCounterBlock ? room : kCounterBlock);
        if (!saveRecord()) {
            m_record.counterLimit = previousLimit;
            return false;
        }
    }
    counter = m_nextCounter++;
    return true;
}

bool SensorNodeApp::signDigestOf(const uint8_t *message, size_t size, uint8_t signature[64])
{
    uint8_t digest[FirmwareCrypto::Sha256::DigestBytes];
    FirmwareCrypto::Sha256::hash(message, size, digest);
    return FirmwareCrypto::sign(m_record.privateKey, digest, signature);
}

bool SensorNodeApp::saveRecord()
{
    if (m_store.save(m_record))
        return true;
    bump(m_stats.storageFailures);
    return false;
}

uint16_t SensorNodeApp::capabilities() const
{
    uint16_t bits = 0;
    if (m_sensors.sensorCount() > 0)
        bits |= Protocol::kCapabilityReadings;
    if (m_actuators.actuatorCount() > 0)
        bits |= Protocol::kCapabilityCommands;
    if (!m_record.locked)
        bits |= Protocol::kCapabilityProvisioning;
    return bits;
}

// ---- frames out --------------------------------------------------------------------------

template<typename Message>
bool SensorNodeApp::sendMessage(const Message &message)
{
    Protocol::Payload payload;
    if (message.encode(payload) != MessageError::None)
        return false;
    return sendFrame(Message::kType, payload.bytes, payload.size);
}

bool SensorNodeApp::sendFrame(MessageType type, const uint8_t *payload, size_t payloadSize)
{
    Protocol::FrameEncodeResult encoded;
    if (m_attached && Protocol::isSealedType(uint8_t(type))) {
        LinkHmac hmac(m_linkKey);
        encoded = Protocol::encodeSealedFrame(
            uint8_t(type), m_txSeq++, payload, payloadSize, ++m_txCounter,
            Protocol::LinkDirection::DeviceToGateway, hmac.table(), m_txFrame, sizeof m_txFrame);
    } else {
        encoded = Protocol::encodeFrame(uint8_t(type), m_txSeq++, payload, payloadSize, m_txFrame,
                                        sizeof m_txFrame);
    }
    if (encoded.error != Protocol::FrameEncodeError::None)
        return false;
    if (m_link.write(m_txFrame, encoded.size))
        return true;
    bump(m_stats.linkWriteFailures);
    return false;
}

void SensorNodeApp::sendError(ErrorCode code, uint16_t refersToSeq)
{
    Protocol::ErrorMessage error;
    error.code = code;
    error.refersToSeq = refersToSeq;
    if (sendMessage(error))
        bump(m_stats.errorsSent);
}

void SensorNodeApp::sendAck(uint16_t ackedSeq)
{
    Protocol::AckMessage ack;
    ack.ackedSeq = ackedSeq;
    ack.hasReadingCounter = false;
    ack.readingCounter = 0;
    sendMessage(ack);
}

} // namespace SensorNode
} // namespace Portal
