#pragma once
// The sensor-node application (DESIGN §4.1, §4.2), shared by the AVR image and the host
// simulator. It owns no hardware: a board hands it the interfaces of board.h.
//
// Modes:
// - Provisioning (record not locked): answers PROV_INFO_REQUEST, PROV_SET_CONFIG (ACK; it
//   carries the portal's device-authority key),
//   PROV_GENKEY_REQUEST (key from device ‖ host entropy, devicekey.h; answers the public key),
//   PROV_TEST_READING_REQUEST (one signed reading) and PROV_LOCK (ACK). Operational messages
//   get ERROR NotProvisioned.
// - Operational (locked): sends HELLO every helloIntervalMs until an ATTACH_CHALLENGE (the
//   portal's challenge and the gateway's ephemeral key G) arrives, answers it with ATTACH_PROOF
//   (an ephemeral key D and ES256 over attachProofParts), and attaches when an ATTACH_ACCEPT
//   verifies with the provisioned authority key: the link key is HKDF(ECDH(D, G)), and every
//   READING, ACK, COMMAND, COMMAND_STATUS and ERROR is sealed from then on (attachexchange.h);
//   frames that fail their seal, or come unsealed, are dropped and counted. An exchange with no
//   ATTACH_ACCEPT within attachTimeoutMs starts again from HELLO. An attached device creates one
//   READING per reporting interval (COSE_Sign1, counter strictly increasing across resets),
//   keeps the unacknowledged ones in a ReadingRing and sends them one at a time, oldest
//   first: the oldest is resent every resendIntervalMs until an ACK names its counter, and
//   only then does the next go out (so readings reach the gateway in counter order). COMMAND →
//   Actuators → COMMAND_STATUS. A new ATTACH_CHALLENGE re-attaches at any time, and an ERROR
//   BadState (the gateway does not know this device: it restarted, and a serial line does not say
//   so) or kResendsBeforeReattach resends without an ACK send HELLO again; the old link key
//   stays in use until a new ATTACH_ACCEPT verifies. PROV_* messages other than PROV_INFO get
//   ERROR Locked, except PROV_SET_AUTHORITY while the device holds no authority key (a record
//   of the first layout).
// Frames it cannot use are answered with ERROR (Malformed, UnknownMessageType, …), except
// ERROR frames, which are only counted (two peers must not trade ERRORs). A well-formed ACK
// is never answered. Frames the FrameReader drops are counted there (frameDrops()).
//
// Memory: fixed, ≈ 2.2 KiB in the object (reader, ring of 8 signed readings, record, one
// transmit frame, the attach exchange and link key) plus one payload and one message on the
// stack while a frame is handled.

#include <firmware/app/board.h>
#include <firmware/app/devicerecord.h>
#include <firmware/app/readingring.h>
#include <portal-core/protocol/attachexchange.h>
#include <portal-core/protocol/frame.h>
#include <portal-core/protocol/messages.h>

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace SensorNode {

struct SensorNodeSettings
{
    const char *firmwareVersion;          // NUL-terminated, ≤ Protocol::kMaxFirmwareVersionBytes
    const char *boardName;                // NUL-terminated, ≤ Protocol::kMaxBoardNameBytes
    uint32_t helloIntervalMs;             // HELLO repeat while no ATTACH_CHALLENGE came
    uint32_t resendIntervalMs;            // per unacknowledged reading
    uint32_t reportingIntervalMsOverride; // 0: the configured reportingIntervalS
    uint32_t attachTimeoutMs;             // ATTACH_PROOF sent, no ATTACH_ACCEPT: HELLO again
};

// Resends of the oldest reading without any ACK after which the device sends HELLO again
// (the gateway may have lost the link key), keeping its link until a new one is accepted.
constexpr uint8_t kResendsBeforeReattach = 3;

// Settings with the protocol's defaults (HELLO every 3 s, resend every 2 s, attach timeout
// 30 s).
SensorNodeSettings defaultSettings(const char *firmwareVersion, const char *boardName);

// Counters saturate.
struct SensorNodeStats
{
    uint32_t framesHandled;  // valid frames delivered by the reader
    uint32_t errorsSent;     // ERROR answers to frames the device could not use
    uint32_t errorsReceived; // ERROR frames from the peer
    uint32_t hellosSent;
    uint32_t proofsSent;      // ATTACH_PROOFs sent
    uint32_t attaches;        // ATTACH_ACCEPTs that verified: links established
    uint32_t acceptsRefused;  // ATTACH_ACCEPTs that did not verify (or came unasked)
    uint32_t sealFailures;    // frames dropped: bad tag, replayed counter, unsealed when sealed
    uint32_t readingsCreated; // READINGs signed (not counting resends)
    uint32_t readingsResent;
    uint32_t readingsAcked;
    uint32_t readingsDropped;   // pushed out of the full ring before an ACK
    uint32_t readingsFailed;    // no reading: sensor, counter reservation or signing failed
    uint32_t storageFailures;   // DeviceStore::save returned false
    uint32_t linkWriteFailures; // ByteLink::write returned false
};

// The outcome of a provisioning step; `error` is what an ERROR frame would carry.
struct ProvisioningOutcome
{
    bool ok;
    Protocol::ErrorCode error;
};

class SensorNodeApp
{
public:
    SensorNodeApp(ByteLink &link, Clock &clock, DeviceStore &store, EntropySource &entropy,
                  Sensors &sensors, Actuators &actuators, const SensorNodeSettings &settings);
    ~SensorNodeApp();
    SensorNodeApp(const SensorNodeApp &) = delete;
    SensorNodeApp &operator=(const SensorNodeApp &) = delete;

    // Loads the record; when none is stored (or it is inconsistent) starts from a factory
    // record with `factoryDeviceId` and saves it. Returns false only when that save failed (the
    // app still runs, from RAM). Call once before poll().
    bool begin(const uint8_t factoryDeviceId[Protocol::kDeviceIdBytes]);

    // Reads what the link has, handles every complete frame, then runs the timers (HELLO,
    // readings, resends). Call it often (every few ms); it never blocks except in signing.
    void poll();

    // The link now reaches a new peer (simulator: new TCP connection): forget any partial
    // frame and attach again with HELLO. Pending readings stay and are resent after attaching.
    void linkRestarted();

    // Provisioning steps, as the PROV_* handlers run them (a host-side tool may call them
    // directly). Each saves the record and refuses with ErrorCode Locked once locked.
    // `authorityKey`: the portal's device-authority public key x ‖ y.
    ProvisioningOutcome configure(const DeviceConfig &config, const uint8_t authorityKey[64]);
    // `publicKey` receives 04 ‖ x ‖ y. Busy/Internal when entropy or storage fails.
    ProvisioningOutcome generateKey(const uint8_t hostEntropy[Protocol::kHostEntropyBytes],
                                    uint8_t publicKey[Protocol::kPublicKeyBytes]);
    // PROV_SET_AUTHORITY: the device-authority key x ‖ y for a device that holds none (a record
    // of the first layout); accepted also while locked, once (BadState afterwards).
    ProvisioningOutcome setAuthority(const uint8_t authorityKey[64]);
    // InvalidArgument when `deviceId` is not this device's; BadState without config and key.
    ProvisioningOutcome lock(const uint8_t deviceId[Protocol::kDeviceIdBytes]);

    const DeviceRecord &record() const { return m_record; }
    Protocol::ProvisioningState provisioningState() const;
    bool isAttached() const { return m_attached; }
    // The counter the next reading will carry.
    uint32_t nextCounter() const { return m_nextCounter; }
    const ReadingRing &pendingReadings() const { return m_ring; }
    const SensorNodeStats &stats() const { return m_stats; }
    const Protocol::FrameDropCounters &frameDrops() const { return m_reader.drops(); }

private:
    void handleFrame(const Protocol::Frame &frame);
    void handleProvInfo(const Protocol::Frame &frame);
    void handleProvSetConfig(const Protocol::Frame &frame);
    void handleProvGenKey(const Protocol::Frame &frame);
    void handleProvTestReading(const Protocol::Frame &frame);
    void handleProvLock(const Protocol::Frame &frame);
    void handleProvSetAuthority(const Protocol::Frame &frame);
    void handleSealed(const Protocol::Frame &frame);
    void handleAttachChallenge(const Protocol::Frame &frame);
    void handleAttachAccept(const Protocol::Frame &frame);
    void handleCommand(uint16_t seq, Protocol::ByteView message);
    void handleAck(uint16_t seq, Protocol::ByteView message);
    void handlePeerError(Protocol::ByteView message);
    void endAttachExchange();

    void runTimers(uint32_t nowMs);
    void sendHello();
    void createReading(uint32_t nowMs);
    void sendOldestPending(uint32_t nowMs);
    uint32_t reportingIntervalMs() const;

    // Signs one reading of sensor `sensorIndex` into `output` (≥ kMaxSign1Bytes).
    bool signReading(uint8_t sensorIndex, uint8_t *output, size_t &size, uint32_t &counter);
    bool reserveCounter(uint32_t &counter);
    bool signDigestOf(const uint8_t *message, size_t size, uint8_t signature[64]);
    bool saveRecord();
    uint16_t capabilities() const;

    template<typename Message>
    bool sendMessage(const Message &message);
    bool sendFrame(Protocol::MessageType type, const uint8_t *payload, size_t payloadSize);
    void sendError(Protocol::ErrorCode code, uint16_t refersToSeq);
    void sendAck(uint16_t ackedSeq);

    ByteLink &m_link;
    Clock &m_clock;
    DeviceStore &m_store;
    EntropySource &m_entropy;
    Sensors &m_sensors;
    Actuators &m_actuators;
    SensorNodeSettings m_settings;

    Protocol::FrameReader m_reader;
    DeviceRecord m_record;
    ReadingRing m_ring;
    SensorNodeStats m_stats;
    uint32_t m_nextCounter;
    uint16_t m_txSeq;
    bool m_attached;
    bool m_readingTimerRunning;
    uint32_t m_nextHelloMs;
    uint32_t m_nextReadingMs;
    uint8_t m_txFrame[Protocol::kMaxFrameBytes];

    // The attach exchange in progress (ATTACH_PROOF sent, ATTACH_ACCEPT awaited).
    bool m_attachPending;
    bool m_reattachWanted; // attached, but HELLO again (BadState, unanswered resends)
    uint8_t m_unansweredResends;
    uint32_t m_attachStartedMs;
    uint8_t m_challenge[Protocol::kAttachChallengeBytes];
    uint8_t m_gatewayKey[Protocol::kPublicKeyBytes];         // G, 04 ‖ x ‖ y
    uint8_t m_ephemeralPrivateKey[32];                       // d of D (secret)
    uint8_t m_ephemeralPublicKey[Protocol::kPublicKeyBytes]; // D, 04 ‖ x ‖ y
    // The attached link.
    uint8_t m_linkKey[Protocol::kLinkKeyBytes]; // secret
    uint32_t m_txCounter;
    uint32_t m_rxCounter;
};

} // namespace SensorNode
} // namespace Portal
